"""When a measure owes a report, and when a missing report is due, overdue or escalated.

One rule for the dashboard, the mayor's summary and `banso remind`, so that what the pages call late is what
the e-mails are sent about (ADR 11). Everything here is pure: it takes periods, settings and a day.

- A period's report is *due soon* from `reminder_days` before its due date up to the due date.
- After the due date it is *overdue*; after the grace period too it is *escalated* to the department head.
- Only the newest `LATE_PERIODS` periods whose due date has passed count as late: a report missed a year ago
  is history, not a to-do, and a town that starts using reminders is not flooded with old periods.
- A measure owes a report for a period only if it existed before the period ended (created, or adopted from
  another town) and, when not started, once its first step's 年度 has come.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear
from banso.plans.models import Measure
from banso.tracking.models import Notice

LATE_PERIODS = 2


def late_periods(periods, on: dt.date) -> list:
    """The periods against which missing reports count as late on `on`, newest first."""
    return sorted((p for p in periods if p.due_on < on), key=lambda p: p.due_on, reverse=True)[:LATE_PERIODS]


def upcoming_periods(periods, tracking, on: dt.date) -> list:
    """Periods whose due date is today or within the reminder lead time."""
    return [p for p in periods if 0 <= (p.due_on - on).days <= tracking.reminder_days]


def late_kind(period, tracking, on: dt.date) -> str:
    """Overdue or escalated, for a period whose due date has passed."""
    return Notice.Kind.ESCALATED if (on - period.due_on).days > tracking.grace_days else Notice.Kind.OVERDUE


def kinds_reached(period, tracking, on: dt.date) -> list[str]:
    """Every reminder a missing report has earned by `on`. A run of cron that was missed is caught up: after the
    grace period both the owners (overdue) and the head (escalated) are told, each once; a "due soon" reminder
    is never sent after the due date."""
    if on <= period.due_on:
        return [Notice.Kind.DUE] if (period.due_on - on).days <= tracking.reminder_days else []
    kinds: list[str] = [Notice.Kind.OVERDUE]
    if late_kind(period, tracking, on) == Notice.Kind.ESCALATED:
        kinds.append(Notice.Kind.ESCALATED)
    return kinds


def existed_on(measure) -> dt.date:
    """The day a measure came into this plan (written or adopted), in Japan's calendar."""
    return timezone.localdate(measure.created_at)


def owes_reports(measure, first_step_year: int | None, on: dt.date) -> bool:
    """Finished and stopped measures report no more; one not started yet reports once its first step's 年度 has
    come (a measure planned for R9 is neither late nor stale in R8)."""
    if measure.status in (Measure.Status.DONE, Measure.Status.STOPPED):
        return False
    if measure.status == Measure.Status.NOT_STARTED:
        return first_step_year is not None and first_step_year <= FiscalYear.of(on).year
    return True


def expects_report(measure, first_step_year: int | None, period) -> bool:
    """Whether a measure owes the report of a period: it must owe reports at the period's end and have existed
    by then (one written or adopted mid-period is due at that period's due date, the next one)."""
    return existed_on(measure) <= period.ends_on and owes_reports(measure, first_step_year, period.ends_on)


def rule_text(tracking) -> str:
    """The rule in a sentence, printed wherever late items or reminders are shown."""
    return _(
        "Owners are e-mailed %(before)s days before the due date and again once it has passed; %(grace)s days "
        "after the due date the department head is told. Reports missing for the last %(periods)s periods "
        "count as late."
    ) % {"before": tracking.reminder_days, "grace": tracking.grace_days, "periods": LATE_PERIODS}
