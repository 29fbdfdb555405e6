"""Small worlds for focused tests, beside the shared sample world: each function builds only what a test names,
through the same services a user's action goes through, in a prefecture of its own (number 98, unused by Japan
and by the demo's 99) so nothing the sample world holds can make a focused test pass or fail."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from banso.orgs import services as org_services
from banso.orgs.codes import check_digit
from banso.orgs.models import Department, Municipality, Prefecture, Role, User
from banso.plans import services as plan_services
from banso.plans.models import KPI, Measure, Plan
from banso.tracking import services as tracking_services
from banso.tracking.models import ReportingPeriod

_numbers = itertools.count(100)


def prefecture() -> Prefecture:
    found, _created = Prefecture.objects.get_or_create(
        number=98, defaults={"code": f"98000{check_digit('98000')}", "name": "試験県", "is_sample": True}
    )
    return found


def municipality(name: str = "", **fields: Any) -> Municipality:
    five = f"98{next(_numbers):03d}"
    return Municipality.objects.create(
        code=f"{five}{check_digit(five)}",
        prefecture=prefecture(),
        name=name or f"試験町{five[2:]}",
        kind=Municipality.Kind.TOWN,
        is_sample=True,
        **fields,
    )


def department(town: Municipality, name: str = "総務課", **fields: Any) -> Department:
    return org_services.department_create(municipality=town, name=name, **fields)


def person(username: str, role: str, town: Municipality, dept: Department | None = None, email: str = "") -> User:
    user = User.objects.create_user(username, email=email or f"{username}@example.jp", display_name=username)
    org_services.membership_grant(user=user, role=role, municipality=town, department=dept)
    return user


def department_staff(town: Municipality, dept: Department, username: str = "") -> User:
    return person(username or f"staff{next(_numbers)}", Role.DEPARTMENT_STAFF, town, dept)


def plan(town: Municipality, start_year: int = 2025, end_year: int = 2029, title: str = "DX推進計画") -> Plan:
    return plan_services.plan_save(municipality=town, title=title, start_year=start_year, end_year=end_year)


def measure(
    of: Plan,
    owner: Department,
    number: str = "1-1",
    status: str = Measure.Status.IN_PROGRESS,
    created: dt.datetime | None = None,
    **fields: Any,
) -> Measure:
    """A measure in a status (set as the data, not moved through its transitions) and, if given, written on
    that day: deadlines depend on when a measure came into the plan."""
    made = plan_services.measure_save(
        plan=of, number=number, title=fields.pop("title", f"施策{number}"), owner=owner, **fields
    )
    changes: dict[str, Any] = {"status": status}
    if created is not None:
        changes["created_at"] = created
    Measure.objects.filter(pk=made.pk).update(**changes)
    made.refresh_from_db()
    return made


def kpi(
    of: Measure, name: str = "件数", unit: str = "件", targets: dict[int, str] | None = None, **fields: Any
) -> KPI:
    values = {year: Decimal(v) for year, v in (targets or {of.plan.end_year: "100"}).items()}
    return plan_services.kpi_save(measure=of, name=name, unit=unit, targets=values, **fields)


def period(
    town: Municipality, starts_on: dt.date, ends_on: dt.date, due_on: dt.date, label: str = ""
) -> ReportingPeriod:
    return tracking_services.period_save(
        municipality=town,
        label=label or f"{starts_on:%Y年%-m月}",
        starts_on=starts_on,
        ends_on=ends_on,
        due_on=due_on,
    )
