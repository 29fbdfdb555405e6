import datetime as dt

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand
from banso.orgs.lookups import municipality_for_command
from banso.plans.models import Plan
from banso.tracking.reminders import reporting_towns, send_reminders

# Bad input exits with 2, as argparse does for a wrong option: cron's mail then tells usage errors apart
# from a run that failed on the way.
USAGE = 2


class Command(BansoCommand):
    help = gettext_lazy(
        "Send due, overdue and escalation reminders for progress reports. Safe to run from cron repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be sent; send and record nothing"
        )
        parser.add_argument("--municipality", help="only this municipality (local government code)")
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD), for a catch-up run")
        parser.add_argument(
            "--url", default="", help="address of Banso to put in the e-mails (default: BANSO_SITE_URL)"
        )

    def handle(self, *args, **options):
        if options["municipality"]:
            try:
                towns = [municipality_for_command(options["municipality"])]
            except CommandError as err:
                raise CommandError(str(err), returncode=USAGE) from err
        else:
            towns = reporting_towns()
        on = _day(options["date"], towns)
        sent, skipped = send_reminders(
            towns, on, dry_run=options["dry_run"], url=options["url"] or settings.BANSO_SITE_URL
        )
        verb = _("would send") if options["dry_run"] else _("sent")
        for reminder in sent:
            to = "、".join(reminder.recipients) or _("(no address: shown on the dashboard only)")
            self.stdout.write(
                f"{verb}\t{reminder.kind_label}\t{reminder.period.label}\t{reminder.department.name}\t{to}"
            )
        for reminder in (r for r in sent if not r.recipients):
            self.stderr.write(
                _("%(department)s has no e-mail address for this reminder: add it on the department's page.")
                % {"department": reminder.department.name}
            )
        self.stdout.write(
            _("%(sent)s reminders %(verb)s, %(skipped)s already sent before.")
            % {"sent": len(sent), "verb": verb, "skipped": len(skipped)}
        )


def _day(text: str | None, towns) -> dt.date:
    """Today in Japan, or the day given for a catch-up run: a real date, not before the towns' plans start."""
    if not text:
        return timezone.localdate()
    try:
        on = dt.date.fromisoformat(text)
    except ValueError as err:
        raise CommandError(
            _("“%(text)s” is not a date. Write it as 2026-04-15.") % {"text": text}, returncode=USAGE
        ) from err
    starts = [
        dt.date(year, 4, 1)
        for year in Plan.objects.filter(municipality__in=towns).values_list("start_year", flat=True)
    ]
    if starts and on < min(starts):
        raise CommandError(
            _("%(date)s is before the plan starts (%(start)s): no report was due then.")
            % {"date": on, "start": min(starts)},
            returncode=USAGE,
        )
    return on
