"""Fetch and authorise in one call, so a view cannot forget either.

`request.scope` is attached by the orgs middleware; these helpers only rely on
its `filter()`, `can_manage()` and `can_edit_department()` methods.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from banso.core.types import BansoRequest, M


def scoped(request: BansoRequest, model_or_queryset: type[M] | QuerySet[M]) -> QuerySet[M]:
    queryset = (
        model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager.all()
    )
    return request.scope.filter(queryset)


def get_scoped(request: BansoRequest, model_or_queryset: type[M] | QuerySet[M], **lookup: Any) -> M:
    """The object if the user may read it; 404 otherwise, so another town's ids reveal nothing."""
    return get_object_or_404(scoped(request, model_or_queryset), **lookup)


def require_manage(request: BansoRequest, municipality_id: int) -> None:
    if not request.scope.can_manage(municipality_id):
        raise PermissionDenied


def require_read_all(request: BansoRequest, municipality_id: int) -> None:
    """Whole-plan pages and documents show every department's measures: the DX office, the executives, the
    prefecture and the advisor, not a department's staff."""
    if not request.scope.can_read_all(municipality_id):
        raise PermissionDenied


def require_department_edit(request: BansoRequest, municipality_id: int, department_id: int | None) -> None:
    if not request.scope.can_edit_department(municipality_id, department_id):
        raise PermissionDenied


def id_param(value: Any) -> int | None:
    """A query or form parameter that should be an object id: the number, or None for anything else, so a
    hand-edited URL (?version=abc) finds nothing instead of failing."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 18:  # beyond what a database id can be
        return None
    return int(text)
