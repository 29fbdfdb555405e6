"""人材育成's notifications (core.notifications): help-desk consultations still open, for the DX office. One
query."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from banso.core.notifications import Notification
from banso.training.models import Consultation


def training_notifications(request) -> list[Notification]:
    managed = [m for m in request.scope.grants if request.scope.can_manage(m)]
    if not managed:
        return []
    open_by_town = (
        Consultation.objects.filter(municipality_id__in=managed, status=Consultation.Status.OPEN)
        .values_list("municipality__code", "municipality__name")
        .annotate(n=Count("pk"))
    )
    return [
        Notification(
            _("Help-desk consultations still open"), count, reverse("training:helpdesk", args=[code]), name
        )
        for code, name, count in open_by_town
    ]
