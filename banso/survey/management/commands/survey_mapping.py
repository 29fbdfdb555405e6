"""`banso survey mapping guess|show|save|read-as`: column mappings of other layouts from the command line."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banso.core.commands import BansoCommand
from banso.core.uploads import UploadError
from banso.survey import sheet
from banso.survey.management.commands._common import add_round_arguments, print_guess, round_from_options
from banso.survey.models import CategoryKind
from banso.survey.reader import read_layout, sure_of
from banso.survey.services import mapping_gaps, mapping_guess, mapping_read_as, mapping_store


class Command(BansoCommand):
    help = gettext_lazy(
        "Column mappings for workbooks in another layout: guess one from a file, show a saved one, save one, or read "
        "the file's own list words as the round's values."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        guess = actions.add_parser("guess", help="print how the file's columns would be mapped, with confidence")
        add_round_arguments(guess)
        guess.add_argument("file")
        guess.add_argument("--json", action="store_true")
        show = actions.add_parser("show", help="print a saved mapping")
        add_round_arguments(show)
        show.add_argument("name")
        save = actions.add_parser("save", help="save a mapping for the file's layout")
        add_round_arguments(save)
        save.add_argument("name")
        save.add_argument("file")
        save.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="COLUMN=HEADER",
            help="map a column to a header of the file",
        )
        save.add_argument("--department-header", default="", help="the file's column naming each row's department")
        save.add_argument(
            "--one-department", action="store_true", help="the file holds one department's tasks (no such column)"
        )
        read_as = actions.add_parser(
            "read-as", help="read the file's own words of a list as the round's values (正職員 → 正規)"
        )
        add_round_arguments(read_as)
        read_as.add_argument("name")
        read_as.add_argument(
            "pairs", nargs="+", metavar="LIST:THEIRS=OURS", help="for example 職員区分:正職員=正規"
        )

    def handle(self, *args, **options):
        survey_round = round_from_options(options)
        getattr(self, f"_{options['action'].replace('-', '_')}")(survey_round, options)

    def _guess(self, survey_round, options):
        layout = _layout(options["file"])
        asked = sheet.asked_columns(survey_round.column_set, survey_round.custom_columns)
        guesses, department = mapping_guess(survey_round, layout)
        sure = sure_of(guesses)
        gaps = mapping_gaps(asked, sure)
        if options["json"]:
            data = {
                "layout": layout,
                "columns": {k: {"header": h, "confidence": score} for k, (h, score) in guesses.items()},
                "department_header": department,
                "missing": gaps,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(print_guess(layout, asked, guesses, department, gaps))

    def _show(self, survey_round, options):
        mapping = _saved(survey_round, options["name"])
        self.stdout.write(
            _("%(name)s: sheet “%(sheet)s”, header on row %(row)s (%(rows)s rows)")
            % {
                "name": mapping.name,
                "sheet": mapping.sheet_name,
                "row": mapping.header_row,
                "rows": mapping.header_rows,
            }
        )
        for key, header in mapping.fields.items():
            self.stdout.write(f"  {sheet.COLUMN_BY_KEY[key].header} ← {header}")
        if mapping.department_header:
            self.stdout.write(_("  department ← %(header)s") % {"header": mapping.department_header})
        for kind, pairs in (mapping.values or {}).items():
            for theirs, ours in pairs.items():
                self.stdout.write(f"  {CategoryKind(kind).label}: {theirs} → {ours}")

    def _save(self, survey_round, options):
        layout = _layout(options["file"])
        guesses, guessed_department = mapping_guess(survey_round, layout)
        fields = sure_of(guesses)
        for pair in options["set"]:
            key, _sep, header = pair.partition("=")
            if key not in sheet.COLUMN_BY_KEY:
                raise CommandError(
                    _("There is no column “%(key)s”. Columns: %(keys)s")
                    % {"key": key, "keys": ", ".join(c.key for c in sheet.COLUMNS if c.kind != "id")}
                )
            fields[key] = header
        department_header = options["department_header"] or guessed_department
        try:
            mapping = mapping_store(
                survey_round=survey_round,
                layout=layout,
                name=options["name"],
                fields=fields,
                department_header="" if options["one_department"] else department_header,
                has_department=options["one_department"],
            )
        except ValidationError as err:
            raise CommandError(" ".join(err.messages)) from err
        self.stdout.write(_("Saved the mapping “%(name)s”.") % {"name": mapping.name})

    def _read_as(self, survey_round, options):
        mapping = _saved(survey_round, options["name"])
        read_as: dict[str, dict[str, str]] = {}
        for pair in options["pairs"]:
            kind, theirs, ours = _pair(pair)
            read_as.setdefault(kind, {})[theirs] = ours
        try:
            mapping_read_as(mapping=mapping, survey_round=survey_round, read_as=read_as)
        except ValidationError as err:
            raise CommandError(" ".join(err.messages)) from err
        self.stdout.write(
            _("The mapping “%(name)s” now reads %(count)s of the file's words as the round's values.")
            % {"name": mapping.name, "count": sum(len(p) for p in read_as.values())}
        )


def _saved(survey_round, name: str):
    mapping = survey_round.municipality.survey_mappings.filter(name=name).first()
    if mapping is None:
        raise CommandError(_("No saved column mapping is called “%(name)s”.") % {"name": name})
    return mapping


def _pair(text: str) -> tuple[str, str, str]:
    """「職員区分:正職員=正規」 as (the list, their word, the round's value); the list by its name or its key."""
    name, _colon, rest = text.replace("：", ":").partition(":")
    theirs, _equals, ours = rest.partition("=")
    if not (name.strip() and theirs.strip() and ours.strip()):
        raise CommandError(
            _(
                "Write each word as LIST:THEIR WORD=THE ROUND'S VALUE, for example 職員区分:正職員=正規 (not “%(text)s”)."
            )
            % {"text": text}
        )
    kinds = {str(kind.label): kind.value for kind in CategoryKind} | {
        kind.value: kind.value for kind in CategoryKind
    }
    if name.strip() not in kinds:
        raise CommandError(
            _("There is no list “%(list)s”. Lists: %(lists)s")
            % {"list": name.strip(), "lists": "、".join(str(kind.label) for kind in CategoryKind)}
        )
    return kinds[name.strip()], theirs.strip(), ours.strip()


def _layout(name: str) -> dict:
    path = Path(name)
    if not path.is_file():
        raise CommandError(_("%(path)s does not exist.") % {"path": path})
    try:
        result = read_layout(path, original_name=path.name)
    except UploadError as err:
        raise CommandError(str(err)) from err
    if result.errors:
        raise CommandError(" ".join(p.message for p in result.errors))
    if not result.needs_mapping:
        raise CommandError(_("%(path)s is Banso's own sheet: it needs no mapping.") % {"path": path})
    return result.layout()
