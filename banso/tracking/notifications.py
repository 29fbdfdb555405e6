"""実行管理's notifications (core.notifications): reports still to make this period, reports returned for
correction, and, for the DX office, reports waiting for approval. Three queries after the towns and their
periods, however many towns the user works in."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banso.core.notifications import Notification
from banso.orgs.models import Municipality
from banso.plans.models import Measure
from banso.tracking.models import ApprovalState, MeasureUpdate, ReportingPeriod


def tracking_notifications(request) -> list[Notification]:
    scope = request.scope
    editable = scope.editable_condition("plan__municipality_id", "owner_id")
    if editable is None:
        return []
    managed = [m for m in scope.grants if scope.can_manage(m)]
    towns = Municipality.objects.in_bulk(list(scope.grants))
    today = timezone.localdate()
    current: dict[int, ReportingPeriod] = {}
    for period in ReportingPeriod.objects.filter(municipality_id__in=towns, starts_on__lte=today).order_by(
        "municipality_id", "-starts_on"
    ):
        current.setdefault(period.municipality_id, period)
    found: list[Notification] = []
    measures = Measure.objects.filter(editable, is_draft=False).exclude(
        status__in=[Measure.Status.DONE, Measure.Status.STOPPED]
    )
    unreported = (
        measures.filter(plan__municipality_id__in=current)
        .annotate(
            reported=Exists(
                MeasureUpdate.objects.filter(
                    measure=OuterRef("pk"), period_id__in=[p.pk for p in current.values()]
                )
            )
        )
        .filter(reported=False)
        .values_list("plan__municipality_id")
        .annotate(n=Count("pk"))
    )
    for municipality_id, count in unreported:
        period, town = current[municipality_id], towns[municipality_id]
        overdue = period.due_on < today
        found.append(
            Notification(
                _("Measures to report on for %(period)s") % {"period": period.label}
                if not overdue
                else _("Reports overdue for %(period)s") % {"period": period.label},
                count,
                reverse("tracking:inbox", args=[town.code]),
                town.name,
                urgent=overdue,
            )
        )
    returned = (
        MeasureUpdate.objects.filter(state=ApprovalState.RETURNED, measure__in=measures)
        .values_list("measure__plan__municipality_id")
        .annotate(n=Count("pk"))
    )
    found += _by_town(returned, towns, _("Reports returned for correction"), "tracking:inbox", urgent=True)
    if managed:
        waiting = (
            MeasureUpdate.objects.filter(state=ApprovalState.SUBMITTED, period__municipality_id__in=managed)
            .values_list("period__municipality_id")
            .annotate(n=Count("pk"))
        )
        found += _by_town(waiting, towns, _("Reports waiting for your approval"), "tracking:reviews")
    return found


def _by_town(counts, towns, label: str, url_name: str, *, urgent=False) -> list[Notification]:
    """One notification per town from (municipality id, count) rows, linking to the town's page `url_name`."""
    return [
        Notification(label, count, reverse(url_name, args=[towns[m].code]), towns[m].name, urgent=urgent)
        for m, count in counts
    ]
