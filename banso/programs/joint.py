"""共同目標: goals a prefecture sets with its towns, a target for each year-end, each town reporting its own value.

Writes (`joint_goal_save`, `joint_value_save`) check what a plan's KPI would: numbers as written with their unit,
a share between 0 and 100%; a milestone is reached (達成) or not. The table (`joint_table`) reads every goal, target
and value of the towns a user may see in a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.core.fields import nfkc, typed
from banso.core.fiscal import FiscalYear
from banso.plans.models import KPI
from banso.plans.values import parse_amount
from banso.programs.models import JointGoal, JointGoalTarget, JointGoalValue

REACHED = {"達成", "○", "◯", "済", "はい", "1"}
NOT_REACHED = {"未達成", "×", "未", "いいえ", "0"}


def _amount(goal_kind: str, unit: str, written: Any, field_name: str) -> tuple[Decimal | None, str]:
    if goal_kind == KPI.Kind.MILESTONE:
        return None, typed(str(written or ""))
    try:
        value = parse_amount(written, unit or ("%" if goal_kind == KPI.Kind.SHARE else ""))
    except ValidationError as err:
        raise ValidationError({field_name: err.messages[0]}) from err
    if goal_kind == KPI.Kind.SHARE and not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(
            {
                field_name: _("A share is between 0 and 100%%: %(value)s cannot be one.")
                % {"value": f"{value.normalize():f}"}
            }
        )
    return value, typed(written) if isinstance(written, str) else ""


@transaction.atomic
def joint_goal_save(
    *,
    programme,
    goal=None,
    number: str,
    name: str,
    kind=KPI.Kind.NUMBER,
    unit="",
    direction=KPI.Direction.UP,
    targets: dict,
) -> JointGoal:
    """A joint goal with a target for each year-end it names (「20件」「85%」, or a milestone's words)."""
    number = nfkc(number)
    if not targets:
        raise ValidationError({"targets": _("Enter at least one target with its fiscal year.")})
    if programme.joint_goals.filter(number=number).exclude(pk=getattr(goal, "pk", None)).exists():
        raise ValidationError(
            {"number": _("Goal %(number)s already exists in this programme.") % {"number": number}}
        )
    rows = {int(year): _amount(kind, nfkc(unit), value, "targets") for year, value in targets.items()}
    goal = goal or JointGoal(programme=programme)
    goal.number, goal.name, goal.kind, goal.unit, goal.direction = number, typed(name), kind, nfkc(unit), direction
    goal.full_clean()
    goal.save()
    goal.targets.exclude(fiscal_year__in=list(rows)).delete()
    for year, (value, text) in rows.items():
        JointGoalTarget.objects.update_or_create(
            goal=goal, fiscal_year=year, defaults={"value": value, "text": text}
        )
    return goal


@transaction.atomic
def joint_value_save(*, goal, municipality, fiscal_year: int, written: Any, user=None) -> JointGoalValue:
    """A town's own value for a year-end the goal has a target for; a milestone is 達成 or 未達成."""
    if not goal.programme.participants.filter(municipality=municipality).exists():
        raise ValidationError(_("%(town)s does not take part in this programme.") % {"town": municipality.name})
    if not goal.targets.filter(fiscal_year=fiscal_year).exists():
        raise ValidationError(
            {
                "fiscal_year": _("Goal %(number)s has no target for %(year)s.")
                % {"number": goal.number, "year": FiscalYear(fiscal_year)}
            }
        )
    if goal.kind == KPI.Kind.MILESTONE:
        answer = nfkc(str(written or "")).strip()
        if answer not in REACHED | NOT_REACHED:
            raise ValidationError({"value": _("Write 達成 or 未達成.")})
        value, text = Decimal(1 if answer in REACHED else 0), answer
    else:
        found, text = _amount(goal.kind, goal.unit, written, "value")
        value = found if found is not None else Decimal(0)
    row, _created = JointGoalValue.objects.update_or_create(
        goal=goal,
        municipality=municipality,
        fiscal_year=fiscal_year,
        defaults={"value": value, "text": text, "reported_by": user},
    )
    return row


@dataclass
class Cell:
    written: str
    met: bool | None  # against that year's target; None where there is no value yet


@dataclass
class GoalRow:
    goal: JointGoal
    years: list[int]
    targets: list[str]  # the target of each year, in the order of `years`
    towns: list[tuple[Any, list[Cell | None]]] = field(default_factory=list)  # (municipality, a cell per year)

    @property
    def columns(self) -> list[tuple[int, str]]:
        return list(zip(self.years, self.targets, strict=True))


def _met(goal: JointGoal, target: JointGoalTarget, value: JointGoalValue) -> bool:
    if goal.kind == KPI.Kind.MILESTONE:
        return value.value >= 1
    assert target.value is not None  # noqa: S101 - a number target for a number goal (joint_goal_save)
    return value.value >= target.value if goal.direction == KPI.Direction.UP else value.value <= target.value


def joint_export_table(rows: list[GoalRow]):
    """The joint goals as a list: a row per town, goal and year-end, with the town's code first (open data)."""
    from banso.core.xlsx import Table

    lines = []
    for row in rows:
        for town, cells in row.towns:
            for (year, target), cell in zip(row.columns, cells, strict=True):
                lines.append(
                    [
                        town.code,
                        town.name,
                        row.goal.number,
                        row.goal.name,
                        FiscalYear(year).era_label,
                        target,
                        cell.written if cell else "",
                        ("達成" if cell.met else "未達") if cell else "",
                    ]
                )
    headers = ["団体コード", "団体名", "目標番号", "目標", "年度", "目標値", "値", "目標との比較"]
    return Table(_("Joint goals"), headers, lines, [10, 14, 8, 30, 12, 14, 14, 12])


def _written(goal: JointGoal, target: JointGoalTarget) -> str:
    return target.text or (f"{target.value.normalize():f}{goal.unit}" if target.value is not None else "")


def joint_table(programme, towns) -> list[GoalRow]:
    """Each goal with its targets and, for each of `towns` (those the user may see), its values and whether they
    meet the year's target. Three queries whatever the number of goals and towns."""
    goals = list(programme.joint_goals.prefetch_related("targets"))
    values = JointGoalValue.objects.filter(goal__programme=programme, municipality__in=towns)
    by_key = {(v.goal_id, v.municipality_id, v.fiscal_year): v for v in values}
    rows = []
    for goal in goals:
        targets = {t.fiscal_year: t for t in goal.targets.all()}
        years = sorted(targets)
        row = GoalRow(goal, years, [_written(goal, targets[y]) for y in years])
        for town in towns:
            cells: list[Cell | None] = []
            for year in years:
                value = by_key.get((goal.pk, town.pk, year))
                if value is None:
                    cells.append(None)
                else:
                    written = value.text or f"{value.value.normalize():f}{goal.unit}"
                    cells.append(Cell(written, _met(goal, targets[year], value)))
            row.towns.append((town, cells))
        rows.append(row)
    return rows
