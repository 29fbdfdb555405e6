from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

from banso.core.audit import acting_as


class AuditActorMiddleware:
    """Attribute every change made while serving a request to the signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        with acting_as(user, label=user.get_username() if user else "anonymous"):
            return self.get_response(request)


class RefuseNulCharactersMiddleware:
    """A NUL character in a query parameter is a hand-made address (no form or link writes one): refuse it with 400
    before any view passes it to the database, where PostgreSQL would fail on it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            raise BadRequest("NUL character in the query string")
        return self.get_response(request)
