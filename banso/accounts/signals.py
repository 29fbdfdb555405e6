"""What a new session starts with: when it began, and whether a second factor is still to come."""

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from banso.accounts import selectors, sessions


@receiver(user_logged_in, dispatch_uid="banso.accounts.session_start")
def session_start(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[sessions.SIGNED_IN_AT] = now
    request.session[sessions.LAST_SEEN] = now
    # Decided once here, so that no page pays a query to know it.
    if selectors.confirmed_device(user) is not None:
        request.session[sessions.SECOND_FACTOR] = sessions.VERIFY
    elif selectors.second_factor_required(user):
        request.session[sessions.SECOND_FACTOR] = sessions.SETUP
    else:
        request.session.pop(sessions.SECOND_FACTOR, None)
