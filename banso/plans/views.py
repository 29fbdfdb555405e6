"""Pages of the DX plan: the plan and its parts, measures with steps and KPIs, tags, versions and the roadmap."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.core.access import get_scoped, id_param, require_manage
from banso.core.forms import submit
from banso.orgs.access import municipality_for
from banso.plans import selectors, services
from banso.plans.access import managed_plan_for, measure_for, plan_for
from banso.plans.forms import (
    AssessmentForm,
    KPIForm,
    MeasureForm,
    PhaseForm,
    PlanForm,
    PolicyForm,
    TagAddForm,
    ViewpointForm,
)
from banso.plans.models import KPI, AlignmentItem, MeasureTag, Phase, Plan, Policy, Viewpoint


def plan_list(request, code):
    municipality = municipality_for(request, code)
    return render(
        request,
        "plans/plan_list.html",
        {
            "municipality": municipality,
            "plans": selectors.plans_of(request.scope, municipality),
            "can_manage": request.scope.can_manage(municipality.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request, code, pk=None):
    municipality = municipality_for(request, code)
    plan = get_scoped(request, Plan, pk=pk, municipality=municipality) if pk else None
    require_manage(request, municipality.pk)
    form = PlanForm(request.POST or None, instance=plan)
    saved = request.method == "POST" and submit(form, services.plan_save, municipality=municipality, plan=plan)
    if saved:
        messages.success(request, _("The plan was saved."))
        return redirect("plans:plan", code=code, pk=saved.pk)
    return render(request, "plans/plan_form.html", {"municipality": municipality, "form": form, "plan": plan})


def plan_detail(request, code, pk):
    municipality, plan = plan_for(request, code, pk)
    measures = list(selectors.measures_of(request.scope, plan))
    measures.sort(key=lambda m: selectors.measure_sort_key(m.number))
    return render(
        request,
        "plans/plan_detail.html",
        {
            "municipality": municipality,
            "plan": plan,
            "phases": list(plan.phases.all()),
            "policy_tree": selectors.policy_tree(plan),
            "viewpoints": list(plan.viewpoints.all()),
            "measures": measures,
            "kpis": [k for m in measures for k in m.kpis.all()],
            "versions": list(plan.versions.all()),
            "can_manage": request.scope.can_manage(municipality.pk),
            "can_read_all": request.scope.can_read_all(municipality.pk),
        },
    )


# -- phases and policies ------------------------------------------------------------------


def _part_edit(request, code, pk, *, model, form_class, service, part_id, noun, field):
    municipality, plan = managed_plan_for(request, code, pk)
    part = get_scoped(request, model, pk=part_id, plan=plan) if part_id else None
    form = form_class(request.POST or None, instance=part, plan=plan)
    saved = request.method == "POST" and submit(form, service, plan=plan, **{field: part})
    if saved:
        messages.success(request, _("“%(name)s” was saved.") % {"name": saved})
        return redirect("plans:plan", code=code, pk=plan.pk)
    return render(
        request,
        "plans/part_form.html",
        {
            "municipality": municipality,
            "plan": plan,
            "form": form,
            "part": part,
            "noun": noun,
            "delete_url": reverse(f"plans:{field}_delete", args=[code, plan.pk, part.pk]) if part else None,
        },
    )


@require_http_methods(["GET", "POST"])
def phase_edit(request, code, pk, phase_id=None):
    return _part_edit(
        request,
        code,
        pk,
        model=Phase,
        form_class=PhaseForm,
        service=services.phase_save,
        part_id=phase_id,
        noun=_("phase"),
        field="phase",
    )


@require_http_methods(["GET", "POST"])
def policy_edit(request, code, pk, policy_id=None):
    return _part_edit(
        request,
        code,
        pk,
        model=Policy,
        form_class=PolicyForm,
        service=services.policy_save,
        part_id=policy_id,
        noun=_("policy"),
        field="policy",
    )


@require_http_methods(["GET", "POST"])
def viewpoint_edit(request, code, pk, viewpoint_id=None):
    return _part_edit(
        request,
        code,
        pk,
        model=Viewpoint,
        form_class=ViewpointForm,
        service=services.viewpoint_save,
        part_id=viewpoint_id,
        noun=_("cross-cutting viewpoint"),
        field="viewpoint",
    )


@require_POST
def viewpoint_delete(request, code, pk, viewpoint_id):
    plan = managed_plan_for(request, code, pk)[1]
    viewpoint = get_scoped(request, Viewpoint, pk=viewpoint_id, plan=plan)
    services.viewpoint_delete(viewpoint=viewpoint)
    messages.success(request, _("“%(name)s” was deleted. Its measures stay as they are.") % {"name": viewpoint})
    return redirect("plans:plan", code=code, pk=plan.pk)


@require_POST
def phase_delete(request, code, pk, phase_id):
    plan = managed_plan_for(request, code, pk)[1]
    phase = get_scoped(request, Phase, pk=phase_id, plan=plan)
    services.phase_delete(phase=phase)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": phase.name})
    return redirect("plans:plan", code=code, pk=plan.pk)


@require_POST
def policy_delete(request, code, pk, policy_id):
    plan = managed_plan_for(request, code, pk)[1]
    policy = get_scoped(request, Policy, pk=policy_id, plan=plan)
    services.policy_delete(policy=policy)
    messages.success(
        request, _("“%(name)s” was deleted. Its measures stay in the plan without a policy.") % {"name": policy}
    )
    return redirect("plans:plan", code=code, pk=plan.pk)


# -- measures and KPIs --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def measure_create(request, code, pk):
    municipality, plan = managed_plan_for(request, code, pk)
    return _measure_form(request, municipality, plan, None)


@require_http_methods(["GET", "POST"])
def measure_edit(request, code, measure_id):
    municipality, measure = measure_for(request, code, measure_id)
    require_manage(request, municipality.pk)
    return _measure_form(request, municipality, measure.plan, measure)


def _measure_form(request, municipality, plan, measure):
    form = MeasureForm(
        request.POST or None, instance=measure, plan=plan, initial=_from_challenge(request, municipality)
    )
    saved = request.method == "POST" and submit(form, services.measure_save, plan=plan, measure=measure)
    if saved:
        messages.success(request, _("Measure %(number)s was saved.") % {"number": saved.number})
        return redirect("plans:measure", code=municipality.code, measure_id=saved.pk)
    return render(
        request,
        "plans/measure_form.html",
        {"municipality": municipality, "plan": plan, "measure": measure, "form": form},
    )


def _from_challenge(request, municipality):
    """「施策にする」 from a challenge starts the measure with its words, its department and its link."""
    challenge = municipality.challenges.filter(pk=id_param(request.GET.get("challenge"))).first()
    if challenge is None:
        return {}
    return {
        "title": challenge.title,
        "purpose": challenge.description,
        "owner": challenge.department_id,
        "challenges": [challenge.pk],
        "survey_tasks": [t.pk for t in challenge.survey_tasks.all()],
    }


def measure_detail(request, code, measure_id):
    municipality, measure = measure_for(request, code, measure_id)
    can_manage = request.scope.can_manage(municipality.pk)
    tags = list(measure.tags.select_related("item", "goal", "decided_by"))
    return render(
        request,
        "plans/measure_detail.html",
        {
            "municipality": municipality,
            "plan": measure.plan,
            "measure": measure,
            "steps": list(measure.steps.all()),
            "kpis": list(measure.kpis.prefetch_related("targets", "assessments")),
            "tags": tags,
            "policy_path": selectors.policy_path(measure),
            "listed_again": list(
                measure.kpis_listed_again.select_related("measure").prefetch_related("targets", "assessments")
            ),
            "grades": list(measure.plan.grades().items()),
            "assessment_form": AssessmentForm(measure=measure) if can_manage else None,
            "viewpoints": list(measure.viewpoints.all()),
            "budgets": list(measure.budgets.prefetch_related("funding")),
            "can_manage": can_manage,
            "tag_form": TagAddForm(municipality=municipality) if can_manage else None,
        },
    )


@require_POST
def assessment_save(request, code, measure_id):
    """The DX office grades one of the measure's KPIs for a 年度 (A 目標より進んでいる … D 評価できない)."""
    municipality, measure = measure_for(request, code, measure_id)
    require_manage(request, municipality.pk)
    form = AssessmentForm(request.POST, measure=measure)
    if submit(form, services.assessment_save):
        messages.success(request, _("The grade was saved."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect("plans:measure", code=code, measure_id=measure.pk)


@require_POST
def measure_start(request, code, measure_id):
    """The DX office makes a draft taken in from elsewhere one of the plan's reported measures."""
    municipality, measure = measure_for(request, code, measure_id)
    require_manage(request, municipality.pk)
    services.measure_start(measure=measure)
    messages.success(
        request,
        _("Measure %(number)s is now reported on from the current period.") % {"number": measure.number},
    )
    return redirect("plans:measure", code=code, measure_id=measure.pk)


@require_POST
def measure_delete(request, code, measure_id):
    municipality, measure = measure_for(request, code, measure_id)
    require_manage(request, municipality.pk)
    services.measure_delete(measure=measure)
    messages.success(request, _("Measure %(number)s was deleted.") % {"number": measure.number})
    return redirect("plans:plan", code=code, pk=measure.plan_id)


@require_http_methods(["GET", "POST"])
def kpi_edit(request, code, measure_id, kpi_id=None):
    municipality, measure = measure_for(request, code, measure_id)
    kpi = get_scoped(request, KPI, pk=kpi_id, measure=measure) if kpi_id else None
    require_manage(request, municipality.pk)
    form = KPIForm(request.POST or None, instance=kpi, plan=measure.plan)
    saved = request.method == "POST" and submit(form, services.kpi_save, measure=measure, kpi=kpi)
    if saved:
        messages.success(request, _("The KPI “%(name)s” was saved.") % {"name": saved.name})
        return redirect("plans:measure", code=code, measure_id=measure.pk)
    return render(
        request,
        "plans/kpi_form.html",
        {"municipality": municipality, "plan": measure.plan, "measure": measure, "form": form, "kpi": kpi},
    )


@require_POST
def kpi_delete(request, code, measure_id, kpi_id):
    municipality, measure = measure_for(request, code, measure_id)
    kpi = get_scoped(request, KPI, pk=kpi_id, measure=measure)
    require_manage(request, municipality.pk)
    services.kpi_delete(kpi=kpi)
    messages.success(request, _("The KPI “%(name)s” was deleted.") % {"name": kpi.name})
    return redirect("plans:measure", code=code, measure_id=measure.pk)


# -- alignment tags -----------------------------------------------------------------------


@require_POST
def tags_suggest(request, code, measure_id):
    municipality, measure = measure_for(request, code, measure_id)
    require_manage(request, municipality.pk)
    found = services.tags_suggest(measure=measure)
    messages.success(request, _("%(n)s tags are suggested. Confirm the ones that fit.") % {"n": len(found)})
    return redirect(reverse("plans:measure", kwargs={"code": code, "measure_id": measure.pk}) + "#tags")


@require_POST
def tag_decide(request, code, measure_id):
    municipality, measure = measure_for(request, code, measure_id)
    require_manage(request, municipality.pk)
    tag = measure.tags.filter(pk=id_param(request.POST.get("tag"))).first()
    if tag is None:
        raise Http404
    services.tag_decide(tag=tag, confirm=request.POST.get("decision") == "confirm", user=request.user)
    return redirect(reverse("plans:measure", kwargs={"code": code, "measure_id": measure.pk}) + "#tags")


@require_POST
def tag_add(request, code, measure_id):
    municipality, measure = measure_for(request, code, measure_id)
    require_manage(request, municipality.pk)
    form = TagAddForm(request.POST, municipality=municipality)
    if form.is_valid():
        kind, _sep, pk = form.cleaned_data["target"].partition("-")
        item = AlignmentItem.objects.filter(pk=pk).first() if kind == "item" else None
        goal = municipality.plan_goals.filter(pk=pk).first() if kind == "goal" else None
        try:
            services.tag_add(measure=measure, user=request.user, item=item, goal=goal)
        except ValidationError as err:
            messages.error(request, err.messages[0])
    else:
        messages.error(request, _("Choose a tag from the list."))
    return redirect(reverse("plans:measure", kwargs={"code": code, "measure_id": measure.pk}) + "#tags")


def alignment(request, code, pk):
    """Measures by tag: each national item and 総合計画 goal with the measures confirmed under it."""
    municipality, plan = plan_for(request, code, pk)
    services.alignment_items_ensure()
    measures = selectors.measures_of(request.scope, plan)
    return render(
        request,
        "plans/alignment.html",
        {
            "municipality": municipality,
            "plan": plan,
            "groups": selectors.measures_by_tag(plan, measures),
            "pending": MeasureTag.objects.filter(measure__in=measures, status=MeasureTag.Status.SUGGESTED).count(),
        },
    )


# -- roadmap ------------------------------------------------------------------------------


def roadmap(request, code, pk):
    municipality, plan = plan_for(request, code, pk)
    filters = {k: request.GET.get(k) or None for k in ("policy", "department", "tag")}
    measures = sorted(
        selectors.measures_of(request.scope, plan, **filters), key=lambda m: selectors.measure_sort_key(m.number)
    )
    return render(
        request,
        "plans/roadmap.html",
        {
            "municipality": municipality,
            "plan": plan,
            "roadmap": selectors.roadmap(plan, measures),
            "filters": filters,
            "policy_labels": list(selectors.policy_choice_labels(plan).items()),
            "departments": municipality.departments.filter(is_active=True),
            "tag_choices": selectors.tag_choices(municipality),
            "today": timezone.localdate(),
        },
    )
