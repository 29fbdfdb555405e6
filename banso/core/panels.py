"""Home-page panels contributed by capabilities.

The home page belongs to orgs, but what is waiting for a user comes from the
capabilities built on top of it. Each registers a function here (in its
AppConfig.ready) that returns the HTML of its panel for one municipality, or
"" when it has nothing to say; dependencies keep pointing one way.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

Panel = Callable[..., str]
_panels: list[Panel] = []
# Overviews speak of many towns at once (those a prefecture or an advisor follows), in a fixed number of queries
# whatever their number: a function of (request, municipalities) returning HTML.
_overviews: list[Panel] = []


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def render_for(request: HttpRequest, municipality: Any, grant: Any) -> list[str]:
    return [html for panel in _panels if (html := panel(request, municipality, grant))]


def register_overview(overview: Panel) -> Panel:
    if overview not in _overviews:
        _overviews.append(overview)
    return overview


def overviews_for(request: HttpRequest, municipalities: list[Any]) -> list[str]:
    if not municipalities:
        return []
    return [html for overview in _overviews if (html := overview(request, municipalities))]
