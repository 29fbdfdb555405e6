"""The plan a tracking page is about."""

from django.http import Http404

from banso.plans.models import Plan


def current_plan(request, municipality, *, required=True):
    """The plan tracked: ?plan= when given, otherwise the municipality's latest."""
    plans = Plan.objects.filter(municipality=municipality)
    chosen = request.GET.get("plan")
    plan = (plans.filter(pk=chosen).first() if chosen and chosen.isdigit() else None) or plans.first()
    if plan is None and required:
        raise Http404
    return plan
