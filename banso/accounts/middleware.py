import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _

from banso.accounts import sessions

# Pages a user may open between the password and the second factor: entering the code of the device they have,
# or setting one up where it is required and they have none (never a new device in place of one they have).
BEFORE_SECOND_FACTOR = {
    sessions.VERIFY: {"second_factor_verify", "logout", "set_language"},
    sessions.SETUP: {"second_factor_setup", "logout", "set_language"},
}


class SessionLimitsMiddleware:
    """End a session idle longer than SESSION_IDLE_SECONDS or older than SESSION_MAX_SECONDS.

    The request then goes on as anonymous: a page that needs a login sends the user to it, with a message.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        session, now = request.session, int(time.time())
        signed_in_at = session.get(sessions.SIGNED_IN_AT)
        last_seen = session.get(sessions.LAST_SEEN)
        if signed_in_at is None or last_seen is None:  # a session from before these limits: they start now
            session[sessions.SIGNED_IN_AT] = session[sessions.LAST_SEEN] = now
            return
        if now - last_seen > settings.SESSION_IDLE_SECONDS:
            logout(request)
            messages.info(
                request,
                _("You were signed out after %(minutes)s minutes without activity. Sign in again to go on.")
                % {"minutes": settings.SESSION_IDLE_SECONDS // 60},
            )
        elif now - signed_in_at > settings.SESSION_MAX_SECONDS:
            logout(request)
            messages.info(
                request,
                _("You were signed out %(hours)s hours after signing in. Sign in again to go on.")
                % {"hours": settings.SESSION_MAX_SECONDS // 3600},
            )
        elif now - last_seen >= sessions.LAST_SEEN_RESOLUTION_SECONDS:
            session[sessions.LAST_SEEN] = now


class SecondFactorMiddleware(MiddlewareMixin):
    """Until the second factor is entered (or set up, where it is required) only its own pages open."""

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        step = request.session.get(sessions.SECOND_FACTOR) if request.user.is_authenticated else None
        if not step:
            return None
        match = request.resolver_match
        # The back office marks its views public (it has its own sign-in page), yet it is the last place to skip.
        in_back_office = match is not None and match.namespace == "admin"
        if not getattr(view_func, "login_required", True) and not in_back_office:
            return None
        if match is not None and match.url_name in BEFORE_SECOND_FACTOR.get(step, set()):
            return None
        target = "accounts:second_factor_verify" if step == sessions.VERIFY else "accounts:second_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
