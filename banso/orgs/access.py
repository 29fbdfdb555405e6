"""The municipality a page is about, fetched through the user's scope (404 for one they may not see)."""

from banso.core.access import get_scoped
from banso.core.types import BansoRequest
from banso.orgs.models import Municipality


def municipality_for(request: BansoRequest, code: str) -> Municipality:
    return get_scoped(request, Municipality, code=code)
