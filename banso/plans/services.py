"""Every write of the plan. Each checks the plan's rules before anything is saved."""

import datetime as dt
import logging
import shutil
import tempfile
import uuid
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task as job

from banso.core import exports
from banso.core.audit import acting_as, created_in_bulk
from banso.core.fields import nfkc, typed
from banso.core.fiscal import FiscalYear
from banso.core.jobs import job_abandoned, progress_update
from banso.core.uploads import Problem, UploadError, check_upload_size
from banso.plans import alignment, selectors
from banso.plans.diff import diff_snapshots
from banso.plans.models import (
    KPI,
    AlignmentFramework,
    AlignmentItem,
    DocumentExport,
    FundingScheme,
    KPIAssessment,
    KPITarget,
    Measure,
    MeasureBudget,
    MeasureStep,
    MeasureTag,
    Partner,
    Phase,
    Plan,
    PlanVersion,
    Policy,
    Viewpoint,
    WorkbookImport,
)
from banso.plans.values import parse_amount

log = logging.getLogger(__name__)

DEFAULT_SCHEMES = [
    (
        "デジタル田園都市国家構想交付金（デジタル実装タイプ TYPE1）",
        "grant",
        dt.date(2022, 4, 1),
        dt.date(2025, 3, 31),
    ),
    (
        "デジタル田園都市国家構想交付金（デジタル実装タイプ TYPE2）",
        "grant",
        dt.date(2022, 4, 1),
        dt.date(2025, 3, 31),
    ),
    (
        "デジタル田園都市国家構想交付金（デジタル実装タイプ TYPE3）",
        "grant",
        dt.date(2022, 4, 1),
        dt.date(2025, 3, 31),
    ),
    ("デジタル田園都市国家構想交付金（地方創生推進タイプ）", "grant", dt.date(2022, 4, 1), dt.date(2025, 3, 31)),
    ("新しい地方経済・生活環境創生交付金（デジタル実装型）", "grant", dt.date(2025, 4, 1), None),
    ("新しい地方経済・生活環境創生交付金（第2世代交付金）", "grant", dt.date(2025, 4, 1), None, "第2世代交付金"),
    ("デジタル活用推進事業債", "bond", dt.date(2025, 4, 1), None),
    ("一般財源", "general", None, None),
]


def funding_schemes_ensure() -> None:
    """The schemes every installation starts with; their other names are added where none were written yet."""
    for name, kind, valid_from, valid_until, *aliases in DEFAULT_SCHEMES:
        scheme, _created = FundingScheme.objects.get_or_create(
            name=name, defaults={"kind": kind, "valid_from": valid_from, "valid_until": valid_until}
        )
        if aliases and not scheme.aliases:
            scheme.aliases = "\n".join(map(str, aliases))
            scheme.save(update_fields=["aliases"])


def _label(year: int) -> str:
    return FiscalYear(year).era_label


def _check_months(start_year: int, end_year: int, starts_on, ends_on) -> None:
    """A plan's months must fall in its first and last 年度 (2023年1月 is in 令和4年度)."""
    if starts_on and FiscalYear.of(starts_on).year != start_year:
        raise ValidationError(
            {
                "starts_on": _("%(month)s is in %(year)s, not in the plan's first fiscal year.")
                % {"month": f"{starts_on:%Y-%m}", "year": FiscalYear.of(starts_on)}
            }
        )
    if ends_on and FiscalYear.of(ends_on).year != end_year:
        raise ValidationError(
            {
                "ends_on": _("%(month)s is in %(year)s, not in the plan's last fiscal year.")
                % {"month": f"{ends_on:%Y-%m}", "year": FiscalYear.of(ends_on)}
            }
        )
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The plan cannot end before it starts.")})


def _in_period(plan: Plan, year: int, field: str) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise ValidationError(
            {
                field: _("%(year)s is outside the plan period (%(start)s to %(end)s).")
                % {"year": _label(year), "start": _label(plan.start_year), "end": _label(plan.end_year)}
            }
        )


