from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand
from banso.core.documents import document_bytes
from banso.orgs.lookups import municipality_for_command
from banso.orgs.models import AdvisorAssignment
from banso.programs.reports import advisor_report


class Command(BansoCommand):
    help = gettext_lazy(
        "Write an advisor's activity report (派遣先の概要・課題・取組・苦労と成功・今後の展開) as docx or PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="local government code")
        parser.add_argument("--advisor", required=True, help="the advisor's user name")
        parser.add_argument("--format", required=True, choices=["docx", "pdf"])
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        town = municipality_for_command(options["municipality"])
        assignment = (
            AdvisorAssignment.objects.filter(municipality=town, advisor__username=options["advisor"])
            .order_by("-starts_on")
            .first()
        )
        if assignment is None:
            raise CommandError(
                _("%(advisor)s has no assignment to %(town)s.")
                % {"advisor": options["advisor"], "town": town.name}
            )
        document = advisor_report(assignment)
        content = document_bytes(document, options["format"])
        Path(options["out"]).write_bytes(content)
        self.stdout.write(
            _("Wrote %(file)s (%(size)s KB).") % {"file": options["out"], "size": len(content) // 1024}
        )
