"""Hand-edited query strings never reach a traceback: every page, every list parameter, hostile values."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from banso.testing import client_for
from tests.test_url_walk import ROUTES, documents_unrendered  # noqa: F401  (the fixture, used by name)

# Every query parameter a view reads (grep request.GET), and a few a user might guess.
PARAMETERS = [
    "page", "q", "year", "as_of", "a", "b", "version", "plan", "measure", "challenge", "session", "poll",
    "joint", "export", "format", "fmt", "code", "theme", "band", "tag", "prefecture", "funding", "policy",
    "department", "priority", "status", "period", "kpi", "round", "next", "sort",
]  # fmt: skip
HOSTILE = [
    "99999999999999999999999",
    "-1",
    "0",
    "1.5e308",
    "１２３",
    "abc",
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00\x00",
    "x" * 5000,
    "2026-02-30",
    "[]",
]
PAGES = sorted(name for name, r in ROUTES.items() if r.method == "get" and "town_staff" in r.allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_hostile_query_parameters_give_a_page_or_a_404_never_an_error(name, documents_unrendered):  # noqa: F811
    route = ROUTES[name]
    client = client_for("town_staff")
    url = reverse(name, kwargs=route.kwargs("own"))
    for value in HOSTILE:
        response = client.get(f"{url}?{urlencode({p: value for p in PARAMETERS})}")
        assert response.status_code in (200, 302, 400, 404), (value[:30], response.status_code)
        if response.status_code in (400, 404) and response.get("Content-Type", "").startswith("text/html"):
            assert "<html" in response.content.decode()[:500]  # Banso's own page, not a bare server error
