"""Reads of the plan shared by pages, documents, versions and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from banso.core.access import id_param
from banso.core.fiscal import FiscalYear
from banso.plans.models import KPI, Measure, MeasureStep, MeasureTag, Plan

SNAPSHOT_SCHEMA = 1


def plans_of(scope, municipality) -> QuerySet[Plan]:
    return scope.filter(Plan.objects.filter(municipality=municipality)).prefetch_related("versions")


def measures_of(scope, plan, *, policy=None, department=None, tag=None) -> QuerySet[Measure]:
    """The plan's measures this scope may read, with everything a list or the roadmap shows, in a fixed
    number of queries whatever the size of the plan."""
    measures = scope.filter(plan.measures.all()).select_related("owner", "policy")
    # Filters come from the query string: a value that is not an id matches nothing rather than failing.
    if policy:
        measures = measures.filter(policy_id=id_param(policy))
    if department:
        department = id_param(department)
        measures = measures.filter(Q(owner_id=department) | Q(related_departments=department)).distinct()
    if tag:
        kind, _, pk = str(tag).partition("-")
        lookup = "tags__item_id" if kind == "item" else "tags__goal_id"
        measures = measures.filter(**{lookup: id_param(pk), "tags__status": MeasureTag.Status.CONFIRMED})
    return measures.prefetch_related(
        "steps",
        "related_departments",
        "funding",
        Prefetch("kpis", queryset=KPI.objects.prefetch_related("targets")),
        Prefetch(
            "tags",
            queryset=MeasureTag.objects.filter(status=MeasureTag.Status.CONFIRMED).select_related("item", "goal"),
            to_attr="confirmed_tags",
        ),
    )


def number_text(value: Decimal | None) -> str:
    """28.00 → "28", 0.50 → "0.5": the value as a person writes it."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


@dataclass
class RoadmapRow:
    measure: Measure
    cells: list[str]  # one step text per plan year ("" where the measure has no step)


@dataclass
class PhaseBand:
    name: str
    offset: int  # columns before the band
    span: int
    after: int


@dataclass
class Roadmap:
    years: list[FiscalYear]
    bands: list[list[PhaseBand]] = field(default_factory=list)  # one row of bands per phase
    rows: list[RoadmapRow] = field(default_factory=list)


def roadmap(plan, measures) -> Roadmap:
    years = plan.years()
    result = Roadmap(years=years)
    for phase in plan.phases.all():
        offset = phase.start_year - plan.start_year
        span = phase.end_year - phase.start_year + 1
        result.bands.append([PhaseBand(phase.name, offset, span, len(years) - offset - span)])
    for measure in measures:
        steps = {s.fiscal_year: s.description for s in measure.steps.all()}
        result.rows.append(RoadmapRow(measure, [steps.get(y.year, "") for y in years]))
    return result


def plan_snapshot(plan: Plan) -> dict:
    """The whole plan as plain data: what a version keeps, a document prints and a diff compares."""
    measures = (
        plan.measures.select_related("owner", "policy")
        .prefetch_related(
            "related_departments",
            "funding",
            "challenges",
            "survey_tasks__department",
            Prefetch("steps", queryset=MeasureStep.objects.order_by("fiscal_year")),
            Prefetch("kpis", queryset=KPI.objects.prefetch_related("targets")),
            Prefetch(
                "tags",
                queryset=MeasureTag.objects.filter(status=MeasureTag.Status.CONFIRMED).select_related(
                    "item", "goal"
                ),
                to_attr="confirmed_tags",
            ),
        )
        .order_by("number")
    )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "municipality": {"code": plan.municipality.code, "name": plan.municipality.name},
        "plan": {
            "title": plan.title,
            "concept": plan.concept,
            "vision": plan.vision,
            "background": plan.background,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        },
        "phases": [
            {
                "order": p.order,
                "name": p.name,
                "goal": p.goal,
                "description": p.description,
                "start_year": p.start_year,
                "end_year": p.end_year,
            }
            for p in plan.phases.all()
        ],
        "policies": [
            {"number": p.number, "title": p.title, "description": p.description} for p in plan.policies.all()
        ],
        "measures": [_measure_snapshot(m) for m in sorted(measures, key=lambda m: measure_sort_key(m.number))],
    }


def _measure_snapshot(m: Measure) -> dict:
    return {
        "number": m.number,
        "title": m.title,
        "policy": m.policy.number if m.policy else "",
        "purpose": m.purpose,
        "audience": m.audience,
        "content": m.content,
        "goal": m.goal,
        "owner": m.owner.name,
        "related": sorted(d.name for d in m.related_departments.all()),
        "status": m.status,
        "budget_thousand_yen": m.budget_thousand_yen,
        "funding": sorted(f.name for f in m.funding.all()),
        "challenges": sorted(c.title for c in m.challenges.all()),
        "survey_tasks": sorted(f"{t.department.name}：{t.name}" for t in m.survey_tasks.all()),
        "steps": {str(s.fiscal_year): s.description for s in m.steps.all()},
        "tags": [str(t.target) for t in m.confirmed_tags],  # type: ignore[attr-defined]  # prefetched to_attr
        "kpis": [
            {
                "name": k.name,
                "unit": k.unit,
                "baseline_value": number_text(k.baseline_value),
                "baseline_date": k.baseline_date.isoformat() if k.baseline_date else "",
                "direction": k.direction,
                "data_source": k.data_source,
                "targets": {str(t.fiscal_year): number_text(t.value) for t in k.targets.all()},
            }
            for k in m.kpis.all()
        ],
    }


def measure_sort_key(number: str) -> tuple:
    """3-2 before 3-10: numbers compare as numbers, the rest as text."""
    parts = []
    for piece in number.replace("－", "-").split("-"):
        parts.append((0, int(piece), "") if piece.isdigit() else (1, 0, piece))
    return tuple(parts)


def tag_choices(municipality) -> list[tuple[str, list[tuple[str, str]]]]:
    """The current national items and the town's 総合計画 goals, grouped, as "item-1" / "goal-3" choices."""
    from django.utils.translation import gettext as _

    from banso.plans.models import AlignmentItem

    items = AlignmentItem.objects.filter(framework__is_current=True)
    return [
        (_("National plan"), [(f"item-{i.pk}", i.name) for i in items]),
        (_("Comprehensive plan"), [(f"goal-{g.pk}", str(g)) for g in municipality.plan_goals.all()]),
    ]


@dataclass
class TagGroup:
    title: str
    rows: list[tuple[object, list[Measure]]]  # (item or goal, the measures confirmed under it)


def measures_by_tag(plan, measures) -> list[TagGroup]:
    from django.utils.translation import gettext as _

    from banso.plans.models import AlignmentItem

    by_target: dict[tuple[str, int], list[Measure]] = {}
    for measure in sorted(measures, key=lambda m: measure_sort_key(m.number)):
        for tag in measure.confirmed_tags:
            key = ("item", tag.item_id) if tag.item_id else ("goal", tag.goal_id)
            by_target.setdefault(key, []).append(measure)
    items = list(AlignmentItem.objects.filter(framework__is_current=True))
    groups = [
        TagGroup(str(label), [(i, by_target.get(("item", i.pk), [])) for i in items if i.kind == kind])
        for kind, label in AlignmentItem.Kind.choices
    ]
    goals = plan.municipality.plan_goals.all()
    groups.append(
        TagGroup(_("Goals of the comprehensive plan"), [(g, by_target.get(("goal", g.pk), [])) for g in goals])
    )
    return groups
