from django.db.models import Count, Q
from django.template.loader import render_to_string

from banso.plans.models import MeasureTag, Plan


def home_panel(request, municipality, grant) -> str:
    """The town's current plan on the home page: its measures (a department's own), and for the DX office the
    tag suggestions waiting for a decision, or a prompt to start a plan. One query."""
    own = Q() if grant.read_all else Q(measures__owner_id__in=grant.departments)
    plan = (
        Plan.objects.filter(municipality=municipality)
        .annotate(
            measure_count=Count("measures", filter=own, distinct=True),
            pending_tags=Count(
                "measures__tags", filter=Q(measures__tags__status=MeasureTag.Status.SUGGESTED), distinct=True
            ),
        )
        .order_by("-start_year", "title")
        .first()
    )
    if plan is None and not grant.manage:
        return ""
    return render_to_string(
        "plans/partials/home_panel.html",
        {"municipality": municipality, "plan": plan, "manage": grant.manage, "own_department": not grant.read_all},
        request=request,
    )