@transaction.atomic
def plan_save(
    *,
    municipality,
    plan=None,
    title,
    start_year,
    end_year,
    concept="",
    vision="",
    background="",
    level_names=None,
    grade_scale=None,
    starts_on=None,
    ends_on=None,
) -> Plan:
    if end_year < start_year:
        raise ValidationError({"end_year": _("The plan cannot end before it starts.")})
    _check_months(start_year, end_year, starts_on, ends_on)
    plan = plan or Plan(municipality=municipality)
    others = Plan.objects.filter(municipality=municipality).exclude(pk=plan.pk).values_list("title", flat=True)
    if any(nfkc(other) == nfkc(title) for other in others):
        raise ValidationError(
            {
                "title": _("A plan called “%(title)s” already exists. Choose another title.")
                % {"title": typed(title)}
            }
        )
    if plan.pk:
        outside = [
            s
            for s in MeasureStep.objects.filter(measure__plan=plan)
            if not start_year <= s.fiscal_year <= end_year
        ]
        if outside:
            raise ValidationError(
                {
                    "end_year": _("Steps of %(measures)s fall outside the new period. Move them first.")
                    % {"measures": "、".join(sorted({s.measure.number for s in outside}))}
                }
            )
    plan.title, plan.start_year, plan.end_year = typed(title), start_year, end_year
    plan.concept, plan.vision, plan.background = typed(concept), vision.strip(), background.strip()
    if level_names is not None:
        plan.level_names = typed(level_names)
    if grade_scale:
        plan.grade_scale = grade_scale.strip()
    plan.starts_on = starts_on.replace(day=1) if starts_on else None
    plan.ends_on = ends_on.replace(day=1) if ends_on else None
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def phase_save(*, plan, phase=None, order, name, start_year, end_year, goal="", description="") -> Phase:
    """Phases may overlap in time as they hand over (金山町: R6–R9 and R7–R9), but each starts after the one before
    and ends no earlier than it; a phase inside another, or out of order, is refused."""
    if end_year < start_year:
        raise ValidationError({"end_year": _("A phase cannot end before it starts.")})
    _in_period(plan, start_year, "start_year")
    _in_period(plan, end_year, "end_year")
    others = list(plan.phases.exclude(pk=getattr(phase, "pk", None)))
    for other in others:
        if other.order == order:
            raise ValidationError({"order": _("Phase %(order)s already exists.") % {"order": order}})
        before, after = (other, None) if other.order < order else (None, other)
        if before and (start_year <= before.start_year or end_year < before.end_year):
            raise ValidationError(
                {
                    "start_year": _(
                        "This phase overlaps “%(other)s” (%(start)s to %(end)s): a later phase must start after it starts and end no earlier."
                    )
                    % {"other": before.name, "start": _label(before.start_year), "end": _label(before.end_year)}
                }
            )
        if after and (after.start_year <= start_year or after.end_year < end_year):
            raise ValidationError(
                {
                    "start_year": _(
                        "This phase overlaps “%(other)s” (%(start)s to %(end)s), which comes after it: an earlier phase must start and end first."
                    )
                    % {"other": after.name, "start": _label(after.start_year), "end": _label(after.end_year)}
                }
            )
    phase = phase or Phase(plan=plan)
    phase.order, phase.name, phase.goal, phase.description = order, typed(name), typed(goal), description.strip()
    phase.start_year, phase.end_year = start_year, end_year
    phase.full_clean()
    phase.save()
    return phase


# How deep 方針 may nest: real plans use three levels (基本方針 → 施策 → 具体的取組); five leaves room.
MAX_POLICY_DEPTH = 5


@transaction.atomic
def policy_save(*, plan, policy=None, number, title, description="", parent=None) -> Policy:
    """A 方針 at any level: under `parent`, or at the top. A parent inside the 方針 itself (a cycle) or a tree
    deeper than MAX_POLICY_DEPTH is refused."""
    policy = policy or Policy(plan=plan)
    number = nfkc(number)
    if plan.policies.filter(number=number).exclude(pk=policy.pk).exists():
        raise ValidationError({"number": _("Policy %(number)s already exists.") % {"number": number}})
    stored = getattr(policy, "_loaded_values", {})
    if parent is not None and not ("parent_id" in stored and stored["parent_id"] == parent.pk):
        _check_parent(plan, policy, parent)  # a 方針 left under the parent it has cannot make a cycle
    _save_changed(
        policy, {"number": number, "title": typed(title), "description": description.strip(), "parent": parent}
    )
    return policy


def _check_parent(plan, policy, parent) -> None:
    if parent.plan_id != plan.pk:
        raise ValidationError({"parent": _("The policy belongs to another plan.")})
    parents = {p.pk: p.parent_id for p in plan.policies.all()}
    chain, current = [], parent.pk
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    if policy.pk is not None and policy.pk in chain:
        raise ValidationError(
            {
                "parent": _("“%(parent)s” lies within this policy: a policy cannot be placed inside itself.")
                % {"parent": parent}
            }
        )
    below = _depth_below(policy.pk, parents) if policy.pk else 0
    if len(chain) + 1 + below > MAX_POLICY_DEPTH:
        raise ValidationError(
            {"parent": _("Policies nest at most %(depth)s levels deep.") % {"depth": MAX_POLICY_DEPTH}}
        )


def _depth_below(pk, parents: dict) -> int:
    children = [child for child, parent in parents.items() if parent == pk]
    return 1 + max(_depth_below(c, parents) for c in children) if children else 0


@transaction.atomic
def viewpoint_save(*, plan, viewpoint=None, title, description="", order=0) -> Viewpoint:
    viewpoint = viewpoint or Viewpoint(plan=plan)
    others = plan.viewpoints.exclude(pk=viewpoint.pk).values_list("title", flat=True)
    if any(nfkc(other) == nfkc(title) for other in others):
        raise ValidationError(
            {"title": _("The plan already has the viewpoint “%(title)s”.") % {"title": typed(title)}}
        )
    viewpoint.title, viewpoint.description, viewpoint.order = typed(title), description.strip(), order
    viewpoint.full_clean()
    viewpoint.save()
    return viewpoint


