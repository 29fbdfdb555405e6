"""A plan or measure a page is about, fetched through the user's scope: what one cannot see is a 404, what one
may see but not change a 403 (checked after the fetch)."""

from banso.core.access import get_scoped, require_manage
from banso.orgs.access import municipality_for
from banso.plans.models import Measure, Plan


def plan_for(request, code, pk):
    municipality = municipality_for(request, code)
    return municipality, get_scoped(
        request, Plan.objects.select_related("municipality"), pk=pk, municipality=municipality
    )


def managed_plan_for(request, code, pk):
    municipality, plan = plan_for(request, code, pk)
    require_manage(request, municipality.pk)  # after the fetch: what one cannot see stays a 404
    return municipality, plan


def measure_for(request, code, measure_id):
    municipality = municipality_for(request, code)
    measure = get_scoped(
        request,
        Measure.objects.select_related("plan__municipality", "owner", "policy", "adopted_from"),
        pk=measure_id,
        plan__municipality=municipality,
    )
    return municipality, measure
