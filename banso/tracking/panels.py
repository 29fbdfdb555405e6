from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from banso.plans.models import Measure
from banso.tracking import progress
from banso.tracking.models import ApprovalState, ReportingPeriod
from banso.tracking.summaries import summaries_of


def home_panel(request, municipality, grant) -> str:
    """What waits in 実行管理: for an owner, how many of their measures are reported for the current period; for
    the DX office, the same for the town and the updates waiting for approval (any period). Two queries."""
    today = timezone.localdate()
    period = (
        ReportingPeriod.objects.filter(municipality=municipality, starts_on__lte=today)
        .order_by("-starts_on")
        .first()
    )
    if period is None:
        return ""
    measures = Measure.objects.filter(plan__municipality=municipality, is_draft=False).exclude(
        status__in=[Measure.Status.DONE, Measure.Status.STOPPED]
    )
    if not grant.read_all:
        measures = measures.filter(owner_id__in=grant.departments)
    in_period = Q(updates__period=period)
    stats = measures.aggregate(
        total=Count("pk", distinct=True),
        reported=Count("updates", filter=in_period, distinct=True),
        # Approvals wait whatever their period: a late report on the last quarter still needs a decision.
        waiting=Count("updates", filter=Q(updates__state=ApprovalState.SUBMITTED), distinct=True),
    )
    return render_to_string(
        "tracking/partials/home_panel.html",
        {
            "municipality": municipality,
            "period": period,
            **stats,
            "manage": grant.manage,
            "can_edit": grant.manage or bool(grant.departments),
        },
        request=request,
    )


def towns_overview(request, municipalities) -> str:
    """The towns a prefecture or an advisor follows, one row each, from their precomputed summaries: one query
    however many towns (a prefecture may follow 179)."""
    today = timezone.localdate()
    summaries = summaries_of(request.scope, [m.pk for m in municipalities], today)
    rows = [
        {
            "municipality": m,
            "summary": summary,
            "counts": [summary.count(state) for state in progress.LABELS] if summary else [],
        }
        for m in municipalities
        for summary in [summaries.get(m.pk)]
    ]
    return render_to_string(
        "tracking/partials/towns_overview.html",
        {"rows": rows, "states": list(progress.LABELS.values()), "today": today},
        request=request,
    )
