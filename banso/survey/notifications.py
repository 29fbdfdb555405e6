"""業務量調査's notifications (core.notifications): answer sheets still to send for an open round, and the user's
own imports that stopped on problems and have not been sent again since. Two queries."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from banso.core.notifications import Notification
from banso.survey.models import ImportBatch, SurveyDepartment, SurveyRound

# An import that wrote nothing and asks the user to do something about the file.
TO_CORRECT = [
    ImportBatch.Status.HAS_ERRORS,
    ImportBatch.Status.NEEDS_MAPPING,
    ImportBatch.Status.REJECTED,
    ImportBatch.Status.INTERRUPTED,
]
# What counts as "sent again" for the same round and department.
SENT = [
    ImportBatch.Status.PENDING,
    ImportBatch.Status.RUNNING,
    ImportBatch.Status.APPLIED,
    ImportBatch.Status.PARTIAL,
]


def survey_notifications(request) -> list[Notification]:
    scope = request.scope
    if not scope.grants:
        return []
    found: list[Notification] = []
    editable = scope.editable_condition("survey_round__municipality_id", "department_id")
    if editable is None:
        return found
    waiting = (
        SurveyDepartment.objects.filter(editable, survey_round__status=SurveyRound.Status.OPEN, submitted_at=None)
        .select_related("survey_round__municipality", "department")
        .order_by("survey_round_id", "department__order")
    )
    by_round: dict[int, list] = {}
    for link in waiting:
        by_round.setdefault(link.survey_round_id, []).append(link)
    for links in by_round.values():
        survey_round = links[0].survey_round
        town = survey_round.municipality
        names = "、".join(link.department.name for link in links[:3]) + ("…" if len(links) > 3 else "")
        found.append(
            Notification(
                _("Answer sheets not sent yet: %(title)s") % {"title": survey_round.title},
                len(links),
                reverse("survey:round", args=[town.code, survey_round.pk]),
                f"{town.name}（{names}）",
                urgent=survey_round.is_past_deadline,
            )
        )
    later = ImportBatch.objects.filter(
        survey_round=OuterRef("survey_round"),
        department=OuterRef("department"),
        uploaded_at__gt=OuterRef("uploaded_at"),
        status__in=SENT,
    )
    stopped = list(
        scope.filter(
            ImportBatch.objects.filter(
                uploaded_by=request.user,
                status__in=TO_CORRECT,
                survey_round__status=SurveyRound.Status.OPEN,
            )
        )
        .exclude(Exists(later))
        .select_related("survey_round__municipality")
        .order_by("-uploaded_at")[:50]
    )
    if stopped:
        newest = stopped[0]
        town = newest.survey_round.municipality
        found.append(
            Notification(
                _("Your survey files to correct and send again"),
                len(stopped),
                reverse("survey:import", args=[town.code, newest.survey_round_id, newest.pk]),
                town.name,
                urgent=True,
            )
        )
    return found
