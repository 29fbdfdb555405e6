"""The address a request came from, as the lockout counts it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind BANSO_PROXY_COUNT proxies the address the first of them was reached from.

    Only the entries the trusted proxies appended are read (from the right), so a client cannot choose its own
    address by sending an X-Forwarded-For header.
    """
    proxies = settings.BANSO_PROXY_COUNT
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not proxies:
        return remote
    forwarded = [part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")]
    forwarded = [part for part in forwarded if part]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote
