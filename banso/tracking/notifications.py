"""実行管理's notifications (core.notifications): reports still to make this period, reports returned for
correction, and, for the DX office, reports waiting for approval. Three queries after the towns and their
periods, however many towns the user works in."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banso.core.notifications import Notification
from banso.orgs.models import Municipality
from banso.plans.models import Measure
from banso.tracking.models import ApprovalState, MeasureUpdate, ReportingPeriod


def tracking_notifications(request) -> list[Notification]:
    scope = request.scope
    editable, reports = Q(pk__in=[]), False  # the measures the user reports on, town by town
    for municipality_id in scope.grants:
        departments = scope.editable_department_ids(municipality_id)
        if departments is None:
            editable |= Q(plan__municipality_id=municipality_id)
        elif departments:
            editable |= Q(plan__municipality_id=municipality_id, owner_id__in=departments)
        reports = reports or departments is None or bool(departments)
    managed = [m for m in scope.grants if scope.can_manage(m)]
    if not reports:
        return []
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
    for municipality_id, count in returned:
        town = towns[municipality_id]
        found.append(
            Notification(
                _("Reports returned for correction"),
                count,
                reverse("tracking:inbox", args=[town.code]),
                town.name,
                urgent=True,
            )
        )
    if managed:
        waiting = (
            MeasureUpdate.objects.filter(state=ApprovalState.SUBMITTED, period__municipality_id__in=managed)
            .values_list("period__municipality_id")
            .annotate(n=Count("pk"))
        )
        for municipality_id, count in waiting:
            town = towns[municipality_id]
            found.append(
                Notification(
                    _("Reports waiting for your approval"),
                    count,
                    reverse("tracking:reviews", args=[town.code]),
                    town.name,
                )
            )
    return found
