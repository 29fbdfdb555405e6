"""Every write of the plan. Each checks the plan's rules before anything is saved."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.core.fields import nfkc
from banso.core.fiscal import FiscalYear
from banso.plans.models import KPI, FundingScheme, KPITarget, Measure, MeasureStep, Phase, Plan, Policy

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
    ("新しい地方経済・生活環境創生交付金（第2世代交付金）", "grant", dt.date(2025, 4, 1), None),
    ("デジタル活用推進事業債", "bond", dt.date(2025, 4, 1), None),
    ("一般財源", "general", None, None),
]


def funding_schemes_ensure() -> None:
    for name, kind, valid_from, valid_until in DEFAULT_SCHEMES:
        FundingScheme.objects.get_or_create(
            name=name, defaults={"kind": kind, "valid_from": valid_from, "valid_until": valid_until}
        )


def _label(year: int) -> str:
    return FiscalYear(year).era_label


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
    *, municipality, plan=None, title, start_year, end_year, concept="", vision="", background=""
) -> Plan:
    if end_year < start_year:
        raise ValidationError({"end_year": _("The plan cannot end before it starts.")})
    plan = plan or Plan(municipality=municipality)
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
    plan.title, plan.start_year, plan.end_year = nfkc(title), start_year, end_year
    plan.concept, plan.vision, plan.background = nfkc(concept), vision.strip(), background.strip()
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
    phase.order, phase.name, phase.goal, phase.description = order, nfkc(name), nfkc(goal), description.strip()
    phase.start_year, phase.end_year = start_year, end_year
    phase.full_clean()
    phase.save()
    return phase


@transaction.atomic
def policy_save(*, plan, policy=None, number, title, description="") -> Policy:
    policy = policy or Policy(plan=plan)
    number = nfkc(number)
    if plan.policies.filter(number=number).exclude(pk=policy.pk).exists():
        raise ValidationError({"number": _("Policy %(number)s already exists.") % {"number": number}})
    policy.number, policy.title, policy.description = number, nfkc(title), description.strip()
    policy.full_clean()
    policy.save()
    return policy


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
    **values,
) -> Measure:
    """Create or change a measure with its steps (年度 → text). Empty step texts remove that year's step."""
    number = nfkc(number)
    if owner is None:
        raise ValidationError({"owner": _("Choose the department that owns this measure.")})
    if owner.municipality_id != plan.municipality_id or any(
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
    for year in steps or {}:
        _in_period(plan, int(year), "steps")
    for key, value in values.items():
        setattr(measure, key, value)
    measure.number, measure.title, measure.owner = number, nfkc(title), owner
    measure.full_clean()
    measure.save()
    measure.related_departments.set(related_departments)
    measure.funding.set(funding)
    measure.challenges.set(challenges)
    measure.survey_tasks.set(survey_tasks)
    if steps is not None:
        _set_steps(measure, steps)
    return measure


def _set_steps(measure, steps: dict) -> None:
    wanted = {int(y): t.strip() for y, t in steps.items() if t and t.strip()}
    for step in measure.steps.all():
        if step.fiscal_year not in wanted:
            step.delete()
        elif step.description != wanted[step.fiscal_year]:
            step.description = wanted[step.fiscal_year]
            step.save()
        wanted.pop(step.fiscal_year, None)
    for year, text in wanted.items():
        MeasureStep.objects.create(measure=measure, fiscal_year=year, description=text)


@transaction.atomic
def kpi_save(
    *,
    measure,
    kpi=None,
    name,
    unit,
    targets: dict,
    baseline_value=None,
    baseline_date=None,
    direction=KPI.Direction.UP,
    data_source="",
) -> KPI:
    """A KPI with one or more targets (年度 → value), each after the baseline and inside the plan period."""
    unit = nfkc(unit or "")
    if not unit:
        raise ValidationError({"unit": _("Enter the unit of the KPI (for example %, 件, 人).")})
    if not targets:
        raise ValidationError({"targets": _("Enter at least one target with its fiscal year.")})
    plan = measure.plan
    baseline_year = FiscalYear.of(baseline_date).year if baseline_date else None
    for year in targets:
        _in_period(plan, int(year), "targets")
        if baseline_year is not None and int(year) < baseline_year:
            raise ValidationError(
                {
                    "targets": _("The target for %(year)s comes before the baseline (%(base)s).")
                    % {"year": _label(int(year)), "base": _label(baseline_year)}
                }
            )
    kpi = kpi or KPI(measure=measure)
    kpi.name, kpi.unit, kpi.direction, kpi.data_source = nfkc(name), unit, direction, nfkc(data_source)
    kpi.baseline_value, kpi.baseline_date = baseline_value, baseline_date
    kpi.full_clean()
    kpi.save()
    kpi.targets.exclude(fiscal_year__in=[int(y) for y in targets]).delete()
    for year, value in targets.items():
        KPITarget.objects.update_or_create(kpi=kpi, fiscal_year=int(year), defaults={"value": Decimal(str(value))})
    return kpi
