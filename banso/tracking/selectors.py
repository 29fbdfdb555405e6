"""Reads of 実行管理 shared by the inbox, dashboards, the executive summary, the public page and exports.

Everything a dashboard shows is computed here from one prefetched set of measures (a fixed number of queries
whatever the size of the plan), so pages, exports and the annual review agree to the digit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear
from banso.plans.models import KPI, Measure, MeasureTag
from banso.tracking import deadlines, progress
from banso.tracking.models import ApprovalState, KPIActual, MeasureUpdate, ReportingPeriod, TrackingSettings


def settings_for(municipality) -> TrackingSettings:
    """A town's tracking settings; the defaults, unsaved, for a town that never changed them (a read writes
    nothing). Kept on the municipality object so a page reads them once."""
    found = getattr(municipality, "_tracking_settings", None)
    if found is None:
        found = TrackingSettings.objects.filter(municipality=municipality).first()
        found = found or TrackingSettings(municipality=municipality)
        municipality._tracking_settings = found
    return found


def counted_states(tracking) -> list[str]:
    """Actuals that count: approved ones where the DX office approves, every submitted one otherwise."""
    if tracking.require_approval:
        return [ApprovalState.APPROVED]
    return [ApprovalState.SUBMITTED, ApprovalState.APPROVED]


@dataclass
class KPIRow:
    kpi: KPI
    targets: dict[int, Decimal]
    actuals: list[KPIActual]
    signal: progress.Signal
    figures: list[Any] = field(default_factory=list)  # filled by the public page

    @property
    def latest(self) -> KPIActual | None:
        return self.actuals[-1] if self.actuals else None


@dataclass
class MeasureRow:
    measure: Measure
    kpis: list[KPIRow]
    updates: list[MeasureUpdate]  # newest first
    stale: bool
    first_step: int | None  # the 年度 of its first step
    signal: str = field(init=False)

    def __post_init__(self):
        self.signal = progress.worst(k.signal.state for k in self.kpis)

    @property
    def signal_label(self):
        return progress.LABELS[self.signal]

    @property
    def last_update(self) -> MeasureUpdate | None:
        return self.updates[0] if self.updates else None

    def update_for(self, period) -> MeasureUpdate | None:
        return next((u for u in self.updates if u.period_id == period.pk), None)


def counted_actuals(tracking, *, latest_only=False):
    """The actuals that count, oldest first; with latest_only, only each KPI's newest one. Dashboards need no
    more than that, and five years of quarters would otherwise load twenty rows per KPI."""
    actuals = KPIActual.objects.filter(state__in=counted_states(tracking))
    if latest_only:
        # A window numbers each KPI's actuals newest first in one pass over the prefetched KPIs' rows. A correlated
        # "newest pk" subquery did the same, but PostgreSQL ran it per row: 63 ms of a 140 ms dashboard once 200
        # towns had five years of reports (benchmarks/national.py).
        actuals = actuals.annotate(
            newness=Window(RowNumber(), partition_by=F("kpi_id"), order_by=[F("as_of").desc(), F("pk").desc()])
        ).filter(newness=1)
    return actuals.order_by("as_of", "pk")


def tracked_measures(scope, plan, tracking, *, department=None, all_actuals=False):
    measures = scope.filter(plan.measures.filter(is_draft=False)).select_related("owner", "policy")
    if department is not None:
        measures = measures.filter(owner=department)
    return measures.prefetch_related(
        Prefetch(
            "kpis",
            # With its automatic source (a join, not a query): the dashboard says which KPIs take their values
            # from Banso's own data.
            queryset=KPI.objects.select_related("automatic").prefetch_related(
                "targets",
                Prefetch(
                    "actuals", queryset=counted_actuals(tracking, latest_only=not all_actuals), to_attr="counted"
                ),
            ),
        ),
        # Only what the late and stale checks read: the full rows come in a separate query for the feed.
        Prefetch(
            "updates",
            queryset=MeasureUpdate.objects.only("id", "measure_id", "period_id", "state", "submitted_at").order_by(
                "-period__starts_on"
            ),
        ),
        "steps",
        Prefetch(
            "tags",
            queryset=MeasureTag.objects.filter(
                status=MeasureTag.Status.CONFIRMED, item__isnull=False
            ).select_related("item"),
            to_attr="focus_tags",
        ),
    )


def kpi_row(kpi, on: dt.date) -> KPIRow:
    targets = {t.fiscal_year: t.value for t in kpi.targets.all()}
    actuals = list(kpi.counted)
    latest = actuals[-1] if actuals else None
    # A milestone is judged today (has one fallen due since?); a figure on the day it was measured.
    signal = kpi_signal(
        kpi,
        targets,
        latest.value if latest else None,
        on if kpi.kind == "milestone" or not latest else latest.as_of,
    )
    return KPIRow(kpi, targets, actuals, signal)


def kpi_signal(kpi, targets: dict, value, on: dt.date) -> progress.Signal:
    """The signal of a KPI's value on a date (`targets`: 年度 → the target's number)."""
    return progress.signal_for(kpi.kind, kpi.baseline_value, kpi.baseline_date, targets, value, on, kpi.direction)


def measure_rows(scope, plan, on: dt.date, *, department=None, all_actuals=False) -> list[MeasureRow]:
    from banso.plans.selectors import measure_sort_key

    tracking = settings_for(plan.municipality)
    plan_start = max(timezone.localdate(plan.created_at), dt.date(plan.start_year, 4, 1))
    rows = []
    for measure in tracked_measures(scope, plan, tracking, department=department, all_actuals=all_actuals):
        updates = list(measure.updates.all())
        first_step = min((s.fiscal_year for s in measure.steps.all()), default=None)
        # Staleness counts from the last report, or from when the measure came into the plan or its first
        # step's 年度 began, whichever is later.
        last_day = (
            timezone.localdate(updates[0].submitted_at)
            if updates and updates[0].submitted_at
            else max(plan_start, deadlines.existed_on(measure), FiscalYear(first_step or plan.start_year).start)
        )
        stale = deadlines.owes_reports(measure, first_step, on) and (on - last_day).days > tracking.stale_days
        rows.append(MeasureRow(measure, [kpi_row(k, on) for k in measure.kpis.all()], updates, stale, first_step))
    rows.sort(key=lambda r: measure_sort_key(r.measure.number))
    return rows


def periods_of(municipality) -> list[ReportingPeriod]:
    return list(municipality.reporting_periods.order_by("-starts_on"))


def current_period(periods, on: dt.date) -> ReportingPeriod | None:
    """The newest period that has started: the one owners are reporting on now."""
    return next((p for p in periods if p.starts_on <= on), None)


@dataclass
class LateItem:
    row: MeasureRow
    period: ReportingPeriod | None
    kind: str  # "overdue", "escalated" or "stale"
    notices: list = field(default_factory=list)  # reminders already sent about it


def late_items(rows, periods, tracking, on: dt.date) -> list[LateItem]:
    """Reports missing for the late periods (newest first), then measures nobody has updated for long."""
    items = []
    for row in rows:
        missing = [
            LateItem(row, period, deadlines.late_kind(period, tracking, on))
            for period in deadlines.late_periods(periods, on)
            if deadlines.expects_report(row.measure, row.first_step, period) and row.update_for(period) is None
        ]
        if missing:
            items.extend(missing)
        elif row.stale:
            items.append(LateItem(row, None, "stale"))
    return items


@dataclass
class Dashboard:
    rows: list[MeasureRow]
    kpis: list[KPIRow]
    by_signal: list[tuple[str, str, int]]  # (state, label, count) of KPIs
    by_status: list[tuple[str, str, int]]
    by_policy: list[dict]
    by_department: list[dict]
    by_focus: list[dict]
    late: list[LateItem]
    latest_updates: list[MeasureUpdate]
    period: ReportingPeriod | None
    tracking: Any


def dashboard(scope, plan, on: dt.date, *, department=None) -> Dashboard:
    tracking = settings_for(plan.municipality)
    rows = measure_rows(scope, plan, on, department=department)
    periods = periods_of(plan.municipality)
    kpis = [k for r in rows for k in r.kpis]
    signals = Counter(k.signal.state for k in kpis)
    statuses = Counter(r.measure.status for r in rows)
    return Dashboard(
        rows=rows,
        kpis=kpis,
        by_signal=[(s, str(progress.LABELS[s]), signals[s]) for s in progress.LABELS],
        by_status=[(value, str(label), statuses[value]) for value, label in Measure.Status.choices],
        by_policy=_by_group(rows, lambda r: [str(r.measure.policy) if r.measure.policy else "—"]),
        by_department=_by_group(
            rows, lambda r: [r.measure.owner.name if r.measure.owner else str(_("not decided"))]
        ),
        by_focus=_by_group(rows, lambda r: [t.item.name for t in r.measure.focus_tags]),
        late=_with_notices(late_items(rows, periods, tracking, on), plan.municipality),
        latest_updates=latest_updates(scope, plan, department),
        period=current_period(periods, on),
        tracking=tracking,
    )


def latest_updates(scope, plan, department=None, count=10) -> list[MeasureUpdate]:
    updates = MeasureUpdate.objects.filter(measure__plan=plan, submitted_at__isnull=False)
    if department is not None:
        updates = updates.filter(measure__owner=department)
    updates = scope.filter(updates).select_related("measure", "submitted_by", "period")
    return list(updates.order_by("-submitted_at")[:count])


def _with_notices(items, municipality):
    from banso.tracking.models import Notice

    periods = {i.period.pk for i in items if i.period}
    sent = defaultdict(list)
    for notice in Notice.objects.filter(municipality=municipality, period_id__in=periods):
        sent[(notice.period_id, notice.department_id)].append(notice)
    for item in items:
        if item.period:
            item.notices = sent[(item.period.pk, item.row.measure.owner_id)]
    return items


def _by_group(rows, keys_of) -> list[dict]:
    groups: dict[str, dict] = defaultdict(
        lambda: {"measures": 0, "done": 0, "delayed": 0, "off_track": 0, "kpis": 0}
    )
    for row in rows:
        for key in keys_of(row):
            group = groups[key]
            group["measures"] += 1
            group["done"] += row.measure.status == Measure.Status.DONE
            group["delayed"] += row.measure.status == Measure.Status.DELAYED
            group["off_track"] += sum(k.signal.state == progress.OFF_TRACK for k in row.kpis)
            group["kpis"] += len(row.kpis)
    return [{"label": key, **values} for key, values in sorted(groups.items(), key=lambda kv: -kv[1]["measures"])]


def editable_measures(scope, municipality):
    """The measures of the departments the user may report for (every measure for the DX office); not the
    drafts a town has taken in and not yet started."""
    editable = scope.editable_department_ids(municipality.pk)
    measures = Measure.objects.filter(plan__municipality=municipality, is_draft=False).select_related(
        "plan", "owner"
    )
    return measures if editable is None else measures.filter(owner_id__in=editable)


def inbox(scope, municipality, user, on: dt.date):
    """What the user should update: measures of the departments they may edit, for the current period."""
    from banso.plans.models import Plan

    measures = editable_measures(scope, municipality)
    periods = periods_of(municipality)
    period = current_period(periods, on)
    updates = {}
    if period is not None:
        updates = {u.measure_id: u for u in MeasureUpdate.objects.filter(period=period, measure__in=measures)}
    items = [
        (m, updates.get(m.pk)) for m in measures.exclude(status__in=[Measure.Status.DONE, Measure.Status.STOPPED])
    ]
    items.sort(key=lambda pair: (pair[1] is not None, pair[0].plan_id, pair[0].number))
    return period, items, Plan.objects.filter(municipality=municipality).exists()


def period_kpis(measures, period: ReportingPeriod | None) -> dict[int, list[tuple[KPI, KPIActual | None]]]:
    """{measure id: [(KPI, its value for `period` or None)]} for the inbox, in two queries."""
    kpis = list(KPI.objects.filter(measure__in=list(measures)).order_by("measure_id", "pk"))
    actuals = (
        {a.kpi_id: a for a in KPIActual.objects.filter(period=period, kpi__in=kpis)} if period is not None else {}
    )
    found: dict[int, list[tuple[KPI, KPIActual | None]]] = {}
    for kpi in kpis:
        found.setdefault(kpi.measure_id, []).append((kpi, actuals.get(kpi.pk)))
    return found


@dataclass(frozen=True)
class GridRow:
    """One KPI on the period grid: what was reported before, what is expected, what this period holds."""

    measure: Measure
    kpi: KPI
    guide: KPIGuide
    actual: KPIActual | None  # this period's value, if any
    update: MeasureUpdate | None  # this period's update of the measure, if any
    locked: bool  # approved: only the DX office can return it for a change

    @property
    def final_target(self):
        numbers = [t for t in self.kpi.targets.all() if t.value is not None]
        return max(numbers, key=lambda t: t.fiscal_year) if numbers else None


def grid_rows(scope, municipality, period: ReportingPeriod, on: dt.date) -> list[GridRow]:
    """Every KPI the user reports on for `period`, one row each, in plan order: in a fixed number of queries
    however many measures and KPIs there are."""
    measures = list(
        editable_measures(scope, municipality)
        .exclude(status__in=[Measure.Status.DONE, Measure.Status.STOPPED])
        .prefetch_related(Prefetch("kpis", queryset=KPI.objects.prefetch_related("targets").order_by("pk")))
        .order_by("plan_id", "number", "pk")
    )
    kpis = [kpi for measure in measures for kpi in measure.kpis.all()]
    updates = {u.measure_id: u for u in MeasureUpdate.objects.filter(period=period, measure__in=measures)}
    actuals = {a.kpi_id: a for a in KPIActual.objects.filter(period=period, kpi__in=kpis)}
    guides = kpi_guides(kpis, period, on)
    require_approval = settings_for(municipality).require_approval
    rows = []
    for measure in measures:
        update = updates.get(measure.pk)
        locked = bool(update and require_approval and update.state == ApprovalState.APPROVED)
        for kpi in measure.kpis.all():
            rows.append(GridRow(measure, kpi, guides[kpi.pk], actuals.get(kpi.pk), update, locked))
    return rows


def pending_reviews(scope, municipality):
    return (
        scope.filter(
            MeasureUpdate.objects.filter(period__municipality=municipality, state=ApprovalState.SUBMITTED)
        )
        .select_related("measure", "period", "submitted_by")
        .prefetch_related("actuals__kpi")
    )


def q_counted(tracking) -> Q:
    return Q(state__in=counted_states(tracking))


@dataclass(frozen=True)
class KPIGuide:
    """What an owner needs beside a KPI's box on the update form: the value reported before this period, the value
    the plan expects today and the signal the earlier value gives now."""

    previous: KPIActual | None
    expected: Decimal | None
    signal: progress.Signal


def kpi_guides(kpis, period: ReportingPeriod, on: dt.date) -> dict[int, KPIGuide]:
    """{kpi id: KPIGuide} for the KPIs of one measure (their targets prefetched), in one query."""
    earlier = KPIActual.objects.filter(kpi__in=kpis, period__starts_on__lt=period.starts_on).order_by(
        "kpi_id", "-as_of", "-pk"
    )
    previous: dict[int, KPIActual] = {}
    for actual in earlier:
        previous.setdefault(actual.kpi_id, actual)
    guides = {}
    for kpi in kpis:
        targets = {t.fiscal_year: t.value for t in kpi.targets.all()}
        numbers = {year: value for year, value in targets.items() if value is not None}
        if kpi.kind == KPI.Kind.MILESTONE or not numbers:
            expected = None
        elif kpi.kind == KPI.Kind.PER_YEAR:
            expected = numbers.get(FiscalYear.of(on).year)
        else:
            expected = progress.expected_value(kpi.baseline_value, kpi.baseline_date, numbers, on)
        before = previous.get(kpi.pk)
        guides[kpi.pk] = KPIGuide(before, expected, kpi_signal(kpi, targets, before.value if before else None, on))
    return guides