def viewpoint_delete(*, viewpoint) -> None:
    """Measures stay; they only lose the tag."""
    viewpoint.delete()


@transaction.atomic
def measure_save(
    *,
    plan,
    measure=None,
    number,
    title,
    owner,
    steps: dict | None = None,
    related_departments=(),
    funding=(),
    challenges=(),
    survey_tasks=(),
    viewpoints=None,
    co_owners=None,
    partner_names=None,
    budgets=None,
    **values,
) -> Measure:
    """Create or change a measure with its steps (年度 → text). Empty step texts remove that year's step; the
    plan's cross-cutting viewpoints are kept as they are unless given."""
    number = nfkc(number)
    if (owner is not None and owner.municipality_id != plan.municipality_id) or any(
        d.municipality_id != plan.municipality_id for d in related_departments
    ):
        raise ValidationError({"owner": _("The department belongs to another municipality.")})
    measure = measure or Measure(plan=plan)
    if plan.measures.filter(number=number).exclude(pk=measure.pk).exists():
        raise ValidationError(
            {"number": _("Measure %(number)s already exists in this plan.") % {"number": number}}
        )
    policy = values.get("policy")
    if policy is not None and policy.plan_id != plan.pk:
        raise ValidationError({"policy": _("The policy belongs to another plan.")})
    if co_owners is not None and any(d.municipality_id != plan.municipality_id for d in co_owners):
        raise ValidationError({"co_owners": _("The department belongs to another municipality.")})
    if viewpoints is not None and any(v.plan_id != plan.pk for v in viewpoints):
        raise ValidationError({"viewpoints": _("The viewpoint belongs to another plan.")})
    for year in steps or {}:
        _in_period(plan, int(year), "steps")
    new = measure.pk is None
    _save_changed(measure, {**values, "number": number, "title": typed(title), "owner": owner})
    links = {
        measure.related_departments: related_departments,
        measure.funding: funding,
        measure.challenges: challenges,
        measure.survey_tasks: survey_tasks,
        measure.viewpoints: viewpoints,
        measure.co_owners: [d for d in co_owners if owner is None or d.pk != owner.pk]
        if co_owners is not None
        else None,
        measure.partners: partners_named(partner_names) if partner_names is not None else None,
    }
    for manager, items in links.items():
        _set_links(manager, items, new=new)
    if budgets is not None:
        measure_budgets_replace(measure=measure, budgets=budgets)
    if steps is not None:
        plan_steps_replace(steps={measure: steps})
    return measure


def _set_links(manager, items, *, new: bool) -> None:
    """Set a many-to-many link unless nothing would change. None leaves the link as it is; a new object has no
    links to clear; links the caller prefetched are compared without a query (a workbook brought back unchanged
    writes nothing)."""
    if items is None or (new and not items):
        return
    if not new and {o.pk for o in manager.all()} == {i.pk for i in items}:
        return
    manager.set(items)


def partners_named(names) -> list[Partner]:
    """Partner organisations by name, made on first mention: the same name (whatever its width) is one partner."""
    if not names:
        return []
    known = {nfkc(p.name): p for p in Partner.objects.all()}
    found = []
    for name in names:
        name = typed(name)
        if name:
            found.append(known.get(nfkc(name)) or Partner.objects.create(name=name))
            known[nfkc(name)] = found[-1]
    return found


def partners_save(partners: dict[str, str]) -> None:
    """Partners by name with their kind ({name: kind}): a new name is added; a known one keeps its name and takes
    the kind when it had none better than 「その他」 (a partner is shared by every town of the installation)."""
    known = {nfkc(p.name): p for p in Partner.objects.all()}
    for name, kind in partners.items():
        found = known.get(nfkc(name))
        if found is None:
            Partner.objects.create(name=typed(name), kind=kind)
        elif found.kind == Partner.Kind.OTHER and kind != found.kind:
            found.kind = kind
            found.save(update_fields=["kind"])


@transaction.atomic
def measure_budgets_replace(*, measure, budgets: dict) -> None:
    """The measure's money by 年度: {year: {"budget", "settled", "funding", "funding_other"}}. Years the dict does
    not name are removed; amounts are in thousand yen and not negative."""
    plan_budgets_replace(budgets={measure: budgets})


