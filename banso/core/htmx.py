"""Small helpers for pages that work without JavaScript and update in place with htmx."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_partial(
    request: HttpRequest, template_name: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """Render the whole page, or only one named block when htmx asks for it.

    Partials live in `templates/<app>/partials/<partial>.html` and are included
    by the page, so both paths render the same markup.
    """
    if getattr(request, "htmx", False):
        return render(request, partial, context)
    return render(request, template_name, context)
