from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from banso.orgs.lookups import municipality_for_command
from banso.plans.models import Plan


def add_plan_arguments(parser):
    parser.add_argument("--municipality", required=True, help="local government code (5 or 6 digits)")
    parser.add_argument("--plan", help="plan id or title, when the municipality has several (default: the latest)")


def plan_from_options(options) -> Plan:
    municipality = municipality_for_command(options["municipality"])
    plans = Plan.objects.filter(municipality=municipality).order_by("-start_year", "-pk")
    wanted = options.get("plan")
    if wanted:
        plans = plans.filter(pk=int(wanted)) if wanted.isdigit() else plans.filter(title=wanted.strip())
    plan = plans.first()
    if plan is None:
        raise CommandError(_("%(town)s has no such DX plan.") % {"town": municipality.name})
    return plan
