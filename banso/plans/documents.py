"""The plan as the document a council receives, built from a snapshot so any issued edition prints again as it was.

The order follows the plans towns publish (金山町's among them): cover, background
and challenges, concept and vision, phases and schedule, policies, each measure
with 目的・対象者・内容・ステップ・ゴール, the KPI table, funding, and the revision history.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from banso.core.documents import Document, Facts, Heading, Paragraph, Table, document_bytes
from banso.core.fiscal import FiscalYear, wareki_date
from banso.plans import selectors, workbook
from banso.plans.diff import budget_text
from banso.plans.models import KPI


def _fy(year) -> str:
    return FiscalYear(int(year)).era_label


def _short(year) -> str:
    return FiscalYear(int(year)).short_label


def _month(text: str | None) -> str:
    """2023-01 → 2023年1月."""
    if not text:
        return ""
    year, month = text.split("-")
    return f"{year}年{int(month)}月"


def _paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(p.strip()) for p in (text or "").split("\n\n") if p.strip()]


def target_text(kpi: dict) -> str:
    """「70%（R9）、80%（R11）」: each target with its 年度, as the plan wrote it (a milestone in words)."""
    written = kpi.get("written", {})
    unit = "" if kpi.get("kind") == "milestone" else kpi["unit"]
    return "、".join(
        f"{written.get(y) or f'{v}{unit}'}（{_short(y)}）"
        for y, v in sorted(kpi["targets"].items(), key=lambda t: int(t[0]))
    )


def baseline_text(kpi: dict) -> str:
    if not kpi["baseline_value"]:
        return ""
    when = f"（{kpi['baseline_date'][:7].replace('-', '年')}月）" if kpi["baseline_date"] else ""
    return f"{kpi['baseline_value']}{kpi['unit']}{when}"


def plan_document(snapshot: dict, versions: list[dict]) -> Document:
    """`versions`: the issued editions, oldest first, each {"label", "issued_on" (date), "note"}."""
    plan = snapshot["plan"]
    period = _("Plan period: %(start)s to %(end)s") % {
        "start": _fy(plan["start_year"]),
        "end": _fy(plan["end_year"]),
    }
    if plan.get("starts_on") or plan.get("ends_on"):
        period += f"（{_month(plan.get('starts_on'))}〜{_month(plan.get('ends_on'))}）"
    subtitle = [snapshot["municipality"]["name"], period]
    if versions:
        latest = versions[-1]
        subtitle.append(f"{latest['label']}（{wareki_date(latest['issued_on'], with_day=False)}）")
    doc = Document(title=plan["title"], subtitle_lines=subtitle, contents=True)
    _background(doc, snapshot)
    _concept(doc, snapshot)
    _phases(doc, snapshot)
    _measures(doc, snapshot)
    _kpis(doc, snapshot)
    _funding(doc, snapshot)
    if versions:
        doc.add(
            Heading(_("Revision history"), 1),
            Table(
                [_("edition"), _("date of issue"), _("what changed")],
                [[v["label"], wareki_date(v["issued_on"]), v["note"]] for v in versions],
                [2, 3, 7],
            ),
        )
    return doc


def _background(doc: Document, snapshot: dict) -> None:
    doc.add(Heading(_("1. Background and challenges"), 1), *_paragraphs(snapshot["plan"]["background"]))
    rows = [
        [challenge, f"{m['number']} {m['title']}"] for m in snapshot["measures"] for challenge in m["challenges"]
    ]
    if rows:
        doc.add(
            Heading(_("Challenges heard and the measures that answer them"), 2),
            Table([_("challenge"), pgettext("plan", "measure")], rows, [3, 2]),
        )


def _concept(doc: Document, snapshot: dict) -> None:
    plan = snapshot["plan"]
    doc.add(Heading(_("2. Concept and vision"), 1))
    if plan["concept"]:
        doc.add(Heading(_("Concept"), 2), Paragraph(f"「{plan['concept']}」"))
    if plan["vision"]:
        doc.add(Heading(_("Vision"), 2), *_paragraphs(plan["vision"]))
    viewpoints = snapshot.get("viewpoints", [])
    if viewpoints:
        doc.add(Heading(_("Cross-cutting viewpoints"), 2))
        doc.add(Facts([(v["title"], v["description"]) for v in viewpoints]))


def _phases(doc: Document, snapshot: dict) -> None:
    plan = snapshot["plan"]
    doc.add(Heading(_("3. Phases and schedule"), 1))
    doc.add(
        Paragraph(
            _("Plan period: %(start)s to %(end)s")
            % {"start": FiscalYear(plan["start_year"]).label, "end": FiscalYear(plan["end_year"]).label}
        )
    )
    if snapshot["phases"]:
        doc.add(
            Table(
                [_("phase"), _("period"), _("goal"), _("description")],
                [
                    [
                        f"{p['order']}. {p['name']}",
                        f"{_fy(p['start_year'])}〜{_fy(p['end_year'])}",
                        p["goal"],
                        p["description"],
                    ]
                    for p in snapshot["phases"]
                ],
                [3, 3, 3, 5],
            )
        )
    years = list(range(plan["start_year"], plan["end_year"] + 1))
    if snapshot["measures"]:
        # One band per phase over the years it spans, above the measures' steps, as the roadmap page shows it.
        bands = [
            [
                f"{p['order']}. {p['name']}",
                *[p["name"] if p["start_year"] <= y <= p["end_year"] else "" for y in years],
            ]
            for p in snapshot["phases"]
        ]
        doc.add(
            Heading(_("Roadmap"), 2),
            Table(
                [pgettext("plan", "measure"), *[_short(y) for y in years]],
                bands
                + [
                    [f"{m['number']} {m['title']}", *[m["steps"].get(str(y), "") for y in years]]
                    for m in snapshot["measures"]
                ],
                [3, *[2] * len(years)],
                bands=len(bands),
            ),
        )


def _measures(doc: Document, snapshot: dict) -> None:
    doc.add(Heading(_("4. Measures"), 1))
    policies = snapshot["policies"]
    if policies:
        # The 方針 tree in document order, each level indented and named as the plan names it.
        doc.add(
            Heading(_("Policies"), 2),
            Table(
                [_("policy"), _("measures")],
                [
                    [
                        "　" * p.get("depth", 0) + f"{p.get('level') or _('policy')} {p['number']} {p['title']}",
                        "\n".join(
                            f"{m['number']} {m['title']}"
                            for m in snapshot["measures"]
                            if m["policy"] == p["number"]
                        ),
                    ]
                    for p in policies
                ],
                [3, 3],
            ),
        )
    for m in snapshot["measures"]:
        doc.add(Heading(f"{m['number']} {m['title']}", 2))
        owner = "・".join(name for name in [m["owner"], *m.get("co_owners", [])] if name) or _("not decided")
        partners, related = _("partners outside the town"), _("related departments")
        owner += f"（{partners}：{'、'.join(m['partners'])}）" if m.get("partners") else ""
        owner += f"（{related}：{'、'.join(m['related'])}）" if m["related"] else ""
        goals = [m["goal"]] if m["goal"] else []
        goals += [f"・{k['name']} {target_text(k)}" for k in m["kpis"]]
        doc.add(
            Facts(
                [
                    (_("Purpose"), m["purpose"]),
                    (_("Target audience"), m["audience"]),
                    (_("Content"), m["content"]),
                    (_("Owner department"), owner),
                ]
            )
        )
        if m["steps"]:
            doc.add(
                Heading(_("Steps"), 3),
                Table(
                    [_("fiscal year"), _("step")],
                    [[f"{_short(y)}（{_fy(y)}）", text] for y, text in sorted(m["steps"].items())],
                    [1, 4],
                ),
            )
        extra = [(_("Goal"), "\n".join(goals))]
        if _funding_names(m) or m["budget_thousand_yen"]:
            extra.append((_("Budget and funding"), _funding_text(m)))
        if m.get("budgets"):
            extra.append(
                (
                    _("Budget by fiscal year"),
                    "\n".join(f"{_short(y)}：{budget_text(b)}" for y, b in sorted(m["budgets"].items())),
                )
            )
        if m["tags"]:
            extra.append((_("Alignment"), "、".join(m["tags"])))
        doc.add(Facts(extra))


def _funding_text(m: dict) -> str:
    budget = (
        _("%(amount)s thousand yen") % {"amount": f"{m['budget_thousand_yen']:,}"}
        if m["budget_thousand_yen"]
        else ""
    )
    return "　".join(p for p in (budget, "、".join(_funding_names(m))) if p)


def _funding_names(m: dict) -> list[str]:
    """Banso's schemes and any the plan names that Banso does not list, as written."""
    return m["funding"] + ([m["funding_other"]] if m.get("funding_other") else [])