@transaction.atomic
def plan_budgets_replace(*, budgets: dict) -> None:
    """The money of many measures of one plan at once ({measure: its budgets}, as a plan workbook lists them):
    one read and one write for all the new rows."""
    for measure, by_year in budgets.items():
        for year, values in by_year.items():
            _in_period(measure.plan, int(year), "budgets")
            for key in ("budget", "settled"):
                if values.get(key) is not None and values[key] < 0:
                    raise ValidationError({"budgets": _("Enter zero or more.")})
    stored = _by_measure(MeasureBudget.objects.filter(measure__in=list(budgets)).prefetch_related("funding"))
    new, funding_of_new = [], []
    for measure, by_year in budgets.items():
        current = {}
        for row in stored.get(measure.pk, []):
            row.measure = measure  # what the history reads, without a query
            current[row.fiscal_year] = row
        for year, row in current.items():
            if year not in {int(y) for y in by_year}:
                row.delete()
        for year, values in by_year.items():
            wanted = {
                "budget_thousand_yen": values.get("budget"),
                "settled_thousand_yen": values.get("settled"),
                "funding_other": typed(values.get("funding_other", "")),
            }
            funding = values.get("funding", [])
            row = current.get(int(year))
            if row is None:
                new.append(MeasureBudget(measure=measure, fiscal_year=int(year), **wanted))
                funding_of_new.append(funding)
                continue
            _save_changed(row, wanted)
            if {f.pk for f in row.funding.all()} != {f.pk for f in funding}:
                row.funding.set(funding)
    made = MeasureBudget.objects.bulk_create(new)
    created_in_bulk(made)
    MeasureBudget.funding.through.objects.bulk_create(
        [
            MeasureBudget.funding.through(measurebudget_id=row.pk, fundingscheme_id=scheme.pk)
            for row, schemes in zip(made, funding_of_new, strict=True)
            for scheme in schemes
        ]
    )


@transaction.atomic
def measure_steps_replace(*, measure, steps: dict) -> Measure:
    """Replace the measure's steps (年度 → text); each must fall inside the plan period."""
    plan_steps_replace(steps={measure: steps})
    return measure


@transaction.atomic
def plan_steps_replace(*, steps: dict) -> None:
    """The steps of many measures of one plan at once ({measure: {年度: text}}, as a plan workbook lists them),
    each inside the plan period: one read and one write for all the new steps."""
    for measure, by_year in steps.items():
        for year in by_year:
            _in_period(measure.plan, int(year), "steps")
    stored = _by_measure(MeasureStep.objects.filter(measure__in=list(steps)))
    new = []
    for measure, by_year in steps.items():
        new += _step_changes(measure, stored.get(measure.pk, []), by_year)
    created_in_bulk(MeasureStep.objects.bulk_create(new))


def _by_measure(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.measure_id, []).append(row)
    return grouped


def _step_changes(measure, current, steps: dict) -> list[MeasureStep]:
    """Change or delete the measure's stored steps to match `steps`; returns the steps still to be created."""
    wanted = {int(y): t.strip() for y, t in steps.items() if t and t.strip()}
    for step in current:
        step.measure = measure  # what the history reads, without a query
        if step.fiscal_year not in wanted:
            step.delete()
        elif step.description != wanted[step.fiscal_year]:
            step.description = wanted[step.fiscal_year]
            step.save()
        wanted.pop(step.fiscal_year, None)
    return [MeasureStep(measure=measure, fiscal_year=year, description=text) for year, text in wanted.items()]


@transaction.atomic
def kpi_save(*, measure, kpi=None, name, listed_again_under=None, **given) -> KPI:
    """A KPI with one or more targets (年度 → value). A value may be a number or the text as the plan writes it
    (「85%」「4箇所（累計）」); a milestone's targets are words (「行動規範の制定」). Targets come after the baseline;
    a target after the plan ends is kept (標準化 by 令和7年度末 in a plan that ends in 令和6年度). `given` is the rest
    of _kpi_checked()'s arguments: targets, unit, kind, baseline, direction, data source."""
    values, rows = _kpi_checked(measure=measure, name=name, listed_again_under=listed_again_under, **given)
    kpi = kpi or KPI(measure=measure)
    new = kpi.pk is None
    _save_changed(kpi, values)
    _set_links(kpi.listed_again_under, listed_again_under, new=new)
    _replace_by_year(kpi, [] if new else kpi.targets.all(), rows)
    return kpi


@transaction.atomic
def kpis_create(*, kpis: list[dict]) -> list[KPI]:
    """New KPIs of a plan at once, each given as kpi_save()'s arguments and checked as it checks them (a plan
    workbook brings hundreds): the KPIs, their targets and their history in a few statements, not four per KPI."""
    checked = [_kpi_checked(**spec) for spec in kpis]
    made = []
    for spec, (values, _rows) in zip(kpis, checked, strict=True):
        kpi = KPI(measure=spec["measure"], **values)
        kpi.full_clean(exclude=["measure"], validate_unique=False, validate_constraints=False)
        made.append(kpi)
    made = KPI.objects.bulk_create(made)
    created_in_bulk(made)
    targets = [
        KPITarget(kpi=kpi, fiscal_year=year, value=value, text=text)
        for kpi, (_values, rows) in zip(made, checked, strict=True)
        for year, (value, text) in rows.items()
    ]
    created_in_bulk(KPITarget.objects.bulk_create(targets))
    KPI.listed_again_under.through.objects.bulk_create(
        [
            KPI.listed_again_under.through(kpi_id=kpi.pk, measure_id=measure.pk)
            for kpi, spec in zip(made, kpis, strict=True)
            for measure in spec.get("listed_again_under") or []
        ]
    )
    return made


