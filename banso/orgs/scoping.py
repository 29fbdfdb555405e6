"""The one place that decides what a user may see and change.

Every view, command and API reads domain data through `Scope.filter()` or
`core.access.get_scoped()`. Nothing is visible unless a grant below says so.

Grants per municipality:

- DX staff: everything in their municipality, and may manage it.
- department staff: municipality-wide reference data (profile, departments)
  read-only, and department-owned data only for their own department, which
  they may edit.
- executives (首長・CIO): everything in their municipality, read-only.
- prefecture staff: read-only, for municipalities of their prefecture that
  chose to share with it.
- advisors: read-only (plus their own support records, later), for the
  municipalities they are assigned to, on the days of the assignment.

A model takes part by naming the path to its municipality
(`scope_municipality_path`) and, if it belongs to a department, the path to
that department (`scope_department_path`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from banso.core.types import M
from banso.orgs.models import AdvisorAssignment, Membership, Municipality, Role


@dataclass
class Grant:
    """What one user may do in one municipality; several roles merge into one grant."""

    municipality_id: int
    roles: set[str] = field(default_factory=set)
    manage: bool = False
    # Read data owned by any department; without it, only `departments`.
    read_all: bool = False
    # Departments whose own data this user may read and edit.
    departments: set[int] = field(default_factory=set)

    def merge(self, other: Grant) -> None:
        self.roles |= other.roles
        self.manage |= other.manage
        self.read_all |= other.read_all
        self.departments |= other.departments


@dataclass
class Scope:
    user_id: int | None
    grants: dict[int, Grant]
    prefecture_ids: set[int]
    provider_ids: set[int]
    on: dt.date
    # A command run by the installation's operator (`banso cases search`): it reads what is shared with
    # every member even without a grant.
    operator: bool = False

    # -- what exists --------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return not (self.grants or self.prefecture_ids or self.provider_ids or self.operator)

    @property
    def municipality_ids(self) -> set[int]:
        return set(self.grants)

    def roles(self) -> set[str]:
        roles = {r for g in self.grants.values() for r in g.roles}
        if self.prefecture_ids:
            roles.add(Role.PREFECTURE_STAFF)
        if self.provider_ids:
            roles.add(Role.ADVISOR)
        return roles

    def municipalities(self) -> QuerySet[Municipality]:
        return Municipality.objects.filter(pk__in=self.grants).select_related("prefecture")

    # -- reading --------------------------------------------------------------
    def filter(self, queryset: QuerySet[M]) -> QuerySet[M]:
        """Only the rows of `queryset` this scope may read."""
        model = queryset.model
        muni_path = getattr(model, "scope_municipality_path", None)
        if muni_path is None:
            raise TypeError(f"{model.__name__} does not declare scope_municipality_path")
        dept_path = getattr(model, "scope_department_path", None)
        # Some rows are shared beyond their municipality (the published case library): the model says
        # which, as a condition on this scope. A user with no membership at all still sees nothing.
        shared = getattr(model, "scope_shared_condition", None)
        if self.is_empty or (not self.grants and shared is None):
            return queryset.none()
        if dept_path is None:
            condition = Q(**{f"{muni_path}__in": list(self.grants)})
        else:
            whole = [m for m, g in self.grants.items() if g.read_all]
            dept_ids = {d for g in self.grants.values() if not g.read_all for d in g.departments}
            condition = Q(**{f"{muni_path}__in": whole}) | Q(**{f"{dept_path}__in": list(dept_ids)})
        if shared is not None:
            condition |= shared(self)
        return queryset.filter(condition)

    def can_view(self, municipality_id: int | None) -> bool:
        return municipality_id in self.grants

    def can_read_department(self, municipality_id: int | None, department_id: int) -> bool:
        """May read what a department owns: any department with read_all, otherwise only one's own (ADR 2)."""
        grant = self.grants.get(municipality_id) if municipality_id is not None else None
        return grant is not None and (grant.read_all or department_id in grant.departments)

    def can_read_all(self, municipality_id: int | None) -> bool:
        """May read data of every department (town-wide analyses), not only their own."""
        grant = self.grants.get(municipality_id) if municipality_id is not None else None
        return grant is not None and grant.read_all

    # -- writing --------------------------------------------------------------
    def can_manage(self, municipality_id: int | None) -> bool:
        """May change municipality-wide data (profile, departments, members)."""
        grant = self.grants.get(municipality_id) if municipality_id is not None else None
        return grant is not None and grant.manage

    def can_edit_department(self, municipality_id: int | None, department_id: int | None) -> bool:
        """May change data owned by this department (its survey answers, its measures' progress)."""
        grant = self.grants.get(municipality_id) if municipality_id is not None else None
        return grant is not None and (grant.manage or department_id in grant.departments)

    def editable_department_ids(self, municipality_id: int) -> set[int] | None:
        """None means every department."""
        grant = self.grants.get(municipality_id)
        if grant is None:
            return set()
        return None if grant.manage else set(grant.departments)

    def editable_condition(self, municipality_path: str, department_path: str) -> Q | None:
        """Rows the user may edit in every town they work in — all of a town they manage, their departments'
        elsewhere — as one condition (a fixed number of queries however many towns); None when there are none."""
        condition, any_town = Q(pk__in=[]), False
        for municipality_id in self.grants:
            departments = self.editable_department_ids(municipality_id)
            if departments is None:
                condition |= Q(**{municipality_path: municipality_id})
            elif departments:
                condition |= Q(**{municipality_path: municipality_id, f"{department_path}__in": departments})
            else:
                continue
            any_town = True
        return condition if any_town else None


