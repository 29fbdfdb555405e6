"""Reads of the plan shared by pages, documents, versions and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from banso.core.access import id_param
from banso.core.fields import nfkc
from banso.core.fiscal import FiscalYear
from banso.plans.models import KPI, FundingScheme, Measure, MeasureBudget, MeasureStep, MeasureTag, Plan, Policy

SNAPSHOT_SCHEMA = 2  # 2: 方針 with their parent and level, 視点, the plan's level names


def plans_of(scope, municipality) -> QuerySet[Plan]:
    return scope.filter(Plan.objects.filter(municipality=municipality)).prefetch_related("versions")


def measures_of(scope, plan, *, policy=None, department=None, tag=None) -> QuerySet[Measure]:
    """The plan's measures this scope may read, with everything a list or the roadmap shows, in a fixed
    number of queries whatever the size of the plan."""
    measures = scope.filter(plan.measures.all()).select_related("owner", "policy")
    # Filters come from the query string: a value that is not an id matches nothing rather than failing.
    if policy:
        # A 方針 stands for everything within it: 基本方針 1 shows the measures of 1-1, 1-1-1 …
        measures = measures.filter(policy_id__in=policy_and_within(plan, id_param(policy)))
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
            "viewpoints",
            "co_owners",
            "partners",
            Prefetch(
                "budgets", queryset=MeasureBudget.objects.prefetch_related("funding").order_by("fiscal_year")
            ),
            "survey_tasks__department",
            Prefetch("steps", queryset=MeasureStep.objects.order_by("fiscal_year")),
            Prefetch(
                "kpis", queryset=KPI.objects.prefetch_related("targets", "listed_again_under", "assessments")
            ),
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
    tree = policy_tree(plan)
    parents = {n.policy.pk: n.policy.number for n in tree}
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
            "level_names": plan.level_names,
            "starts_on": f"{plan.starts_on:%Y-%m}" if plan.starts_on else "",
            "ends_on": f"{plan.ends_on:%Y-%m}" if plan.ends_on else "",
        },
        "viewpoints": [{"title": v.title, "description": v.description} for v in plan.viewpoints.all()],
        "partners": sorted(
            ({"name": p.name, "kind": p.kind} for p in {p for m in measures for p in m.partners.all()}),
            key=lambda p: p["name"],
        ),
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
        # In document order, each with the number of the 方針 it lies within and what its level is called.
        "policies": [
            {
                "number": n.policy.number,
                "title": n.policy.title,
                "description": n.policy.description,
                "parent": parents.get(n.policy.parent_id, "") if n.policy.parent_id else "",
                "level": n.level,
                "depth": n.depth,
            }
            for n in tree
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
        "owner": m.owner.name if m.owner else "",
        "related": sorted(d.name for d in m.related_departments.all()),
        "status": m.status,
        "budget_thousand_yen": m.budget_thousand_yen,
        "funding": sorted(f.name for f in m.funding.all()),
        "funding_other": m.funding_other,
        "co_owners": sorted(d.name for d in m.co_owners.all()),
        "partners": sorted(p.name for p in m.partners.all()),
        "budgets": {
            str(b.fiscal_year): {
                "budget": b.budget_thousand_yen,
                "settled": b.settled_thousand_yen,
                "funding": sorted(f.name for f in b.funding.all()),
                "funding_other": b.funding_other,
            }
            for b in m.budgets.all()
        },
        "challenges": sorted(c.title for c in m.challenges.all()),
        "survey_tasks": sorted(f"{t.department.name}：{t.name}" for t in m.survey_tasks.all()),
        "steps": {str(s.fiscal_year): s.description for s in m.steps.all()},
        "tags": [str(t.target) for t in m.confirmed_tags],  # type: ignore[attr-defined]  # prefetched to_attr
        "viewpoints": [v.title for v in m.viewpoints.all()],
        "kpis": [
            {
                "name": k.name,
                "unit": k.unit,
                "baseline_value": number_text(k.baseline_value),
                "baseline_date": k.baseline_date.isoformat() if k.baseline_date else "",
                "direction": k.direction,
                "data_source": k.data_source,
                "kind": k.kind,
                # Numbers as numbers (a milestone's words for a milestone), and the targets as the plan wrote them.
                "targets": {
                    str(t.fiscal_year): number_text(t.value) if t.value is not None else t.text
                    for t in k.targets.all()
                },
                "written": {str(t.fiscal_year): t.text for t in k.targets.all() if t.text},
                "listed_again_under": sorted((m.number for m in k.listed_again_under.all()), key=measure_sort_key),
                "assessments": {
                    str(a.fiscal_year): {"grade": a.grade, "comment": a.comment, "continue_next": a.continue_next}
                    for a in k.assessments.all()
                },
            }
            for k in m.kpis.all()
        ],
    }


@dataclass
class PolicyNode:
    policy: Policy
    depth: int  # 0 at the top
    level: str  # what the plan calls this level (基本方針, 施策 …)


def policy_tree(plan: Plan, policies: list[Policy] | None = None) -> list[PolicyNode]:
    """The plan's 方針 in document order (each followed by the ones within it), in one query."""
    policies = policies if policies is not None else list(plan.policies.all())
    children: dict[int | None, list[Policy]] = {}
    for p in sorted(policies, key=lambda p: measure_sort_key(p.number)):
        children.setdefault(p.parent_id, []).append(p)
    known = {p.pk for p in policies}
    nodes: list[PolicyNode] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for p in children.get(parent_id, []):
            nodes.append(PolicyNode(p, depth, plan.level_name(depth)))
            walk(p.pk, depth + 1)

    walk(None, 0)
    # A 方針 whose parent is not among those read (it cannot happen through the services) still shows.
    for parent_id in set(children) - known - {None}:
        walk(parent_id, 0)
    return nodes


