"""Generated documents: an advisor's activity report in the five-section layout, and the programme overview.

Both are built from data (the municipality profile, the support log, snapshots, the plan and hearings) into
`core.documents` blocks, so they print as Word or PDF like the plan; the overview is also a workbook.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from banso.core.documents import Document, Facts, Heading, Paragraph, Table
from banso.core.fiscal import FiscalYear, wareki_date
from banso.core.xlsx import Table as SheetTable
from banso.core.xlsx import xlsx_bytes
from banso.programs import selectors
from banso.programs.models import Outcome, ParticipantProvider


def _profile_rows(town) -> list[list[str]]:
    aged = f"{float(town.aged_65_share) * 100:.1f}%" if town.aged_65_share is not None else "—"
    return [
        [_("population"), f"{town.population:,}人" if town.population else "—"],
        [_("households"), f"{town.households:,}世帯" if town.households else "—"],
        [_("area (km²)"), f"{town.area_km2:,}" if town.area_km2 else "—"],
        [_("share aged 65 and over"), aged],
        [_("prefecture"), town.prefecture.name],
    ]


def advisor_report(assignment, until: dt.date | None = None) -> Document:
    """派遣先の概要 / 課題 / 取組 / 苦労・成功体験 / 今後の展開, for one advisor's assignment to one town."""
    town, advisor = assignment.municipality, assignment.advisor
    until = until or min(assignment.ends_on, timezone.localdate())
    activities = list(selectors.activities_of(town, advisor=advisor, until=until))
    snapshot = selectors.latest_snapshot(town, until)
    doc = Document(
        title=_("Activity report: %(town)s") % {"town": town.name},
        subtitle_lines=[
            f"{assignment.title} {advisor}（{assignment.provider}）",
            f"{wareki_date(assignment.starts_on)}〜{wareki_date(assignment.ends_on)}",
        ],
        compact=True,
    )
    doc.add(
        Heading(_("1. About the municipality"), 1), Table([_("item"), _("value")], _profile_rows(town), [1, 2])
    )
    participation = town.participations.select_related("programme").first()
    if participation:
        doc.add(
            Paragraph(f"{participation.programme}：{participation.theme}"), *_paragraphs(participation.summary)
        )
    doc.add(Heading(_("2. Challenges"), 1))
    challenges = list(town.challenges.filter(status="open").order_by("-impact", "-urgency")[:8])
    if challenges:
        doc.add(
            Table(
                [_("challenge"), _("priority group")],
                [[c.title, c.get_priority_display()] for c in challenges],
                [4, 1],
            )
        )
    else:
        doc.add(Paragraph(_("No challenges recorded yet.")))
    doc.add(Heading(_("3. What was done"), 1))
    if activities:
        doc.add(
            Table(
                [_("date"), _("kind"), _("outcome category"), _("activity")],
                [
                    [
                        wareki_date(a.held_on),
                        a.get_kind_display(),
                        _short(a.category),
                        f"{a.title}\n{a.description}".strip(),
                    ]
                    for a in activities
                ],
                [2, 1.2, 2, 6],
            )
        )
    else:
        doc.add(Paragraph(_("No activity logged yet.")))
    doc.add(Heading(_("4. Difficulties and successes"), 1))
    lessons = [a for a in activities if a.lessons]
    doc.add(*([Paragraph(f"・{a.lessons}") for a in lessons] or [Paragraph(_("None recorded."))]))
    doc.add(Heading(_("5. Next steps"), 1))
    if snapshot and snapshot.next_steps:
        doc.add(
            Paragraph(_("As of %(date)s:") % {"date": wareki_date(snapshot.as_of)}),
            *_paragraphs(snapshot.next_steps),
        )
    _upcoming_steps(doc, town, until)
    return doc


def _paragraphs(text):
    return [Paragraph(p.strip()) for p in (text or "").split("\n") if p.strip()]


def _short(category) -> str:
    label = str(Outcome(category).label)
    return label.split("（")[-1].rstrip("）") if "（" in label else label


def _upcoming_steps(doc, town, on):
    from banso.plans.models import MeasureStep

    year = FiscalYear.of(on).year + 1
    steps = MeasureStep.objects.filter(measure__plan__municipality=town, fiscal_year=year).select_related(
        "measure"
    )
    rows = [[f"{s.measure.number} {s.measure.title}", s.description] for s in steps]
    if rows:
        doc.add(
            Heading(_("Steps planned for %(year)s") % {"year": FiscalYear(year).era_label}, 2),
            Table([pgettext("plan", "measure"), _("step")], rows, [2, 3]),
        )


# -- the programme overview --------------------------------------------------------------------


def _providers(participant, role) -> str:
    return "、".join(p.provider.name for p in participant.providers.all() if p.role == role)


def programme_overview(programme, as_of: dt.date) -> Document:
    rows = selectors.with_latest_snapshots(programme, as_of)
    doc = Document(
        title=programme.title,
        subtitle_lines=[str(programme.owner), _("As of %(date)s") % {"date": wareki_date(as_of, with_day=False)}],
    )
    doc.add(Heading(_("1. Municipalities, themes and support providers"), 1))
    if programme.description:
        doc.add(*_paragraphs(programme.description))
    doc.add(
        Table(
            [_("municipality"), _("theme"), _("representative provider"), _("resident provider")],
            [
                [
                    p.municipality.name,
                    p.theme,
                    _providers(p, ParticipantProvider.Role.REPRESENTATIVE),
                    _providers(p, ParticipantProvider.Role.RESIDENT),
                ]
                for p, _s in rows
            ],
            [1.2, 3, 1.6, 1.6],
        ),
        Heading(_("2. By municipality"), 1),
    )
    for participant, snapshot in rows:
        doc.add(
            Heading(f"{participant.municipality.name}：{participant.theme}", 2), *_paragraphs(participant.summary)
        )
        if snapshot is None:
            doc.add(Paragraph(_("No status recorded by this date.")))
            continue
        doc.add(
            Paragraph(_("Outcomes as of %(date)s") % {"date": wareki_date(snapshot.as_of, with_day=False)}),
            Facts(
                [
                    (str(Outcome.VISION.label), snapshot.vision or _("none")),
                    (str(Outcome.PEOPLE.label), snapshot.people or _("none")),
                    (str(Outcome.IMPLEMENTATION.label), snapshot.implementation or _("none")),
                    (_("Next steps"), snapshot.next_steps or "—"),
                ]
            ),
        )
    return doc


def programme_workbook(programme, as_of: dt.date) -> bytes:
    rows = selectors.with_latest_snapshots(programme, as_of)
    return xlsx_bytes(
        [
            SheetTable(
                _("overview"),
                [
                    _("code"),
                    _("municipality"),
                    _("theme"),
                    _("representative provider"),
                    _("resident provider"),
                    _("as of"),
                    str(Outcome.VISION.label),
                    str(Outcome.PEOPLE.label),
                    str(Outcome.IMPLEMENTATION.label),
                    _("next steps"),
                ],
                [
                    [
                        p.municipality.code,
                        p.municipality.name,
                        p.theme,
                        _providers(p, "representative"),
                        _providers(p, "resident"),
                        s.as_of.isoformat() if s else "",
                        s.vision if s else "",
                        s.people if s else "",
                        s.implementation if s else "",
                        s.next_steps if s else "",
                    ]
                    for p, s in rows
                ],
                [10, 12, 30, 20, 20, 12, 40, 40, 40, 40],
            )
        ]
    )