def _kpi_checked(
    *,
    measure,
    name,
    unit="",
    targets: dict,
    baseline_value=None,
    baseline_date=None,
    direction=KPI.Direction.UP,
    data_source="",
    kind=KPI.Kind.NUMBER,
    listed_again_under=None,
) -> tuple[dict, dict]:
    """The KPI's field values and its targets ({year: (number, text)}), or the first error a person must fix."""
    unit = nfkc(unit or "")
    if kind == KPI.Kind.SHARE and not unit:
        unit = "%"
    if not unit and kind != KPI.Kind.MILESTONE:
        raise ValidationError({"unit": _("Enter the unit of the KPI (for example %, 件, 人).")})
    if not targets:
        raise ValidationError({"targets": _("Enter at least one target with its fiscal year.")})
    plan = measure.plan
    baseline_year = FiscalYear.of(baseline_date).year if baseline_date else None
    rows = {int(year): _target(kind, unit, value, int(year)) for year, value in targets.items()}
    for year in rows:
        if year < plan.start_year:
            raise ValidationError(
                {
                    "targets": _("%(year)s is before the plan starts (%(start)s).")
                    % {"year": _label(year), "start": _label(plan.start_year)}
                }
            )
        if baseline_year is not None and year < baseline_year:
            raise ValidationError(
                {
                    "targets": _("The target for %(year)s comes before the baseline (%(base)s).")
                    % {"year": _label(year), "base": _label(baseline_year)}
                }
            )
    if kind == KPI.Kind.SHARE and baseline_value is not None:
        _check_share(Decimal(str(baseline_value)), "baseline_value")
    if listed_again_under is not None and any(
        m.plan_id != plan.pk or m.pk == measure.pk for m in listed_again_under
    ):
        raise ValidationError({"listed_again_under": _("List it again only under other measures of this plan.")})
    values = {
        "name": typed(name),
        "unit": unit,
        "direction": direction,
        "data_source": typed(data_source),
        "kind": kind,
        "baseline_value": Decimal(str(baseline_value)) if baseline_value is not None else None,
        "baseline_date": baseline_date,
    }
    return values, rows


def _save_changed(instance, values: dict) -> None:
    """Set the values and save, validated, unless the instance exists and nothing changed: a workbook brought back
    unchanged writes nothing (and records no change in the history)."""
    for key, value in values.items():
        setattr(instance, key, value)
    if instance.pk is not None and _stored_as(instance, values):
        return
    # Uniqueness is the service's own check (with a message that says what to do) or the database's, and related
    # rows are objects the service already holds; asking full_clean as well would cost a query per constraint and
    # per foreign key for every row of an import.
    relations = [f.name for f in instance._meta.fields if f.is_relation]
    instance.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    instance.save()
    # What is stored now, for the next comparison on this same object.
    instance._loaded_values = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _stored_as(instance, values: dict) -> bool:
    """Whether the database already holds these values for the instance. Compared with the stored row, not the
    object: a ModelForm has already put what was typed on the object it edits."""
    columns = {key: instance._meta.get_field(key).attname for key in values}
    stored = getattr(instance, "_loaded_values", None)
    if stored is None or not set(columns.values()) <= set(stored):
        stored = type(instance)._base_manager.filter(pk=instance.pk).values(*columns.values()).first()
    if stored is None:
        return False
    return all(stored[columns[key]] == getattr(instance, columns[key]) for key in values)


def _replace_by_year(kpi, existing, rows: dict) -> None:
    """A KPI's targets become `rows` ({year: (value, text)}): the ones that changed are written, the others left."""
    current = {t.fiscal_year: t for t in existing}
    for year, target in current.items():
        if year not in rows:
            target.delete()
    new = []
    for year, (value, text) in rows.items():
        target = current.get(year)
        if target is None:
            new.append(KPITarget(kpi=kpi, fiscal_year=year, value=value, text=text))
        elif (target.value, target.text) != (value, text):
            target.value, target.text = value, text
            target.save()
    created_in_bulk(KPITarget.objects.bulk_create(new))


def _target(kind: str, unit: str, written, year: int) -> tuple[Decimal | None, str]:
    """(number, text as written) of one target; a milestone has words and no number."""
    if kind == KPI.Kind.MILESTONE:
        text = typed(str(written or ""))
        if not text:
            raise ValidationError(
                {"targets": _("Write what is to be reached in %(year)s.") % {"year": _label(year)}}
            )
        return None, text
    try:
        value = parse_amount(written, unit)
    except ValidationError as err:
        raise ValidationError(
            {"targets": _("Target for %(year)s: %(problem)s") % {"year": _label(year), "problem": err.messages[0]}}
        ) from err
    if kind == KPI.Kind.SHARE:
        _check_share(value, "targets")
    return value, typed(written) if isinstance(written, str) else ""


def _check_share(value: Decimal, field: str) -> None:
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(
            {
                field: _("A share is between 0 and 100%%: %(value)s cannot be one.")
                % {"value": f"{value.normalize():f}"}
            }
        )


