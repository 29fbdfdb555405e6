"""年次評価: for one 年度, each measure's step, its KPIs against that year's targets, and the office's assessment.

The numbers come from the same selectors as the dashboard; only the text (what was done, the assessment, the
next steps) is written by people, on the review page, before the document goes to the council.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banso.core.documents import Document, Facts, Heading, Paragraph, Table
from banso.core.fiscal import FiscalYear, wareki_date
from banso.tracking import progress, selectors
from banso.tracking.models import ReviewEntry


@dataclass
class KPILine:
    name: str
    unit: str
    target: Any  # the target of that 年度, or None
    actual: Any  # the last value measured in that 年度, or None
    as_of: dt.date | None
    signal: progress.Signal


@dataclass
class ReviewRow:
    measure: Any
    step: str
    kpis: list[KPILine]
    entry: ReviewEntry | None


@dataclass
class AnnualReport:
    plan: Any
    year: FiscalYear
    rows: list[ReviewRow]

    def counts(self):
        statuses = Counter(r.measure.get_status_display() for r in self.rows)
        signals = Counter(str(k.signal.label) for r in self.rows for k in r.kpis)
        return statuses, signals


def annual_report(scope, plan, year: int) -> AnnualReport:
    fiscal = FiscalYear(year)
    end = min(fiscal.end, timezone.localdate()) if fiscal.start <= timezone.localdate() else fiscal.end
    rows = selectors.measure_rows(scope, plan, end, all_actuals=True)
    entries = {e.measure_id: e for e in ReviewEntry.objects.filter(measure__plan=plan, fiscal_year=year)}
    steps = {(s.measure_id): s.description for s in _steps(plan, year)}
    result = []
    for row in rows:
        lines = []
        for k in row.kpis:
            in_year = [a for a in k.actuals if a.as_of in fiscal]
            last = in_year[-1] if in_year else None
            signal = progress.signal_for(
                k.kpi.kind,
                k.kpi.baseline_value,
                k.kpi.baseline_date,
                k.targets,
                last.value if last else None,
                last.as_of if last else end,
                k.kpi.direction,
            )
            lines.append(
                KPILine(
                    k.kpi.name,
                    k.kpi.unit,
                    k.targets.get(year),
                    last.value if last else None,
                    last.as_of if last else None,
                    signal,
                )
            )
        result.append(ReviewRow(row.measure, steps.get(row.measure.pk, ""), lines, entries.get(row.measure.pk)))
    return AnnualReport(plan, fiscal, result)


def _steps(plan, year):
    from banso.plans.models import MeasureStep

    return MeasureStep.objects.filter(measure__plan=plan, fiscal_year=year)


@transaction.atomic
def entries_save(*, plan, fiscal_year: int, data) -> int:
    """Save the texts typed on the review page (result_<id>, assessment_<id>, next_<id>); returns how many."""
    saved = 0
    for measure in plan.measures.all():
        values = {
            "result": data.get(f"result_{measure.pk}", "").strip(),
            "assessment": data.get(f"assessment_{measure.pk}", "").strip(),
            "next_steps": data.get(f"next_{measure.pk}", "").strip(),
        }
        entry = ReviewEntry.objects.filter(measure=measure, fiscal_year=fiscal_year).first()
        if entry is None and not any(values.values()):
            continue
        entry = entry or ReviewEntry(measure=measure, fiscal_year=fiscal_year)
        if any(getattr(entry, k) != v for k, v in values.items()) or entry.pk is None:
            for key, value in values.items():
                setattr(entry, key, value)
            entry.save()
            saved += 1
    return saved


def _value(value, unit) -> str:
    if value is None:
        return "—"
    return f"{format(value.normalize(), 'f')}{unit}"


def review_document(report: AnnualReport) -> Document:
    plan = report.plan
    title = _("%(year)s annual review of %(plan)s") % {"year": report.year.era_label, "plan": plan.title}
    doc = Document(title=title, subtitle_lines=[plan.municipality.name, wareki_date(timezone.localdate())])
    statuses, signals = report.counts()
    doc.add(
        Heading(_("1. Overview"), 1),
        Paragraph(
            _("Measures: %(n)s. KPIs: %(k)s.")
            % {"n": len(report.rows), "k": sum(len(r.kpis) for r in report.rows)}
        ),
        Table([_("status"), _("measures")], [[label, n] for label, n in statuses.items()], [3, 1]),
        Table([_("signal"), _("KPIs")], [[label, n] for label, n in signals.items()], [3, 1]),
        Paragraph(str(progress.RULE), small=True),
        Heading(_("2. Results by measure"), 1),
    )
    for row in report.rows:
        entry = row.entry
        doc.add(
            Heading(f"{row.measure.number} {row.measure.title}", 2),
            Facts(
                [
                    (_("Owner department"), row.measure.owner.name if row.measure.owner else _("not decided")),
                    (_("Status"), row.measure.get_status_display()),
                    (_("Step planned for the year"), row.step or "—"),
                    (_("What was done"), entry.result if entry else ""),
                ]
            ),
        )
        if row.kpis:
            doc.add(
                Table(
                    [_("KPI"), _("target for the year"), _("actual"), _("as of"), _("signal")],
                    [
                        [
                            k.name,
                            _value(k.target, k.unit),
                            _value(k.actual, k.unit),
                            k.as_of.isoformat() if k.as_of else "—",
                            str(k.signal.label),
                        ]
                        for k in row.kpis
                    ],
                    [4, 2, 2, 2, 2],
                )
            )
        doc.add(
            Facts(
                [
                    (_("Assessment"), entry.assessment if entry else ""),
                    (_("Next steps"), entry.next_steps if entry else ""),
                ]
            )
        )
    return doc
