import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from banso.orgs.lookups import municipality_for_command
from banso.orgs.models import Municipality
from banso.tracking.reminders import send_reminders


class Command(BaseCommand):
    help = "Send due, overdue and escalation reminders for progress reports. Safe to run from cron repeatedly."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="say what would be sent; send and record nothing"
        )
        parser.add_argument("--municipality", help="only this municipality (local government code)")
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD), for a catch-up run")
        parser.add_argument("--url", default="", help="address of Banso to put in the e-mails")

    def handle(self, *args, **options):
        on = timezone.localdate()
        if options["date"]:
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError as err:
                raise CommandError(_("Write the date as 2026-04-15.")) from err
        if options["municipality"]:
            towns = [municipality_for_command(options["municipality"])]
        else:
            towns = Municipality.objects.filter(reporting_periods__isnull=False).distinct()
        sent, skipped = send_reminders(towns, on, dry_run=options["dry_run"], url=options["url"])
        verb = _("would send") if options["dry_run"] else _("sent")
        for reminder in sent:
            to = "、".join(reminder.recipients) or _("(no address: shown on the dashboard only)")
            self.stdout.write(
                f"{verb}\t{reminder.kind}\t{reminder.period.label}\t{reminder.department.name}\t{to}"
            )
        self.stdout.write(
            _("%(sent)s reminders %(verb)s, %(skipped)s already sent before.")
            % {"sent": len(sent), "verb": verb, "skipped": len(skipped)}
        )
