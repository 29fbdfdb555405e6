import datetime as dt

import pytest
from django.db import IntegrityError

from banso.core.fiscal import FiscalYear
from banso.orgs.models import AdvisorAssignment, Department, Membership, Municipality, Role, User
from banso.orgs.scoping import scope_for


def user(name):
    return User.objects.get(username=name)


def test_it_limits_department_staff_to_their_department_for_department_data(town, department):
    scope = scope_for(user("dept-staff"))
    assert scope.can_view(town.pk)
    assert not scope.can_manage(town.pk)
    assert scope.can_edit_department(town.pk, department.pk)
    other = Department.objects.filter(municipality=town).exclude(pk=department.pk).first()
    assert not scope.can_edit_department(town.pk, other.pk)
    assert scope.editable_department_ids(town.pk) == {department.pk}


def test_it_gives_executives_read_only_access(town):
    scope = scope_for(user("mayor"))
    assert scope.can_view(town.pk)
    assert not scope.can_manage(town.pk)
    assert not scope.can_edit_department(town.pk, None)


def test_it_shows_the_prefecture_only_towns_that_opted_in(town, hidden_town):
    scope = scope_for(user("pref-staff"))
    assert scope.can_view(town.pk)
    assert not scope.can_view(hidden_town.pk)
    Municipality.objects.filter(pk=hidden_town.pk).update(shares_with_prefecture=True)
    assert scope_for(user("pref-staff")).can_view(hidden_town.pk)
    Municipality.objects.filter(pk=town.pk).update(shares_with_prefecture=False)
    assert not scope_for(user("pref-staff")).can_view(town.pk)


def test_it_opens_and_closes_an_advisors_access_with_the_assignment(town):
    assignment = AdvisorAssignment.objects.get(advisor__username="advisor", municipality=town)
    advisor = user("advisor")
    assert scope_for(advisor, on=assignment.starts_on).can_view(town.pk)
    assert scope_for(advisor, on=assignment.ends_on).can_view(town.pk)
    assert not scope_for(advisor, on=assignment.starts_on - dt.timedelta(days=1)).can_view(town.pk)
    assert not scope_for(advisor, on=assignment.ends_on + dt.timedelta(days=1)).can_view(town.pk)
    assert not scope_for(advisor).can_manage(town.pk)


def test_it_ends_access_when_the_advisor_leaves_the_provider(town):
    Membership.objects.filter(user__username="advisor").update(is_active=False)
    assert not scope_for(user("advisor")).can_view(town.pk)


def test_it_sees_nothing_without_membership(town):
    scope = scope_for(user("no-membership"))
    assert scope.is_empty
    assert not scope.filter(Municipality.objects.all()).exists()


def test_it_merges_roles_in_one_town(town, department):
    mayor = user("mayor")
    Membership.objects.create(user=mayor, role=Role.DEPARTMENT_STAFF, municipality=town, department=department)
    scope = scope_for(mayor)
    grant = scope.grants[town.pk]
    assert grant.read_all
    assert department.pk in grant.departments
    assert not scope.can_manage(town.pk)


def test_it_refuses_a_membership_whose_fields_do_not_match_its_role(town):
    with pytest.raises(IntegrityError):
        Membership.objects.create(user=user("mayor"), role=Role.PREFECTURE_STAFF, municipality=town)


def test_it_refuses_an_assignment_that_ends_before_it_starts(town):
    from django.core.exceptions import ValidationError

    from banso.orgs.services import assignment_create

    fy = FiscalYear.current()
    advisor = user("advisor")
    provider = Membership.objects.get(user=advisor).provider
    count = AdvisorAssignment.objects.count()
    with pytest.raises(ValidationError):
        assignment_create(
            advisor=advisor,
            provider=provider,
            municipality=town,
            title="DX推進アドバイザー",
            starts_on=fy.end,
            ends_on=fy.start,
        )
    with pytest.raises(ValidationError):
        assignment_create(
            advisor=user("mayor"),
            provider=provider,
            municipality=town,
            title="x",
            starts_on=fy.start,
            ends_on=fy.end,
        )
    assert AdvisorAssignment.objects.count() == count
