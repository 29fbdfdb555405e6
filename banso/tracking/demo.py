"""Three quarters of progress reports for サンプル町's plan: some late, some off track, a published subset.

Dates are relative to the day the demo is loaded, so it is alive whenever it runs: quarterly periods for this
年度 and the last (so there is always a current period with its due date ahead), reports for the three most
recent quarters whose due date has passed, two of them with reports missing (late, and past the grace period),
and the reminders of the older one sent at the time. Loading it again on a later day adds what the calendar
now calls for and keeps what exists.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from banso.core.fiscal import FiscalYear
from banso.orgs.models import User
from banso.tracking import selectors, services
from banso.tracking.models import (
    ApprovalState,
    AutomaticActual,
    MeasureUpdate,
    Notice,
    ReportingPeriod,
    StatusChange,
)
from banso.tracking.reminders import reminders_for

# measure number -> (status in each of the 3 quarters, {KPI name: value in each quarter}, note)
REPORTS: dict[str, tuple[list[str | None], dict[str, list[str]], str]] = {
    "1-1": (
        ["in_progress"] * 3,
        {"転入1件あたりの記入枚数": ["4", "3", "2"]},
        "住民課の窓口で書かない窓口を試行中。",
    ),
    "1-2": (
        ["in_progress"] * 3,
        {"オンラインで申請できる手続の数": ["16", "20", "24"]},
        "コンビニ交付の契約を締結した。",
    ),
    "2-1": (
        ["in_progress", "delayed", "delayed"],
        {"認定調査の転記にかかる時間": ["690", "650", "620"]},
        "タブレットの調達が遅れている。",
    ),
    "2-2": (
        ["in_progress", "in_progress", None],
        {"電子決裁の割合": ["5", "12"]},
        "総務課で電子決裁の運用を始めた。",
    ),
    "3-1": (
        ["in_progress", None, None],
        {"除雪に関する電話の件数": ["1150", "1100"]},
        "除雪車へのGPS設置を進めている。",
    ),
    "4-1": (
        ["in_progress"] * 3,
        {"DX推進リーダーの人数": ["1", "2", "3"], "情報セキュリティ研修の受講率": ["75", "88", "95"]},
        "第1期リーダー研修を実施中。",
    ),
}
PUBLISHED = ["1-1", "1-2", "3-1"]


# One transaction: the town's progress summary is computed once, after it (tracking.summaries).
@transaction.atomic
def create_sample_tracking(town, *, today: dt.date | None = None) -> None:
    """Idempotent: periods and reports that exist are kept; what the calendar calls for since is added."""
    plan = town.plans.order_by("-start_year", "title").first()
    if plan is None:
        return
    today = today or timezone.localdate()
    first_load = not ReportingPeriod.objects.filter(municipality=town).exists()
    if first_load:
        services.settings_save(municipality=town, require_approval=True)
    current = FiscalYear.of(today).year
    for year in (current - 1, current):
        services.periods_quarterly(municipality=town, fiscal_year=year)
    due = sorted((p for p in town.reporting_periods.all() if p.due_on < today), key=lambda p: p.starts_on)[-3:]
    staff = User.objects.filter(username__in=["dx-staff", "dept-staff"]).in_bulk(field_name="username")
    measures = {m.number: m for m in plan.measures.prefetch_related("kpis")}
    reported = set(MeasureUpdate.objects.filter(period__in=due).values_list("measure_id", "period_id"))
    for index, period in enumerate(due):
        for number, (statuses, values, note) in REPORTS.items():
            measure = measures.get(number)
            if measure is None or statuses[index] is None or (measure.pk, period.pk) in reported:
                continue
            _report(measure, period, index, statuses[index], values, note, staff)
        # Earlier quarters were approved; in the newest, 2-1's report still waits for the DX office.
        approved = None if index < len(due) - 1 else ["1-1", "1-2", "4-1"]
        waiting = MeasureUpdate.objects.filter(period=period, state=ApprovalState.SUBMITTED)
        for update in waiting if approved is None else waiting.filter(measure__number__in=approved):
            services.update_review(update=update, user=staff.get("dx-staff"), approve=True)
    if first_load:
        _publish(plan, measures, staff)
    if len(due) >= 2:
        _reminders_sent_at_the_time(town, due[-2])
    task_kpi = plan.measures.filter(number="2-1").first()
    if task_kpi is not None and task_kpi.kpis.exists():
        AutomaticActual.objects.get_or_create(
            kpi=task_kpi.kpis.first(),
            defaults={"source_key": "survey_task_hours", "parameter": "要介護認定の申請受付と訪問調査"},
        )


def _reminders_sent_at_the_time(town, period):
    """The older late quarter's reminders went out when they fell due (recorded, not e-mailed again): the
    dashboard shows them, and the next `banso remind` sends only what is new."""
    tracking = selectors.settings_for(town)
    for days in (1, tracking.grace_days + 1):
        day = period.due_on + dt.timedelta(days=days)
        for reminder in reminders_for(town, day):
            if reminder.period != period:
                continue
            notice, created = Notice.objects.get_or_create(
                period=period,
                department=reminder.department,
                kind=reminder.kind,
                defaults={
                    "municipality": town,
                    "recipients": "、".join(reminder.recipients),
                    "measures": "、".join(m.number for m in reminder.measures),
                },
            )
            if created:
                sent_at = timezone.make_aware(dt.datetime.combine(day, dt.time(7, 0)))
                Notice.objects.filter(pk=notice.pk).update(sent_at=sent_at)


def _report(measure, period, index, status, values, note, staff):
    user = staff.get("dept-staff") if measure.owner and measure.owner.name == "住民課" else staff.get("dx-staff")
    kpis = {k.name: k for k in measure.kpis.all()}
    as_of = period.ends_on
    actuals = {
        kpis[name]: (vals[index], as_of, "所管課の集計")
        for name, vals in values.items()
        if name in kpis and index < len(vals)
    }
    update = MeasureUpdate.objects.filter(measure=measure, period=period).first()
    services.update_save(
        measure=measure,
        period=period,
        user=user,
        revision=update.revision if update else 0,
        status=status,
        note=note,
        actuals=actuals,
    )
    # Reports were made some days before each due date, not today.
    when = timezone.make_aware(dt.datetime.combine(period.due_on - dt.timedelta(days=5 - index), dt.time(10, 0)))
    MeasureUpdate.objects.filter(measure=measure, period=period).update(submitted_at=when)
    StatusChange.objects.filter(measure=measure, update__period=period).update(changed_at=when)


def _publish(plan, measures, staff):
    chosen = [measures[n] for n in PUBLISHED if n in measures]
    kpis = [k for m in chosen for k in m.kpis.all()]
    services.publication_save(
        plan=plan,
        user=staff.get("dx-staff"),
        is_published=True,
        intro="町のDX推進計画の取組と目標の進み具合をお知らせします。数値は四半期ごとに更新します。",
        measures=chosen,
        kpis=kpis,
    )
