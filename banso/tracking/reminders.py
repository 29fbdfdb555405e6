"""Reminders: due soon, overdue, and escalated to the department head after the grace period.

`banso remind` runs this from cron as often as one likes: each (period, department, kind) is sent once,
recorded in `Notice` under a unique constraint, so a second run, or two runs at once, send nothing again. A
reminder whose day passed while cron did not run is sent on the next run (`deadlines.kinds_reached`). With
--dry-run it says what it would send and records nothing. The dashboard lists the same late items, from the
same rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task as job

from banso.orgs.models import Membership, Municipality, Role
from banso.plans.models import Measure
from banso.tracking import deadlines
from banso.tracking.models import MeasureUpdate, Notice, ReportingPeriod
from banso.tracking.selectors import settings_for


@dataclass
class Reminder:
    period: ReportingPeriod
    department: Any
    kind: str
    recipients: list[str]
    measures: list[Measure]

    @property
    def kind_label(self) -> str:
        return str(Notice.Kind(self.kind).label)

    @property
    def subject(self) -> str:
        subjects: dict[str, Any] = {
            Notice.Kind.DUE: _("[Banso] Progress report due on %(date)s: %(period)s"),
            Notice.Kind.OVERDUE: _("[Banso] Progress report overdue since %(date)s: %(period)s"),
            Notice.Kind.ESCALATED: _(
                "[Banso] Progress report still missing (for the department head): %(period)s"
            ),
        }
        return subjects[self.kind] % {"date": self.period.due_on, "period": self.period.label}

    def inbox_url(self, site: str) -> str:
        """The department's list of reports to make, on the site's address (empty without one)."""
        if not site:
            return ""
        return site.rstrip("/") + reverse("tracking:inbox", args=[self.period.municipality.code])

    def body(self, url: str) -> str:
        lines = [
            _("%(department)s has not reported on these measures for %(period)s (due %(date)s):")
            % {"department": self.department.name, "period": self.period.label, "date": self.period.due_on},
            "",
            *[f"・{m.number} {m.title}" for m in self.measures],
            "",
            _("Report in Banso (it takes about a minute per measure): %(url)s") % {"url": self.inbox_url(url)},
        ]
        return "\n".join(lines)


def reminders_for(municipality, on: dt.date) -> list[Reminder]:
    """Every reminder the deadlines rule calls for on `on`, whether or not it was sent already."""
    tracking = settings_for(municipality)
    periods = list(municipality.reporting_periods.all())
    wanted = [
        (period, kind)
        for period in [*deadlines.upcoming_periods(periods, tracking, on), *deadlines.late_periods(periods, on)]
        for kind in deadlines.kinds_reached(period, tracking, on)
    ]
    if not wanted:
        return []
    measures = list(
        Measure.objects.filter(plan__municipality=municipality, is_draft=False)
        .exclude(status__in=[Measure.Status.DONE, Measure.Status.STOPPED])
        .annotate(first_step=Min("steps__fiscal_year"))
        .select_related("owner")
        .order_by("owner__order", "number")
    )
    reported = set(
        MeasureUpdate.objects.filter(period__in=[p for p, _k in wanted]).values_list("period_id", "measure_id")
    )
    found = []
    for period, kind in wanted:
        by_department: dict[int, list[Measure]] = {}
        for measure in measures:
            if measure.owner_id is None:
                continue  # no department to remind: the dashboard lists it for the DX office
            if (period.pk, measure.pk) not in reported and deadlines.expects_report(
                measure, measure.first_step, period
            ):
                by_department.setdefault(measure.owner_id, []).append(measure)
        for owed in by_department.values():
            department = owed[0].owner
            found.append(Reminder(period, department, kind, _recipients(department, kind), owed))
    return found


def _recipients(department, kind) -> list[str]:
    if kind == Notice.Kind.ESCALATED:
        return [department.head_email] if department.head_email else []
    staff = Membership.objects.filter(
        department=department, role=Role.DEPARTMENT_STAFF, is_active=True, user__is_active=True
    ).exclude(user__email="")
    return sorted({m.user.email for m in staff.select_related("user")})


@dataclass
class Mail:
    """One e-mail as it is (or would be) sent: the preview page shows exactly this."""

    to: list[str]
    subject: str
    body: str


def mails_for(reminders: list[Reminder], url: str, *, digest: bool) -> list[Mail]:
    """The e-mails for these reminders: one per reminder to its recipients, or, as a digest, one per person with
    every reminder that reaches them that day."""
    if not digest:
        return [Mail(r.recipients, r.subject, r.body(url)) for r in reminders if r.recipients]
    by_person: dict[str, list[Reminder]] = {}
    for reminder in reminders:
        for address in reminder.recipients:
            by_person.setdefault(address, []).append(reminder)
    mails = []
    for address, items in sorted(by_person.items()):
        if len(items) == 1:
            mails.append(Mail([address], items[0].subject, items[0].body(url)))
            continue
        subject = _("[Banso] %(count)s progress reports to make or chase") % {"count": len(items)}
        body = "\n\n".join(f"■ {r.subject.removeprefix('[Banso] ')}\n{r.body(url)}" for r in items)
        mails.append(Mail([address], subject, body))
    return mails


def due_today(municipality, on: dt.date) -> tuple[list[Reminder], list[Reminder]]:
    """(to send, already sent) of the reminders the deadlines rule calls for on `on`."""
    already = set(
        Notice.objects.filter(municipality=municipality).values_list("period_id", "department_id", "kind")
    )
    owed: list[Reminder] = []
    sent: list[Reminder] = []
    for reminder in reminders_for(municipality, on):
        key = (reminder.period.pk, reminder.department.pk, reminder.kind)
        (sent if key in already else owed).append(reminder)
    return owed, sent


def send_reminders(municipalities, on: dt.date, *, dry_run=False, url="") -> tuple[list[Reminder], list[Reminder]]:
    """(sent, skipped as already sent). A reminder without any address is recorded, so the dashboard shows it."""
    sent, skipped = [], []
    for municipality in municipalities:
        owed, already = due_today(municipality, on)
        skipped += already
        if dry_run:
            sent += owed
        elif settings_for(municipality).digest:
            done = record_and_send_digest(municipality, owed, url)
            sent += done
            skipped += [r for r in owed if r not in done]
        else:
            for reminder in owed:
                (sent if record_and_send(municipality, reminder, url) else skipped).append(reminder)
    return sent, skipped


def record_and_send(municipality, reminder, url) -> bool:
    """Record the reminder, then send it; False when another run recorded it first (its unique key), so two
    runs at once never send the same reminder twice. A failed send rolls the record back for the next run."""
    try:
        with transaction.atomic():
            _record(municipality, reminder)
            for message in mails_for([reminder], url, digest=False):
                send_mail(message.subject, message.body, None, message.to)
    except IntegrityError:  # another run recorded it a moment ago
        return False
    return True


def record_and_send_digest(municipality, reminders: list[Reminder], url) -> list[Reminder]:
    """The day's reminders of a town that asked for digests: each recorded (those another run recorded first are
    left out), then one e-mail per person. A failed send rolls every record back, so the next run sends the day's
    digest again (a person whose e-mail had already gone may then get it twice, never none)."""
    recorded = []
    with transaction.atomic():
        for reminder in reminders:
            try:
                with transaction.atomic():
                    _record(municipality, reminder)
            except IntegrityError:
                continue
            recorded.append(reminder)
        for message in mails_for(recorded, url, digest=True):
            send_mail(message.subject, message.body, None, message.to)
    return recorded


def _record(municipality, reminder) -> None:
    Notice.objects.create(
        municipality=municipality,
        period=reminder.period,
        department=reminder.department,
        kind=reminder.kind,
        recipients="、".join(reminder.recipients),
        measures="、".join(m.number for m in reminder.measures),
    )


def reporting_towns() -> list[Municipality]:
    return list(Municipality.objects.filter(reporting_periods__isnull=False).distinct())


@job()
def daily_reminders_job() -> int:
    """The day's reminders for every town that reports, as `banso remind` sends them; the worker enqueues it once
    a day (core.jobs.register_daily). Returns how many were sent."""
    sent, _skipped = send_reminders(reporting_towns(), timezone.localdate(), url=settings.BANSO_SITE_URL)
    return len(sent)