def _add(grants: dict[int, Grant], grant: Grant) -> None:
    if grant.municipality_id in grants:
        grants[grant.municipality_id].merge(grant)
    else:
        grants[grant.municipality_id] = grant


def scope_for(user: Any, on: dt.date | None = None) -> Scope:
    """Compute a user's scope on a date (today by default). Three queries at most."""
    on = on or timezone.localdate()
    empty = Scope(user_id=None, grants={}, prefecture_ids=set(), provider_ids=set(), on=on)
    if user is None or not user.is_authenticated or not user.is_active:
        return empty
    scope = Scope(user_id=user.pk, grants={}, prefecture_ids=set(), provider_ids=set(), on=on)
    memberships = Membership.objects.filter(user=user, is_active=True).values_list(
        "role", "municipality_id", "department_id", "prefecture_id", "provider_id"
    )
    for role, muni_id, dept_id, pref_id, provider_id in memberships:
        if role == Role.DX_STAFF:
            _add(scope.grants, Grant(muni_id, {role}, manage=True, read_all=True))
        elif role == Role.EXECUTIVE:
            _add(scope.grants, Grant(muni_id, {role}, read_all=True))
        elif role == Role.DEPARTMENT_STAFF:
            _add(scope.grants, Grant(muni_id, {role}, departments={dept_id}))
        elif role == Role.PREFECTURE_STAFF:
            scope.prefecture_ids.add(pref_id)
        elif role == Role.ADVISOR:
            scope.provider_ids.add(provider_id)
    if scope.prefecture_ids:
        shared = Municipality.objects.filter(prefecture_id__in=scope.prefecture_ids, shares_with_prefecture=True)
        for muni_id in shared.values_list("pk", flat=True):
            _add(scope.grants, Grant(muni_id, {Role.PREFECTURE_STAFF}, read_all=True))
    if scope.provider_ids:
        assigned = AdvisorAssignment.objects.current(on).filter(advisor=user, provider_id__in=scope.provider_ids)
        for muni_id in assigned.values_list("municipality_id", flat=True):
            _add(scope.grants, Grant(muni_id, {Role.ADVISOR}, read_all=True))
    return scope


def operator_scope(municipality_ids: Iterable[int] = ()) -> Scope:
    """What a command of the operator reads: the named municipalities whole (as their executives do) and
    whatever is shared with every member."""
    grants = {m: Grant(m, {Role.EXECUTIVE}, read_all=True) for m in municipality_ids}
    return Scope(None, grants, set(), set(), timezone.localdate(), operator=True)
