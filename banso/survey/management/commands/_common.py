from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear, FiscalYearError
from banso.orgs.lookups import municipality_for_command
from banso.survey import sheet
from banso.survey.models import SurveyRound


def add_round_arguments(parser):
    parser.add_argument("--municipality", required=True, help="local government code (5 or 6 digits)")
    parser.add_argument("--fiscal-year", required=True, help="fiscal year: 2025, R7 or 令和7年度")
    parser.add_argument("--round", type=int, help="survey round id, when a year has several")


def round_from_options(options) -> SurveyRound:
    municipality = municipality_for_command(options["municipality"])
    try:
        year = FiscalYear.parse(options["fiscal_year"])
    except FiscalYearError as err:
        raise CommandError(str(err)) from err
    rounds = SurveyRound.objects.filter(municipality=municipality, fiscal_year=year.year)
    if options.get("round"):
        rounds = rounds.filter(pk=options["round"])
    survey_round = rounds.order_by("-created_at").first()
    if survey_round is None:
        raise CommandError(
            _("%(town)s has no survey for %(year)s.") % {"town": municipality.name, "year": year.era_label}
        )
    return survey_round


def print_guess(layout, asked, guesses, department, gaps) -> str:
    """The guessed mapping as a person reads it: each column the round asks for, the header found and how sure."""
    lines = [
        _("Sheet “%(sheet)s”, header on row %(row)s (%(rows)s rows).")
        % {"sheet": layout["sheet"], "row": layout["header_row"], "rows": layout["header_rows"]}
    ]
    not_found = _("(not found)")
    for key, required in asked.items():
        if key == "row_key":
            continue
        label = sheet.COLUMN_BY_KEY[key].header + (_(" (required)") if required else "")
        header, score = guesses.get(key, ("", 0))
        lines.append(f"  {label} ← {header} ({score})" if header else f"  {label} ← {not_found}")
    department_label = _("department")
    lines.append(f"  {department_label} ← {department or not_found}")
    if gaps:
        lines.append(_("Not found with confidence: %(columns)s.") % {"columns": "、".join(gaps)})
    return "\n".join(lines)
