"""What residents may see: only what a municipality chose to publish, and only values that count.

These reads are the one place that does not go through a user's scope: there is no user. They go through the
`Publication` instead: a plan with is_published, its chosen measures and KPIs, and, where the DX office
approves values, approved actuals only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from banso.core.fiscal import wareki_date
from banso.plans.models import KPI, MeasureStep
from banso.tracking.models import KPIActual, Publication, StatusChange
from banso.tracking.selectors import KPIRow, counted_actuals, kpi_row, settings_for


def figure_rows(row: KPIRow) -> list[tuple[str, str]]:
    """(date, value) lines of a KPI's table beside its chart, formatted once here rather than cell by cell in
    the template: the page lists every value of every published KPI and must stay quick on a phone."""
    from banso.core.templatetags.banso import number

    unit = row.kpi.unit
    lines = []
    if row.kpi.baseline_value is not None:
        when = f"（{wareki_date(row.kpi.baseline_date)}）" if row.kpi.baseline_date else ""
        baseline = _("baseline")
        lines.append((f"{baseline}{when}", f"{number(row.kpi.baseline_value)}{unit}"))
    lines += [(wareki_date(a.as_of), f"{number(a.value)}{unit}") for a in row.actuals]
    return lines


@dataclass
class PublicPage:
    publication: Publication
    measures: list
    kpis: dict[int, list[KPIRow]]  # measure id -> its published KPIs
    timeline: list[StatusChange]


def published_plan(code: str) -> Publication:
    return get_object_or_404(
        Publication.objects.select_related("plan__municipality"), plan__municipality__code=code, is_published=True
    )


def public_page(code: str, on: dt.date) -> PublicPage:
    publication = published_plan(code)
    tracking = settings_for(publication.plan.municipality)
    measures = list(
        publication.measures.select_related("owner")
        .prefetch_related(Prefetch("steps", queryset=MeasureStep.objects.order_by("fiscal_year")))
        .order_by("number")
    )
    kpis = (
        publication.kpis.filter(measure__in=measures)
        .prefetch_related(
            "targets",
            Prefetch(
                "actuals",
                queryset=counted_actuals(tracking),
                to_attr="counted",
            ),
        )
        .order_by("measure__number", "pk")
    )
    by_measure: dict[int, list[KPIRow]] = {}
    for kpi in kpis:
        row = kpi_row(kpi, on)
        row.figures = figure_rows(row)
        by_measure.setdefault(kpi.measure_id, []).append(row)
    timeline = list(
        StatusChange.objects.filter(measure__in=measures).select_related("measure").order_by("-changed_at")[:20]
    )
    return PublicPage(publication, measures, by_measure, timeline)


OPEN_DATA_COLUMNS = [
    "全国地方公共団体コード",
    "団体名",
    "計画名",
    "施策番号",
    "施策名",
    "指標名",
    "単位",
    "現状値",
    "現状値の時点",
    "目標値（年度）",
    "実績値",
    "実績値の時点",
    "出典",
]


def open_data_rows(page: PublicPage) -> list[list]:
    municipality = page.publication.plan.municipality
    rows = []
    titles = {m.pk: m for m in page.measures}
    for measure_id, kpi_rows in page.kpis.items():
        measure = titles[measure_id]
        for row in kpi_rows:
            kpi: KPI = row.kpi
            targets = "、".join(
                f"{t.written}（{t.fiscal_year}年度）"
                for t in sorted(kpi.targets.all(), key=lambda t: t.fiscal_year)
            )
            head = [
                municipality.code,
                municipality.name,
                page.publication.plan.title,
                measure.number,
                measure.title,
                kpi.name,
                kpi.unit,
                f"{kpi.baseline_value.normalize():f}" if kpi.baseline_value is not None else "",
                kpi.baseline_date.isoformat() if kpi.baseline_date else "",
                targets,
            ]
            shown: list[KPIActual | None] = [*row.actuals] or [None]
            for actual in shown:
                rows.append(
                    head
                    + (
                        [
                            f"{actual.value.normalize():f}",
                            actual.as_of.isoformat(),
                            actual.source or kpi.data_source,
                        ]
                        if actual
                        else ["", "", kpi.data_source]
                    )
                )
    return rows
