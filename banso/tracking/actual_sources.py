"""Automatic actuals: a KPI can take its value from data Banso already has, instead of someone typing it.

The interface is one decorator. A source is a function `(kpi, parameter, on) -> Reading | None` registered
under a key with a label; a KPI points at it through `AutomaticActual(kpi, source_key, parameter)`. When an
owner opens the update form, the reading is offered as the value (marked "taken from Banso"), so the owner
still confirms it and the approval rules stay the same. Later capabilities register their own sources (the
number of staff trained, help-desk cases answered) in their AppConfig.ready(), like home-page panels.

    @actual_source("survey_task_hours", _("yearly hours of a survey task"), _("survey task number"))
    def survey_task_hours(kpi, parameter, on): ...
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Reading:
    value: Decimal
    as_of: dt.date
    source: str


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    parameter_label: str
    read: Callable


SOURCES: dict[str, Source] = {}


def actual_source(key: str, label, parameter_label=""):
    def register(function):
        SOURCES[key] = Source(key, label, parameter_label, function)
        return function

    return register


def reading_for(kpi, on: dt.date) -> Reading | None:
    automatic = getattr(kpi, "automatic", None)
    source = SOURCES.get(automatic.source_key) if automatic else None
    return source.read(kpi, automatic.parameter, on) if source and automatic else None


def _latest_task(municipality, name_or_id: str):
    from banso.survey.models import SurveyTask

    tasks = SurveyTask.objects.filter(survey_round__municipality=municipality).select_related("survey_round")
    found = tasks.filter(pk=int(name_or_id)) if name_or_id.isdigit() else tasks.filter(name=name_or_id.strip())
    return found.order_by("-survey_round__fiscal_year", "-survey_round__created_at").first()


@actual_source(
    "survey_task_hours", _("yearly hours of a task in the business-volume survey"), _("task name or number")
)
def survey_task_hours(kpi, parameter, on):
    task = _latest_task(kpi.measure.plan.municipality, parameter)
    if task is None or task.annual_hours is None:
        return None
    survey_round = task.survey_round
    return Reading(
        Decimal(task.annual_hours).quantize(Decimal("0.1")),
        min(on, survey_round.deadline or on),
        f"業務量調査 {survey_round.title}：{task.name}",
    )


@actual_source(
    "survey_department_hours",
    _("yearly hours of a department in the business-volume survey"),
    _("department name"),
)
def survey_department_hours(kpi, parameter, on):
    from django.db.models import Sum

    from banso.survey.models import SurveyRound

    municipality = kpi.measure.plan.municipality
    survey_round = (
        SurveyRound.objects.filter(municipality=municipality).order_by("-fiscal_year", "-created_at").first()
    )
    if survey_round is None:
        return None
    total = survey_round.tasks.filter(department__name=parameter.strip()).aggregate(h=Sum("annual_hours"))["h"]
    if total is None:
        return None
    return Reading(
        Decimal(total).quantize(Decimal("0.1")),
        min(on, survey_round.deadline or on),
        f"業務量調査 {survey_round.title}：{parameter}",
    )
