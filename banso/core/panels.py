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


def register(panel: Panel) -> Panel:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def render_for(request: HttpRequest, municipality: Any, grant: Any) -> list[str]:
    return [html for panel in _panels if (html := panel(request, municipality, grant))]
