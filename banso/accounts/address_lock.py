"""Sign-in failures counted per address, with a limit of their own.

django-axes locks an account after a few wrong passwords. Many staff of a town hall reach Banso through one
address (the office's NAT or LGWAN gateway), so the address gets a far higher limit, counted here: enough wrong
passwords from one address in a quarter of an hour (guessing across many accounts) pause sign-in from it, while
one person's typos never lock out the whole office.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

from banso.accounts.lockout import locked_out
from banso.accounts.network import client_address
from banso.core.ratelimit import count

SIGN_IN_PAGES = {"login", "admin:login"}


def _key(address: str) -> str:
    # The quarter of an hour starts at the address's first failure, not on the clock's quarter: a fixed clock
    # window would let a guesser spend twice the limit across its boundary.
    return f"signin-failures:{address}"


@receiver(user_login_failed, dispatch_uid="banso.accounts.count_address_failure")
def count_failure(sender: Any, credentials: Any = None, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is None:
        return
    count(_key(client_address(request)), timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))


def address_locked(request: HttpRequest) -> bool:
    return int(cache.get(_key(client_address(request))) or 0) >= settings.BANSO_SIGNIN_ADDRESS_LIMIT


class AddressLockMiddleware(MiddlewareMixin):
    """Answers a sign-in from a paused address with the lockout page, before the password is checked."""

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if request.method == "POST" and name in SIGN_IN_PAGES and address_locked(request):
            return locked_out(request, address=True)
        return None
