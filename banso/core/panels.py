"""Home-page panels contributed by capabilities.

The home page belongs to orgs, but what is waiting for a user comes from the
capabilities built on top of it. Each registers a function here (in its
AppConfig.ready) that returns the HTML of its panel for one municipality, or
"" when it has nothing to say; dependencies keep pointing one way.
"""

from collections.abc import Callable

_panels: list[Callable] = []


def register(panel: Callable) -> Callable:
    if panel not in _panels:
        _panels.append(panel)
    return panel


def render_for(request, municipality, grant) -> list[str]:
    return [html for panel in _panels if (html := panel(request, municipality, grant))]