@transaction.atomic
def assessment_save(
    *, kpi, fiscal_year: int, grade: str, comment: str = "", continue_next: bool = False
) -> KPIAssessment:
    """The town's grade for a KPI in a 年度, from the plan's own scale (A–D unless it wrote another)."""
    values = {"grade": grade, "comment": comment, "continue_next": continue_next}
    return assessments_save(plan=kpi.measure.plan, grades={kpi: {fiscal_year: values}})[0]


@transaction.atomic
def assessments_save(*, plan, grades: dict) -> list[KPIAssessment]:
    """Grades of many KPIs of one plan ({kpi: {year: {"grade", "comment", "continue_next"}}}), each checked
    against the plan's scale and period; the new ones written together, with their history."""
    scale = plan.grades()
    existing = {(a.kpi_id, a.fiscal_year): a for a in KPIAssessment.objects.filter(kpi__in=[k.pk for k in grades])}
    saved, new = [], []
    for kpi, years in grades.items():
        for year, values in years.items():
            grade = nfkc(values["grade"])
            grade = grade.upper() if grade.isascii() else grade
            if grade not in scale:
                raise ValidationError(
                    {
                        "grade": _("“%(grade)s” is not on this plan's scale: use one of %(scale)s.")
                        % {"grade": grade, "scale": "・".join(scale)}
                    }
                )
            _in_period(plan, year, "fiscal_year")
            wanted = {
                "grade": grade,
                "comment": values.get("comment", "").strip(),
                "continue_next": values.get("continue_next", False),
            }
            found = existing.get((kpi.pk, year))
            if found is None:
                new.append(KPIAssessment(kpi=kpi, fiscal_year=year, **wanted))
            else:
                _save_changed(found, wanted)
                saved.append(found)
    made = KPIAssessment.objects.bulk_create(new)
    created_in_bulk(made)
    return saved + made


@transaction.atomic
def measure_delete(*, measure) -> None:
    measure.delete()


@transaction.atomic
def measure_start(*, measure) -> Measure:
    """A draft taken in from elsewhere becomes one of the plan's measures: from now on in the reporting periods,
    reminders and progress figures."""
    if measure.is_draft:
        measure.is_draft = False
        measure.save(update_fields=["is_draft", "updated_at"])
    return measure


@transaction.atomic
def kpi_delete(*, kpi) -> None:
    kpi.delete()


@transaction.atomic
def phase_delete(*, phase) -> None:
    phase.delete()


@transaction.atomic
def policy_delete(*, policy) -> None:
    """The policy's measures stay in the plan, without a policy, rather than disappear with it."""
    policy.delete()


# -- versions -------------------------------------------------------------------


@transaction.atomic
def version_issue(*, plan, issued_on, note="", major_revision=False) -> PlanVersion:
    """Freeze the plan as it stands as the next edition: 第1.0版 first, then 第1.1版, or 第2.0版 for a
    major revision."""
    latest = plan.versions.order_by("-major", "-minor").first()
    if latest is None:
        major, minor = 1, 0
    elif major_revision:
        major, minor = latest.major + 1, 0
    else:
        major, minor = latest.major, latest.minor + 1
    if latest is not None and issued_on < latest.issued_on:
        raise ValidationError(
            {
                "issued_on": _("%(label)s was issued on %(date)s; a later edition cannot be dated before it.")
                % {"label": latest.label, "date": f"{latest.issued_on:%Y-%m-%d}"}
            }
        )
    snapshot = selectors.plan_snapshot(plan)
    # Compared as the 新旧対照表 compares them: an edition whose table of changes would be empty is no edition.
    if latest is not None and not diff_snapshots(latest.snapshot, snapshot):
        raise ValidationError(_("Nothing has changed since %(label)s.") % {"label": latest.label})
    return PlanVersion.objects.create(
        plan=plan, major=major, minor=minor, issued_on=issued_on, note=note.strip(), snapshot=snapshot
    )


# -- alignment ------------------------------------------------------------------

# 総務省「自治体DX推進計画」: the items and the words that usually stand for them in a town's plan.
NATIONAL_FRAMEWORK = ("自治体DX推進計画", "第3.0版")
NATIONAL_ITEMS = [
    (
        "focus",
        "自治体フロントヤード改革の推進",
        "フロントヤード\n窓口\n書かない\n行かない\nオンライン申請\n行政手続のオンライン化\nワンストップ\n来庁",
    ),
    (
        "focus",
        "自治体の情報システムの標準化・共通化",
        "標準化\n標準仕様\n基幹系\n基幹システム\nガバメントクラウド\n共通化",
    ),
    ("focus", "公金収納におけるeLTAXの活用", "eLTAX\n公金\n収納\n納付\nキャッシュレス"),
    (
        "focus",
        "マイナンバーカードの普及促進・利用の推進",
        "マイナンバー\nマイナポータル\n個人番号カード\nコンビニ交付",
    ),
    ("focus", "セキュリティ対策の徹底", "セキュリティ\n個人情報保護\n情報管理"),
    ("focus", "自治体のAI・RPAの利用推進", "AI\nRPA\nOCR\nチャットボット\n自動化"),
    ("focus", "テレワークの推進", "テレワーク\nリモートワーク\n在宅勤務\n時差出勤\nWeb会議"),
    ("structure", "組織体制の整備", "推進体制\n推進本部\n推進委員会\nCIO\n推進係\n組織"),
    ("structure", "デジタル人材の確保・育成", "人材\n研修\n育成\nリーダー\nリテラシー"),
    ("structure", "計画的な取組", "計画的\nロードマップ\n進捗管理\nKPI\n業務量調査"),
    ("structure", "都道府県と市区町村の連携", "広域\n広域連携\n県と\n共同利用\n協議会\n近隣\n自治体間"),
    ("other", "地域社会のデジタル化", "地域社会\nスマート農業\n観光\n地域交通\n防災\n除雪\n見守り"),
    ("other", "デジタルデバイド対策", "デジタルデバイド\n高齢者\nスマホ教室\n操作研修\n取り残さ\n操作サポート"),
    ("other", "BPRの徹底", "BPR\n業務改善\n業務の見直し\n効率化\nペーパーレス\n電子決裁"),
    ("other", "オープンデータの推進", "オープンデータ\nデータ公開\nデータ活用"),
]