def policy_and_within(plan: Plan, policy_id: int | None) -> list[int]:
    """The ids of a 方針 and of every 方針 within it, at any depth (one query)."""
    parents = dict(plan.policies.values_list("pk", "parent_id"))
    found = [policy_id] if policy_id in parents else []
    for pk in found:
        found += [child for child, parent in parents.items() if parent == pk and child not in found]
    return found


def policy_path(measure: Measure) -> list[PolicyNode]:
    """The 方針 a measure lies within, from the top level down to its own."""
    if measure.policy_id is None:
        return []
    nodes = {n.policy.pk: n for n in policy_tree(measure.plan)}
    path: list[PolicyNode] = []
    current = nodes.get(measure.policy_id)
    while current is not None and current not in path:
        path.insert(0, current)
        current = nodes.get(current.policy.parent_id) if current.policy.parent_id else None
    return path


def split_names(text: str) -> list[str]:
    """「住民課、保健福祉課」 → its names: plans separate lists with 、 , ， or new lines."""
    for separator in (",", "，", "\n"):
        text = (text or "").replace(separator, "、")
    return [name.strip() for name in text.split("、") if name.strip()]


def funding_scheme_named(name: str, schemes: list[FundingScheme]) -> FundingScheme | None:
    """A funding scheme by its name, or by the name without its type as plans write it (デジタル田園都市国家構想交付金):
    a name that begins exactly one scheme's name is that scheme."""
    folded = nfkc(name).replace(" ", "")
    exact = [
        s
        for s in schemes
        if folded in {nfkc(n).replace(" ", "") for n in [s.name, *s.aliases.splitlines()] if n.strip()}
    ]
    if exact:
        return exact[0]
    fitting = [s for s in schemes if nfkc(s.name).startswith(folded)]
    return fitting[0] if len(fitting) == 1 else None


def policy_choice_labels(plan: Plan) -> dict[int, str]:
    """How a 方針 reads in a list to choose from: indented by its depth, with its level's name."""
    return {
        n.policy.pk: f"{'　' * n.depth}{n.level} {n.policy.number} {n.policy.title}" for n in policy_tree(plan)
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
