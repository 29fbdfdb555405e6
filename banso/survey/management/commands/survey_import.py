import json
from pathlib import Path

from django.core.files.base import File
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.audit import acting_as
from banso.core.commands import BansoCommand
from banso.core.uploads import UploadError
from banso.orgs.models import Department
from banso.survey import services
from banso.survey.management.commands._common import add_round_arguments, round_from_options
from banso.survey.models import ImportBatch


class Command(BansoCommand):
    help = gettext_lazy(
        "Import filled survey workbooks. Writes nothing for a file with errors unless --accept-valid-rows."
    )

    def add_arguments(self, parser):
        add_round_arguments(parser)
        parser.add_argument("files", nargs="+", help=".xlsx files")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument(
            "--accept-valid-rows", action="store_true", help="import the valid rows of a file with errors"
        )
        parser.add_argument("--department", help="department name, for a workbook in another layout")
        parser.add_argument("--mapping", help="name of a saved column mapping, for a workbook in another layout")

    def handle(self, *args, **options):
        survey_round = round_from_options(options)
        department = self._department(survey_round, options.get("department"))
        mapping = self._mapping(survey_round, options.get("mapping"))
        results, failed = [], False
        with acting_as(None, label="banso survey import (CLI)"):
            for name in options["files"]:
                batch = self._import(survey_round, Path(name), department, mapping, options["accept_valid_rows"])
                failed |= batch.status not in (ImportBatch.Status.APPLIED, ImportBatch.Status.PARTIAL)
                results.append(batch)
        self._report(results, options["json"])
        if failed:
            raise CommandError(_("Some files were not imported; see the problems above."))

    def _department(self, survey_round, name):
        if not name:
            return None
        department = Department.objects.filter(municipality=survey_round.municipality, name=name.strip()).first()
        if department is None:
            raise CommandError(
                _("%(town)s has no department called “%(name)s”.")
                % {"town": survey_round.municipality.name, "name": name}
            )
        return department

    def _mapping(self, survey_round, name):
        if not name:
            return None
        mapping = survey_round.municipality.survey_mappings.filter(name=name).first()
        if mapping is None:
            raise CommandError(_("No saved column mapping is called “%(name)s”.") % {"name": name})
        return mapping

    def _import(self, survey_round, path, department, mapping, accept):
        if not path.is_file():
            raise CommandError(_("%(path)s does not exist.") % {"path": path})
        try:
            with path.open("rb") as fh:
                batch = services.import_create(
                    survey_round=survey_round,
                    file=File(fh),
                    original_name=path.name,
                    department=department,
                    source="cli",
                )
        except UploadError as err:
            raise CommandError(str(err)) from err
        if mapping:
            batch.mapping = mapping
            batch.save(update_fields=["mapping"])
        return services.import_run(batch, accept_valid_rows=accept)

    def _report(self, batches, as_json):
        if as_json:
            self.stdout.write(json.dumps([_as_dict(b) for b in batches], ensure_ascii=False, indent=2))
            return
        for batch in batches:
            self.stdout.write(
                f"{batch.original_name}: {batch.get_status_display()} "
                + _("(%(created)s new, %(updated)s updated, %(rejected)s rows left out)")
                % {"created": batch.created_count, "updated": batch.updated_count, "rejected": batch.rejected_rows}
            )
            for p in batch.problems:
                where = " ".join(
                    x
                    for x in (p.get("sheet", ""), f"{p['row']}行" if p.get("row") else "", p.get("column", ""))
                    if x
                )
                level = _("error") if p.get("severity") == "error" else _("note")
                self.stdout.write(
                    f"  [{level}] {where}: {p['message']}" if where else f"  [{level}] {p['message']}"
                )


def _as_dict(batch):
    return {
        "file": batch.original_name,
        "status": batch.status,
        "created": batch.created_count,
        "updated": batch.updated_count,
        "valid_rows": batch.valid_rows,
        "rejected_rows": batch.rejected_rows,
        "problems": batch.problems,
    }
