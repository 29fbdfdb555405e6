"""Small helpers for pages that work without JavaScript and update in place with htmx."""

from django.shortcuts import render


def render_partial(request, template_name: str, partial: str, context: dict):
    """Render the whole page, or only one named block when htmx asks for it.

    Partials live in `templates/<app>/partials/<partial>.html` and are included
    by the page, so both paths render the same markup.
    """
    if getattr(request, "htmx", False):
        return render(request, partial, context)
    return render(request, template_name, context)
