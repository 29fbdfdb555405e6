"""Reminders: due soon, overdue, and escalated to the department head after the grace period.

`banso remind` runs this from cron as often as one likes: each (period, department, kind) is sent once,
recorded in `Notice` under a unique constraint, so a second run the same day sends nothing again. With
--dry-run it says what it would send and records nothing. The dashboard lists the same late items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from banso.orgs.models import Membership, Role
from banso.plans.models import Measure
from banso.tracking.models import MeasureUpdate, Notice, ReportingPeriod
from banso.tracking.selectors import expects_report
from banso.tracking.services import settings_for


@dataclass
class Reminder:
    period: ReportingPeriod
    department: object
    kind: str
    recipients: list[str]
    measures: list[Measure]

    @property
    def subject(self) -> str:
        subjects = {
            Notice.Kind.DUE: _("[Banso] Progress report due on %(date)s: %(period)s"),
            Notice.Kind.OVERDUE: _("[Banso] Progress report overdue since %(date)s: %(period)s"),
            Notice.Kind.ESCALATED: _(
                "[Banso] Progress report still missing (for the department head): %(period)s"
            ),
        }
        return subjects[self.kind] % {"date": self.period.due_on, "period": self.period.label}

    def body(self, url: str) -> str:
        lines = [
            _("%(department)s has not reported on these measures for %(period)s (due %(date)s):")
            % {"department": self.department.name, "period": self.period.label, "date": self.period.due_on},
            "",
            *[f"・{m.number} {m.title}" for m in self.measures],
            "",
            _("Report in Banso (it takes about a minute per measure): %(url)s") % {"url": url},
        ]
        return "\n".join(lines)


def _kind(period, tracking, on: dt.date) -> str | None:
    if on <= period.due_on:
        return Notice.Kind.DUE if (period.due_on - on).days <= tracking.reminder_days else None
    if (on - period.due_on).days <= tracking.grace_days:
        return Notice.Kind.OVERDUE
    return Notice.Kind.ESCALATED


def reminders_for(municipality, on: dt.date) -> list[Reminder]:
    tracking = settings_for(municipality)
    found = []
    # Periods due soon or recently: a town that starts using reminders is not flooded with old periods.
    window = (on - dt.timedelta(days=tracking.grace_days + 30), on + dt.timedelta(days=tracking.reminder_days))
    for period in municipality.reporting_periods.filter(due_on__range=window):
        kind = _kind(period, tracking, on)
        if kind is None:
            continue
        reported = MeasureUpdate.objects.filter(period=period).values_list("measure_id", flat=True)
        missing = (
            Measure.objects.filter(plan__municipality=municipality)
            .exclude(pk__in=reported)
            .annotate(first_step=Min("steps__fiscal_year"))
            .select_related("owner")
            .order_by("owner__order", "number")
        )
        by_department: dict[int, list[Measure]] = {}
        for measure in (m for m in missing if expects_report(m, m.first_step, period)):
            by_department.setdefault(measure.owner_id, []).append(measure)
        for measures in by_department.values():
            department = measures[0].owner
            found.append(Reminder(period, department, kind, _recipients(department, kind), measures))
    return found


def _recipients(department, kind) -> list[str]:
    if kind == Notice.Kind.ESCALATED:
        return [department.head_email] if department.head_email else []
    staff = Membership.objects.filter(
        department=department, role=Role.DEPARTMENT_STAFF, is_active=True, user__is_active=True
    ).exclude(user__email="")
    return sorted({m.user.email for m in staff.select_related("user")})


def send_reminders(municipalities, on: dt.date, *, dry_run=False, url="") -> tuple[list[Reminder], list[Reminder]]:
    """(sent, skipped as already sent). A reminder without any address is recorded, so the dashboard shows it."""
    sent, skipped = [], []
    for municipality in municipalities:
        for reminder in reminders_for(municipality, on):
            already = Notice.objects.filter(
                period=reminder.period, department=reminder.department, kind=reminder.kind
            )
            if already.exists():
                skipped.append(reminder)
                continue
            if not dry_run and not _record_and_send(municipality, reminder, url):
                skipped.append(reminder)
                continue
            sent.append(reminder)
    return sent, skipped


def _record_and_send(municipality, reminder, url) -> bool:
    try:
        with transaction.atomic():
            Notice.objects.create(
                municipality=municipality,
                period=reminder.period,
                department=reminder.department,
                kind=reminder.kind,
                recipients="、".join(reminder.recipients),
                measures="、".join(m.number for m in reminder.measures),
            )
            if reminder.recipients:
                send_mail(reminder.subject, reminder.body(url), None, reminder.recipients)
    except IntegrityError:  # another run recorded it a moment ago
        return False
    return True
