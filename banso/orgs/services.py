"""Every write to organisations goes through these functions.

Each validates before writing and runs in a transaction, so a failure leaves
nothing behind; the audit trail is written by the models themselves.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.core.audit import created_in_bulk
from banso.core.fields import nfkc
from banso.core.types import M
from banso.orgs.models import (
    AdvisorAssignment,
    ComprehensivePlanGoal,
    Department,
    Membership,
    Municipality,
    Prefecture,
    Role,
    Section,
    SupportProvider,
    User,
)


def _save(instance: M, *, exclude: Iterable[str] = ()) -> M:
    instance.full_clean(exclude=list(exclude))
    instance.save()
    return instance


# What a municipality's own staff keep; the census figures come from master data.
PROFILE_FIELDS = (
    "staff_count",
    "annual_budget_thousand_yen",
    "main_industries",
    "comprehensive_plan_name",
    "comprehensive_plan_start",
    "comprehensive_plan_end",
    "shares_with_prefecture",
    "second_factor_required",
)


@transaction.atomic
def municipality_update_profile(*, municipality: Municipality, **values: Any) -> Municipality:
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    start = values.get("comprehensive_plan_start", municipality.comprehensive_plan_start)
    end = values.get("comprehensive_plan_end", municipality.comprehensive_plan_end)
    if start and end and end < start:
        raise ValidationError({"comprehensive_plan_end": _("The plan cannot end before it starts.")})
    for key, value in values.items():
        setattr(municipality, key, value)
    return _save(municipality)


def _check_department_name(municipality: Municipality, name: str, *, exclude_pk: int | None = None) -> str:
    name = nfkc(name)
    clash = Department.objects.filter(municipality=municipality, name=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": _(
                    "%(town)s already has a department called “%(name)s”. Choose another name or edit that one."
                )
                % {"town": municipality.name, "name": name}
            }
        )
    return name


@transaction.atomic
def department_create(
    *,
    municipality: Municipality,
    name: str,
    order: int = 0,
    head_name: str = "",
    head_email: str = "",
    is_active: bool = True,
    staff_count: int | None = None,
) -> Department:
    name = _check_department_name(municipality, name)
    return _save(
        Department(
            municipality=municipality,
            name=name,
            order=order,
            head_name=nfkc(head_name),
            head_email=head_email,
            is_active=is_active,
            staff_count=staff_count,
        )
    )


@transaction.atomic
def department_update(*, department: Department, **values: Any) -> Department:
    if "name" in values:
        values["name"] = _check_department_name(department.municipality, values["name"], exclude_pk=department.pk)
    for key, value in values.items():
        setattr(department, key, value)
    return _save(department)


@transaction.atomic
def section_create(*, department: Department, name: str, order: int = 0) -> Section:
    name = nfkc(name)
    if Section.objects.filter(department=department, name=name).exists():
        raise ValidationError(
            {
                "name": _("%(department)s already has a section called “%(name)s”.")
                % {"department": department.name, "name": name}
            }
        )
    return _save(Section(department=department, name=name, order=order))


@transaction.atomic
def sections_add_missing(named: Iterable[tuple[Department, str]]) -> list[Section]:
    """The 係 among (department, name) that their departments lack, created together (an import naming a dozen
    new 係 writes them in two statements, not two dozen). Returns the sections made."""
    wanted = {(department, nfkc(name)) for department, name in named}
    known = set(
        Section.objects.filter(department__in={d.pk for d, _name in wanted}).values_list("department_id", "name")
    )
    made = [
        Section(department=department, name=name)
        for department, name in sorted(wanted, key=lambda pair: (pair[0].pk, pair[1]))
        if (department.pk, name) not in known
    ]
    for section in made:
        # The names were checked just above, and the departments were read from the database by the caller.
        section.full_clean(exclude=["department"], validate_unique=False, validate_constraints=False)
    created_in_bulk(Section.objects.bulk_create(made))
    return made


@transaction.atomic
def plan_goal_save(
    *,
    municipality: Municipality,
    goal: ComprehensivePlanGoal | None = None,
    number: str,
    title: str,
    description: str = "",
) -> ComprehensivePlanGoal:
    number = nfkc(number)
    goal = goal or ComprehensivePlanGoal(municipality=municipality)
    clash = ComprehensivePlanGoal.objects.filter(municipality=municipality, number=number).exclude(pk=goal.pk)
    if clash.exists():
        raise ValidationError({"number": _("Goal number %(number)s is already used.") % {"number": number}})
    goal.number, goal.title, goal.description = number, nfkc(title), description.strip()
    return _save(goal)


@transaction.atomic
def plan_goal_delete(*, goal: ComprehensivePlanGoal) -> None:
    goal.delete()


@transaction.atomic
def provider_create(*, name: str, **values: Any) -> SupportProvider:
    name = nfkc(name)
    if SupportProvider.objects.filter(name=name).exists():
        raise ValidationError({"name": _("A support provider called “%(name)s” already exists.") % {"name": name}})
    return _save(SupportProvider(name=name, **values))


@transaction.atomic
def membership_grant(
    *,
    user: User,
    role: str,
    municipality: Municipality | None = None,
    department: Department | None = None,
    prefecture: Prefecture | None = None,
    provider: SupportProvider | None = None,
    title: str = "",
) -> Membership:
    if department is not None and municipality is None:
        municipality = department.municipality
    if department is not None and municipality is not None and department.municipality_id != municipality.pk:
        raise ValidationError({"department": _("The department belongs to another municipality.")})
    membership = Membership(
        user=user,
        role=role,
        municipality=municipality,
        department=department,
        prefecture=prefecture,
        provider=provider,
        title=title,
    )
    return _save(membership)


@transaction.atomic
def assignment_create(
    *,
    advisor: User,
    provider: SupportProvider,
    municipality: Municipality,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    time_share_percent: int | None = None,
) -> AdvisorAssignment:
    if not Membership.objects.filter(user=advisor, role=Role.ADVISOR, provider=provider, is_active=True).exists():
        raise ValidationError(
            {
                "advisor": _("%(person)s is not an advisor of %(provider)s.")
                % {"person": advisor, "provider": provider}
            }
        )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("An assignment cannot end before it starts.")})
    assignment = AdvisorAssignment(
        advisor=advisor,
        provider=provider,
        municipality=municipality,
        title=nfkc(title),
        starts_on=starts_on,
        ends_on=ends_on,
        time_share_percent=time_share_percent,
    )
    return _save(assignment)
