from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand
from banso.plans.documents import render_plan
from banso.plans.management.commands._common import add_plan_arguments, plan_from_options


class Command(BansoCommand):
    help = gettext_lazy(
        "Write the DX plan as the council document (docx or pdf) or as the Excel workbook that imports back."
    )

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("--format", required=True, choices=["docx", "pdf", "xlsx"])
        parser.add_argument("--out", required=True, help="file to write")
        parser.add_argument(
            "--edition", help="an issued edition, e.g. 1.0 for 第1.0版 (default: the plan as it stands)"
        )

    def handle(self, *args, **options):
        plan = plan_from_options(options)
        version = None
        if options.get("edition"):
            major, _sep, minor = options["edition"].partition(".")
            version = plan.versions.filter(major=int(major or 0), minor=int(minor or 0)).first()
            if version is None:
                raise CommandError(_("The plan has no edition %(version)s.") % {"version": options["edition"]})
        content, _name = render_plan(plan, options["format"], version)
        Path(options["out"]).write_bytes(content)
        self.stdout.write(
            _("Wrote %(file)s (%(size)s KB).") % {"file": options["out"], "size": len(content) // 1024}
        )