def alignment_items_ensure() -> AlignmentFramework:
    """Seed the current national items once; staff edit them (and add editions) in the back office."""
    name, edition = NATIONAL_FRAMEWORK
    framework, created = AlignmentFramework.objects.get_or_create(name=name, edition=edition)
    if created:
        AlignmentItem.objects.bulk_create(
            AlignmentItem(framework=framework, kind=kind, order=order, name=item, keywords=words)
            for order, (kind, item, words) in enumerate(NATIONAL_ITEMS, start=1)
        )
    return framework


def current_items():
    return AlignmentItem.objects.filter(framework__is_current=True).select_related("framework")


@transaction.atomic
def tags_suggest(*, measure) -> list[MeasureTag]:
    """Add suggestions for this measure; what a person already confirmed or rejected is left as it is."""
    alignment_items_ensure()
    goals = measure.plan.municipality.plan_goals.all()
    decided = {(t.item_id, t.goal_id): t for t in measure.tags.all()}
    new = []
    for found in alignment.suggest(measure, current_items(), goals):
        key = (found.target.pk, None) if isinstance(found.target, AlignmentItem) else (None, found.target.pk)
        tag = decided.get(key)
        if tag is not None and tag.status != MeasureTag.Status.SUGGESTED:
            continue
        tag = tag or MeasureTag(measure=measure, item_id=key[0], goal_id=key[1])
        tag.confidence, tag.evidence = found.confidence, "、".join(found.evidence)[:200]
        tag.save()
        new.append(tag)
    stale = {(t.pk) for t in decided.values() if t.status == MeasureTag.Status.SUGGESTED} - {t.pk for t in new}
    MeasureTag.objects.filter(pk__in=stale).delete()
    return new


@transaction.atomic
def tag_decide(*, tag, confirm: bool, user) -> MeasureTag:
    from django.utils import timezone

    tag.status = MeasureTag.Status.CONFIRMED if confirm else MeasureTag.Status.REJECTED
    tag.decided_by, tag.decided_at = user, timezone.now()
    tag.save()
    return tag


@transaction.atomic
def tags_add(*, chosen: dict, user) -> None:
    """Tags a person chose for many measures at once ({measure: [national item or 総合計画 goal, …]}, as a plan
    workbook lists them), each confirmed as tag_add() would: one read and one write for all of them."""
    from django.utils import timezone

    for measure, targets in chosen.items():
        goals = [t for t in targets if not isinstance(t, AlignmentItem)]
        if any(goal.municipality_id != measure.plan.municipality_id for goal in goals):
            raise ValidationError(_("The goal belongs to another municipality."))
    existing = {
        (t.measure_id, t.item_id, t.goal_id): t for t in MeasureTag.objects.filter(measure__in=list(chosen))
    }
    now, new = timezone.now(), []
    for measure, targets in chosen.items():
        for target in targets:
            item, goal = (target, None) if isinstance(target, AlignmentItem) else (None, target)
            tag = existing.get((measure.pk, item.pk if item else None, goal.pk if goal else None))
            if tag is None:
                new.append(
                    MeasureTag(
                        measure=measure,
                        item=item,
                        goal=goal,
                        confidence=1.0,
                        status=MeasureTag.Status.CONFIRMED,
                        decided_by=user,
                        decided_at=now,
                    )
                )
            elif tag.status != MeasureTag.Status.CONFIRMED:
                tag_decide(tag=tag, confirm=True, user=user)
    created_in_bulk(MeasureTag.objects.bulk_create(new))


@transaction.atomic
def tag_add(*, measure, user, item=None, goal=None) -> MeasureTag:
    """A tag a person chose themselves: confirmed at once."""
    if (item is None) == (goal is None):
        raise ValidationError(_("Choose one national plan item or one goal of the comprehensive plan."))
    if goal is not None and goal.municipality_id != measure.plan.municipality_id:
        raise ValidationError(_("The goal belongs to another municipality."))
    tag, _created = MeasureTag.objects.get_or_create(
        measure=measure, item=item, goal=goal, defaults={"confidence": 1.0}
    )
    return tag_decide(tag=tag, confirm=True, user=user)


