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
from banso.survey import services, sheet
from banso.survey.management.commands._common import add_round_arguments, print_guess, round_from_options
from banso.survey.models import CategoryKind, ImportBatch
from banso.survey.reader import header_signature, read_layout, sure_of


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
        parser.add_argument(
            "--mapping",
            help="name of a saved column mapping for a workbook in another layout, or auto: use the saved mapping "
            "of the same headers or the guessed one when every needed column was found with confidence (otherwise "
            "print the guess and exit with status 2)",
        )

    def handle(self, *args, **options):
        survey_round = round_from_options(options)
        department = self._department(survey_round, options.get("department"))
        automatic = options.get("mapping") == "auto"
        mapping = None if automatic else self._mapping(survey_round, options.get("mapping"))
        results, failed = [], False
        with acting_as(None, label="banso survey import (CLI)"):
            for name in options["files"]:
                if automatic:
                    mapping = self._automatic(survey_round, Path(name), department)
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

    def _automatic(self, survey_round, path, department):
        """The mapping for `--mapping auto`: none for Banso's own sheet, the saved one of the same headers, or the
        guess when every column the round needs was found with confidence; otherwise the guess is printed and
        the command stops with status 2, having written nothing."""
        if not path.is_file():
            raise CommandError(_("%(path)s does not exist.") % {"path": path})
        try:
            found = read_layout(path, original_name=path.name)
        except UploadError as err:
            raise CommandError(str(err)) from err
        if not found.needs_mapping:
            return None
        asked = sheet.asked_columns(survey_round.column_set, survey_round.custom_columns)
        saved = survey_round.municipality.survey_mappings.filter(header_signature=header_signature(found.headers))
        for mapping in saved:  # made for this town's layout, perhaps for a round that asked for fewer columns
            if not services.mapping_gaps(asked, mapping.fields):
                return mapping
        layout = found.layout()
        guesses, guessed_department = services.mapping_guess(survey_round, layout)
        sure = sure_of(guesses)
        department_header = "" if department else guessed_department
        gaps = services.mapping_gaps(asked, sure)
        if gaps or not (department or department_header):
            self.stdout.write(print_guess(layout, asked, guesses, department_header, gaps))
            raise CommandError(
                _(
                    "%(path)s: the columns could not all be mapped with confidence. Save a mapping with banso survey "
                    "mapping save, then import with --mapping NAME."
                )
                % {"path": path.name},
                returncode=2,
            )
        return services.mapping_store(
            survey_round=survey_round,
            layout=layout,
            name=_("%(file)s (guessed)") % {"file": path.stem},
            fields=sure,
            department_header=department_header,
            has_department=department is not None,
        )

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
            if hint := _read_as_hint(batch):
                self.stdout.write(f"  [{_('note')}] {hint}")


def _read_as_hint(batch) -> str:
    """How to read the file's own list words (正職員) as the round's values, where it had some, naming its mapping."""
    unknown = (batch.layout or {}).get("unknown_values")
    if not unknown or batch.mapping is None:
        return ""
    words = "、".join(f"{CategoryKind(kind).label}（{'、'.join(values)}）" for kind, values in unknown.items())
    kind, values = next(iter(unknown.items()))
    return _(
        "Words of the file not in the round's lists: %(words)s. To read them as the round's values: banso survey "
        'mapping read-as "%(mapping)s" %(example)s %(where)s, then import again.'
    ) % {
        "words": words,
        "mapping": batch.mapping.name,
        "example": f"{CategoryKind(kind).label}:{values[0]}=…",
        "where": f"--municipality {batch.survey_round.municipality.code} --fiscal-year {batch.survey_round.fiscal_year}"
        f" --round {batch.survey_round_id}",
    }


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