def _kpis(doc: Document, snapshot: dict) -> None:
    rows = [
        [
            m["number"],
            k["name"],
            baseline_text(k),
            target_text(k),
            str(KPI.Direction(k["direction"]).label),
            k["data_source"],
        ]
        for m in snapshot["measures"]
        for k in m["kpis"]
    ]
    doc.add(Heading(_("5. KPIs"), 1))
    if rows:
        doc.add(
            Table(
                [
                    pgettext("plan", "measure"),
                    _("KPI"),
                    _("baseline"),
                    _("targets"),
                    _("direction"),
                    _("data source"),
                ],
                rows,
                [1.2, 4, 2.2, 2.6, 1.8, 2.2],
            )
        )
    else:
        doc.add(Paragraph(_("No KPIs have been set yet.")))


def _funding(doc: Document, snapshot: dict) -> None:
    rows = [
        [
            f"{m['number']} {m['title']}",
            f"{m['budget_thousand_yen']:,}" if m["budget_thousand_yen"] else "",
            "、".join(_funding_names(m)),
        ]
        for m in snapshot["measures"]
        if _funding_names(m) or m["budget_thousand_yen"]
    ]
    doc.add(Heading(_("6. Funding"), 1))
    if rows:
        total = sum(m["budget_thousand_yen"] or 0 for m in snapshot["measures"])
        rows.append([_("Total"), f"{total:,}", ""])
        doc.add(Table([pgettext("plan", "measure"), _("budget (thousand yen)"), _("funding")], rows, [4, 2, 4]))
    else:
        doc.add(Paragraph(_("No budget or funding has been entered yet.")))
    years = sorted({int(y) for m in snapshot["measures"] for y in m.get("budgets", {})})
    if years:
        totals = [
            [
                f"{_short(y)}（{_fy(y)}）",
                f"{sum(m['budgets'].get(str(y), {}).get('budget') or 0 for m in snapshot['measures']):,}",
                f"{sum(m['budgets'].get(str(y), {}).get('settled') or 0 for m in snapshot['measures']):,}",
            ]
            for y in years
        ]
        doc.add(
            Heading(_("Budget and settlement by fiscal year"), 2),
            Table([_("fiscal year"), _("budget (thousand yen)"), _("settled (thousand yen)")], totals, [3, 2, 2]),
        )


def versions_as_issued(plan, up_to=None) -> list[dict]:
    """The editions for the revision history, oldest first; up to a given one when printing an old edition."""
    versions = sorted(plan.versions.all(), key=lambda v: (v.major, v.minor))
    if up_to is not None:
        versions = [v for v in versions if (v.major, v.minor) <= (up_to.major, up_to.minor)]
    return [{"label": v.label, "issued_on": v.issued_on, "note": v.note} for v in versions]


def render_plan(plan, fmt: str, version=None) -> tuple[bytes, str]:
    """(content, file name) of the plan, or of one issued edition of it, in docx, pdf or xlsx."""
    snapshot = version.snapshot if version else selectors.plan_snapshot(plan)
    if fmt == "xlsx":
        content = workbook.export_workbook(snapshot)
    else:
        document = plan_document(snapshot, versions_as_issued(plan, up_to=version))
        content = document_bytes(document, fmt)
    suffix = f"_{version.label}" if version else ""
    return content, f"{plan.title}{suffix}.{fmt}"
