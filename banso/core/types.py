"""Types shared by the apps: the request as Banso's middleware leaves it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

M = TypeVar("M", bound=Model)


class Scope(Protocol):
    """What `core` needs of the user's scope (the orgs app's `Scope` provides it)."""

    grants: Any
    is_empty: bool
    prefecture_ids: Any
    on: dt.date

    def filter(self, queryset: QuerySet[M]) -> QuerySet[M]: ...

    def can_manage(self, municipality_id: int) -> bool: ...

    def can_read_all(self, municipality_id: int) -> bool: ...

    def can_edit_department(self, municipality_id: int, department_id: int | None) -> bool: ...

    def roles(self) -> Any: ...

    def municipalities(self) -> Any: ...


if TYPE_CHECKING:

    class BansoRequest(HttpRequest):
        scope: Scope
        htmx: Any

else:
    BansoRequest = HttpRequest
