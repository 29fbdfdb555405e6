"""事例ライブラリ's notifications (core.notifications): cases waiting for this reader's review (prefecture staff,
advisors). One query."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from banso.cases.selectors import cases_to_review
from banso.core.notifications import Notification


def cases_notifications(request) -> list[Notification]:
    waiting = cases_to_review(request.scope)
    if not waiting:
        return []
    url = reverse("cases:case", args=[waiting[0].pk]) if len(waiting) == 1 else reverse("cases:library")
    return [Notification(_("Cases waiting for your review"), len(waiting), url)]
