from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page frame needs: the user's scope summary and whether this is sample data.

    Lazy and computed once per request: home-page panels render partial templates with the request, and each
    would otherwise query the user's municipalities again without ever showing the frame.
    """
    scope = getattr(request, "scope", None)
    if scope is None or not request.user.is_authenticated:
        return {"debug": settings.DEBUG}

    def is_sample() -> bool:
        found: bool | None = getattr(request, "_banso_is_sample", None)
        if found is None:
            municipalities = scope.municipalities() if scope.grants else []
            found = any(m.is_sample for m in municipalities)
            request._banso_is_sample = found  # type: ignore[attr-defined]
        return found

    return {"debug": settings.DEBUG, "shell_roles": scope.roles(), "shell_is_sample": SimpleLazyObject(is_sample)}
