import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.audit import acting_as
from banso.core.commands import BansoCommand
from banso.core.uploads import UploadError
from banso.orgs.lookups import municipality_for_command
from banso.plans import workbook
from banso.plans.management.commands._common import add_plan_arguments, plan_from_options


class Command(BansoCommand):
    help = gettext_lazy(
        "Import a plan from its Excel layout, into a plan of the municipality or as a new one. Writes nothing if any row has a problem."
    )

    def add_arguments(self, parser):
        add_plan_arguments(parser)
        parser.add_argument("file", help=".xlsx file in the layout `banso plan export --format xlsx` writes")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("%(file)s does not exist.") % {"file": path})
        municipality = municipality_for_command(options["municipality"])
        try:
            # Into the plan named, or the one with the file's title; a plan the town does not have yet is made.
            plan = plan_from_options(options) if options.get("plan") else None
            result = workbook.read_plan_workbook(path, plan, municipality=municipality, original_name=path.name)
            if plan is None and result.header.get("title"):
                plan = municipality.plans.filter(title=result.header["title"]).first()
                if plan is not None:
                    result = workbook.read_plan_workbook(path, plan, original_name=path.name)
        except UploadError as err:
            raise CommandError(str(err)) from err
        counts = None
        if not result.errors:
            with acting_as(None, label="banso plan import (CLI)"):
                try:
                    plan, counts = workbook.apply_plan_import(result, plan=plan, municipality=municipality)
                except ValidationError as err:
                    raise CommandError(" ".join(err.messages)) from err
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
            self.stdout.write(
                _("Imported %(policies)s policies, %(measures)s measures, %(steps)s steps and %(kpis)s KPIs.")
                % counts
            )
