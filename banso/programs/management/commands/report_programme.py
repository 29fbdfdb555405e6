import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand
from banso.core.documents import document_bytes
from banso.programs.models import Programme
from banso.programs.reports import programme_overview, programme_workbook


class Command(BansoCommand):
    help = gettext_lazy(
        "Write a programme's overview (municipalities, themes, providers, outcomes by category) as of a date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="programme id or title")
        parser.add_argument("--as-of", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", required=True, choices=["docx", "pdf", "xlsx"])
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        wanted = options["programme"]
        programmes = (
            Programme.objects.filter(pk=int(wanted))
            if wanted.isdigit()
            else Programme.objects.filter(title=wanted)
        )
        programme = programmes.first()
        if programme is None:
            raise CommandError(_("There is no programme “%(name)s”.") % {"name": wanted})
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        except ValueError as err:
            raise CommandError(_("Write the date as 2026-04-15.")) from err
        if options["format"] == "xlsx":
            content = programme_workbook(programme, as_of)
        else:
            document = programme_overview(programme, as_of)
            content = document_bytes(document, options["format"])
        Path(options["out"]).write_bytes(content)
        self.stdout.write(
            _("Wrote %(file)s (%(size)s KB).") % {"file": options["out"], "size": len(content) // 1024}
        )
