from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from banso.core.fiscal import FiscalYear, FiscalYearError
from banso.orgs.lookups import municipality_for_command
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
