"""Reads shared by views, commands and reports. All take a scope first."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from banso.core.types import Scope
from banso.orgs.models import AdvisorAssignment, Department, Membership, Municipality, Section, User


def visible_municipalities(scope: Scope) -> QuerySet[Municipality]:
    return (
        scope.filter(Municipality.objects.all())
        .select_related("prefecture")
        .annotate(
            department_count=Count("departments", filter=Q(departments__is_active=True), distinct=True),
            goal_count=Count("plan_goals", distinct=True),
            member_count=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
        )
        .order_by("code")
    )


def departments_of(scope: Scope, municipality: Municipality) -> QuerySet[Department]:
    sections = Prefetch("sections", queryset=Section.objects.order_by("order", "name"))
    return (
        scope.filter(Department.objects.filter(municipality=municipality))
        .prefetch_related(sections)
        .annotate(member_count=Count("memberships", distinct=True))
    )


def members_of(scope: Scope, municipality: Municipality) -> QuerySet[Membership]:
    return (
        scope.filter(Membership.objects.filter(municipality=municipality, is_active=True))
        .select_related("user", "department")
        .order_by("role", "department__order", "user__display_name")
    )


def assignments_for_advisor(user: User | Any) -> QuerySet[AdvisorAssignment]:
    """All of an advisor's assignments, current first: the advisor's own record, not scoped data."""
    return (
        AdvisorAssignment.objects.filter(advisor=user)
        .select_related("municipality__prefecture", "provider")
        .order_by("-ends_on")
    )


def prefecture_overview(prefecture_ids: Iterable[int]) -> QuerySet[Municipality]:
    """Every local government of the prefectures, with whether it shares with the prefecture.

    Not scoped on purpose: names and census figures are public master data, and
    the prefecture must see who has not yet chosen to share.
    """
    return (
        Municipality.objects.local_governments()
        .filter(prefecture_id__in=prefecture_ids)
        .select_related("prefecture")
        .order_by("code")
    )


def scoped_assignments(scope: Scope, municipality: Municipality | None = None) -> QuerySet[AdvisorAssignment]:
    queryset = AdvisorAssignment.objects.select_related("advisor", "provider", "municipality")
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    return scope.filter(queryset).order_by("-ends_on")