# Plan workbooks brought in through the page run as jobs (ADR 20): the web process only stores the file.


def workbook_import_create(*, municipality, plan, upload, user) -> WorkbookImport:
    """Keep the uploaded workbook (through the storage, which may be shared by several machines) and queue its
    import. Where jobs run at once (tests, BANSO_JOBS=immediate) it has finished when this returns."""
    check_upload_size(upload.size, upload.name)
    found = WorkbookImport(municipality=municipality, plan=plan, original_name=upload.name[:255], uploaded_by=user)
    found.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
    found.save()
    workbook_import_start(found)
    found.refresh_from_db()
    return found


def workbook_import_start(found: WorkbookImport) -> None:
    WorkbookImport.objects.filter(pk=found.pk).update(
        status=WorkbookImport.Status.PENDING, finished_at=None, problems=[], counts={}
    )
    # The job is a row in the same database: a worker sees it when the request's transaction is committed.
    workbook_import_job.enqueue(found.pk)


def workbook_import_again(found: WorkbookImport) -> None:
    """Run an interrupted import again."""
    if found.status != WorkbookImport.Status.INTERRUPTED:
        raise ValidationError(_("Only an interrupted import can be run again."))
    workbook_import_start(found)


@job()
def workbook_import_job(import_id: int) -> str:
    """Read the whole workbook and write it all or nothing (workbook.apply_plan_import)."""
    from banso.plans import workbook

    found = WorkbookImport.objects.select_related("municipality", "plan", "uploaded_by").get(pk=import_id)
    progress_update(WorkbookImport.objects.filter(pk=found.pk), status=WorkbookImport.Status.RUNNING)
    status, result = WorkbookImport.Status.HAS_ERRORS, None
    problems: list[Problem] = []
    counts: dict[str, int] = {}
    try:
        with (
            acting_as(found.uploaded_by, label=f"plan import #{found.pk}"),
            tempfile.TemporaryDirectory() as folder,
        ):
            path = Path(folder) / "plan.xlsx"
            with found.file.open("rb") as stored, path.open("wb") as copy:
                shutil.copyfileobj(stored, copy)
            read = workbook.read_plan_workbook(
                path, found.plan, municipality=found.municipality, original_name=found.original_name
            )
            problems = read.problems
            if not read.errors:
                try:
                    result, counts = workbook.apply_plan_import(
                        read, plan=found.plan, municipality=found.municipality
                    )
                    status = WorkbookImport.Status.APPLIED
                except ValidationError as err:  # a rule only the services check; nothing was written
                    problems = [Problem(m) for m in err.messages]
    except UploadError as err:
        problems = [Problem(str(err))]
    except Exception:  # the page must learn the import stopped, not wait for ever
        log.exception("plan import %s failed", import_id)
        status = WorkbookImport.Status.FAILED
        problems = [
            Problem(
                _(
                    "The import stopped because of an internal error. Nothing was written. Please tell the operator."
                )
            )
        ]
    WorkbookImport.objects.filter(pk=found.pk).update(
        status=status,
        problems=[p.as_dict() for p in problems],
        counts=counts,
        result=result,
        finished_at=timezone.now(),
    )
    return str(status)


@receiver(job_abandoned, dispatch_uid="banso.plans.workbook_import_abandoned")
def _workbook_import_abandoned(sender: str, args: list, kwargs: dict, **extra) -> None:
    if sender != workbook_import_job.module_path:
        return
    WorkbookImport.objects.filter(
        pk=args[0] if args else kwargs["import_id"],
        status__in=[WorkbookImport.Status.PENDING, WorkbookImport.Status.RUNNING],
    ).update(
        status=WorkbookImport.Status.INTERRUPTED,
        finished_at=timezone.now(),
        problems=[
            Problem(
                _(
                    "The import was interrupted before the end (the server's worker stopped). Nothing was written. "
                    "Run it again."
                )
            ).as_dict()
        ],
    )


def document_export_create(*, plan, version, fmt: str, user) -> DocumentExport:
    """Queue the making of a plan's PDF or Word file for `user`. Done when this returns where jobs run at once."""
    export = DocumentExport.objects.create(plan=plan, version=version, fmt=fmt, requested_by=user)
    document_export_job.enqueue(export.pk)
    export.refresh_from_db()
    return export


@job()
def document_export_job(export_id: int) -> str:
    from banso.plans.documents import render_plan

    return exports.make(
        DocumentExport, export_id, lambda export: render_plan(export.plan, export.fmt, export.version)
    )


@job()
def document_exports_prune_job() -> int:
    """Remove exports older than a week, files included (a daily job)."""
    return exports.prune(DocumentExport)


@receiver(job_abandoned, dispatch_uid="banso.plans.document_export_abandoned")
def _document_export_abandoned(sender: str, args: list, kwargs: dict, **extra) -> None:
    if sender == document_export_job.module_path:
        exports.interrupted(DocumentExport, args[0] if args else kwargs["export_id"])
