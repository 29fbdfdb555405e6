import json
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.audit import acting_as
from banso.core.commands import BansoCommand
from banso.core.uploads import UploadError
from banso.plans import workbook
from banso.plans.management.commands._common import add_plan_arguments, plan_from_options


class Command(BansoCommand):
    help = gettext_lazy(
        "Import measures, steps and KPIs from the plan's Excel layout. Writes nothing if any row has a problem."
    )

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("file", help=".xlsx file in the layout `banso plan export --format xlsx` writes")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        plan = plan_from_options(options)
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s does not exist.") % {"file": path})
        try:
            result = workbook.read_plan_workbook(path, plan, original_name=path.name)
        except UploadError as err:
            raise CommandError(str(err)) from err
        counts = None
        if not result.errors:
            with acting_as(None, label="banso plan import (CLI)"):
                counts = workbook.apply_plan_import(plan, result)
        self._report(result, counts, options["json"])
        if counts is None:
            raise CommandError(_("The file has problems; nothing was imported."))

    def _report(self, result, counts, as_json):
        if as_json:
            payload = {"imported": counts, "problems": [p.as_dict() for p in result.problems]}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for p in result.problems:
            self.stdout.write(f"{p.sheet}\t{p.row or ''}\t{p.column}\t{p.message}")
        if counts is not None:
            self.stdout.write(_("Imported %(measures)s measures, %(steps)s steps and %(kpis)s KPIs.") % counts)
