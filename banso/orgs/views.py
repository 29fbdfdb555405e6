"""Pages for organisations. Each view fetches through the scope and authorises before it writes."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.core import panels
from banso.core.access import get_scoped, require_manage, scoped
from banso.core.forms import submit
from banso.core.htmx import render_partial
from banso.core.models import AuditEntry
from banso.core.types import BansoRequest
from banso.orgs import selectors, services
from banso.orgs.codes import normalize_lg_code
from banso.orgs.forms import DepartmentForm, MunicipalityProfileForm, PlanGoalForm, SectionForm
from banso.orgs.models import ComprehensivePlanGoal, Department, Municipality, Role, SupportProvider

MUNICIPAL_ROLES = {Role.DX_STAFF, Role.DEPARTMENT_STAFF, Role.EXECUTIVE}


def home(request: BansoRequest) -> HttpResponse:
    scope = request.scope
    municipalities = list(selectors.visible_municipalities(scope))
    # A card with every capability's panel for the towns the user works in; the towns a prefecture or an
    # advisor follows (179 in 北海道) in overviews whose queries do not grow with their number.
    own = [m for m in municipalities if scope.grants[m.pk].roles & MUNICIPAL_ROLES]
    followed = [m for m in municipalities if not scope.grants[m.pk].roles & MUNICIPAL_ROLES]
    prefetch_related_objects(own, "departments")
    roles = scope.roles()
    cards = [_home_card(request, m) for m in own]
    context = {
        "cards": cards,
        "overviews": panels.overviews_for(request, followed),
        "role_labels": _role_labels(request.user, cards),
        "no_membership": scope.is_empty,
        # The town-wide feed names objects of every department: only for those who may read them all.
        "recent_changes": scope.filter(
            AuditEntry.objects.filter(
                municipality_id__in=[m for m, grant in scope.grants.items() if grant.read_all]
            )
        ).select_related("actor", "content_type")[:8],
    }
    if Role.PREFECTURE_STAFF in roles:
        context["prefecture_municipalities"] = list(selectors.prefecture_overview(scope.prefecture_ids))
    if Role.ADVISOR in roles:
        context["assignments"] = list(selectors.assignments_for_advisor(request.user))
        context["today"] = scope.on
    return render(request, "orgs/home.html", context)


def _role_labels(user: Any, cards: list[dict[str, Any]]) -> list[str]:
    """One badge per role: per town for municipal roles, per organisation for the others."""
    labels = [
        f"{card['municipality'].name}・{Role(role).label}"
        for card in cards
        for role in sorted(card["role_codes"] & MUNICIPAL_ROLES)
    ]
    for membership in user.memberships.filter(
        is_active=True, role__in=[Role.PREFECTURE_STAFF, Role.ADVISOR]
    ).select_related("prefecture", "provider"):
        labels.append(f"{membership.organisation}・{membership.get_role_display()}")
    return labels


def _home_card(request: BansoRequest, municipality: Any) -> dict[str, Any]:  # annotated with counts
    """What one municipality's card on the home page says to this user."""
    grant = request.scope.grants[municipality.pk]
    steps = [
        (
            _("Check the profile: staff count, budget and comprehensive plan"),
            municipality.staff_count is not None,
            "orgs:municipality_edit",
        ),
        (
            _("Register the departments (課) and their sections (係)"),
            municipality.department_count > 0,
            "orgs:departments",
        ),
        (_("Enter the goals of the comprehensive plan"), municipality.goal_count > 0, "orgs:goal_create"),
    ]
    return {
        "municipality": municipality,
        "manage": grant.manage,
        "role_codes": set(grant.roles),
        "my_departments": [d for d in municipality.departments.all() if d.pk in grant.departments],
        "steps": steps if grant.manage else [],
        "setup_done": all(done for _label, done, _url in steps),
        "panels": panels.render_for(request, municipality, grant),
    }


def municipality_list(request: BansoRequest) -> HttpResponse:
    """The user's municipalities, and a jump by 団体コード (5 or 6 digits, full-width accepted)."""
    code_error = None
    if request.GET.get("code"):
        try:
            code = normalize_lg_code(request.GET["code"])
        except ValidationError as err:
            code_error = err.messages[0]
        else:
            if scoped(request, Municipality).filter(code=code).exists():
                return redirect("orgs:municipality", code=code)
            code_error = _("No municipality with code %(code)s is among those you can see.") % {"code": code}
    return render(
        request,
        "orgs/municipality_list.html",
        {
            "municipalities": selectors.visible_municipalities(request.scope),
            "code_error": code_error,
            "code_value": request.GET.get("code", ""),
        },
    )


def municipality_detail(request: BansoRequest, code: str) -> HttpResponse:
    municipality = get_scoped(request, Municipality.objects.select_related("prefecture"), code=code)
    return render(
        request,
        "orgs/municipality_detail.html",
        {
            "municipality": municipality,
            "departments": selectors.departments_of(request.scope, municipality),
            "goals": ComprehensivePlanGoal.objects.filter(municipality=municipality),
            "can_manage": request.scope.can_manage(municipality.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def municipality_edit(request: BansoRequest, code: str) -> HttpResponse:
    municipality = get_scoped(request, Municipality, code=code)
    require_manage(request, municipality.pk)
    form = MunicipalityProfileForm(request.POST or None, instance=municipality)
    if request.method == "POST" and submit(form, services.municipality_update_profile, municipality=municipality):
        messages.success(request, _("The profile of %(town)s was saved.") % {"town": municipality.name})
        return redirect("orgs:municipality", code=code)
    return render(request, "orgs/municipality_edit.html", {"municipality": municipality, "form": form})


@require_http_methods(["GET", "POST"])
def department_list(request: BansoRequest, code: str) -> HttpResponse:
    municipality = get_scoped(request, Municipality, code=code)
    can_manage = request.scope.can_manage(municipality.pk)
    form = DepartmentForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require_manage(request, municipality.pk)
        assert form is not None  # who may manage has the form  # noqa: S101
        if submit(form, services.department_create, municipality=municipality):
            messages.success(request, _("The department was added."))
            return redirect("orgs:departments", code=code)
    return render(
        request,
        "orgs/department_list.html",
        {
            "municipality": municipality,
            "form": form,
            "can_manage": can_manage,
            "departments": selectors.departments_of(request.scope, municipality),
        },
    )


@require_http_methods(["GET", "POST"])
def department_detail(request: BansoRequest, code: str, pk: int) -> HttpResponse:
    department = get_scoped(
        request, Department.objects.select_related("municipality"), pk=pk, municipality__code=code
    )
    municipality = department.municipality
    can_manage = request.scope.can_manage(municipality.pk)
    form = SectionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require_manage(request, municipality.pk)
        assert form is not None  # who may manage has the form  # noqa: S101
        if submit(form, services.section_create, department=department):
            if not request.htmx:
                messages.success(request, _("The section was added."))
                return redirect("orgs:department", code=code, pk=pk)
            form = SectionForm()  # htmx swaps the list in place, with an empty form for the next one
    context = {
        "municipality": municipality,
        "department": department,
        "form": form,
        "can_manage": can_manage,
        "sections": department.sections.all(),
        "members": selectors.members_of(request.scope, municipality).filter(department=department),
    }
    return render_partial(request, "orgs/department_detail.html", "orgs/partials/sections.html", context)


@require_http_methods(["GET", "POST"])
def department_edit(request: BansoRequest, code: str, pk: int) -> HttpResponse:
    department = get_scoped(
        request, Department.objects.select_related("municipality"), pk=pk, municipality__code=code
    )
    require_manage(request, department.municipality_id)
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and submit(form, services.department_update, department=department):
        messages.success(request, _("The department was saved."))
        return redirect("orgs:department", code=code, pk=pk)
    return render(
        request,
        "orgs/department_edit.html",
        {"municipality": department.municipality, "department": department, "form": form},
    )


@require_http_methods(["GET", "POST"])
def goal_create(request: BansoRequest, code: str) -> HttpResponse:
    municipality = get_scoped(request, Municipality, code=code)
    require_manage(request, municipality.pk)
    return _goal_form(request, municipality, None)


@require_http_methods(["GET", "POST"])
def goal_edit(request: BansoRequest, code: str, pk: int) -> HttpResponse:
    goal = get_scoped(
        request, ComprehensivePlanGoal.objects.select_related("municipality"), pk=pk, municipality__code=code
    )
    require_manage(request, goal.municipality_id)
    return _goal_form(request, goal.municipality, goal)


def _goal_form(
    request: BansoRequest, municipality: Municipality, goal: ComprehensivePlanGoal | None
) -> HttpResponse:
    form = PlanGoalForm(request.POST or None, instance=goal)
    if request.method == "POST" and submit(form, services.plan_goal_save, municipality=municipality, goal=goal):
        messages.success(request, _("The goal was saved."))
        return redirect("orgs:municipality", code=municipality.code)
    return render(request, "orgs/goal_form.html", {"municipality": municipality, "goal": goal, "form": form})


@require_POST
def goal_delete(request: BansoRequest, code: str, pk: int) -> HttpResponse:
    goal = get_scoped(request, ComprehensivePlanGoal, pk=pk, municipality__code=code)
    require_manage(request, goal.municipality_id)
    services.plan_goal_delete(goal=goal)
    messages.success(request, _("The goal was deleted. Its history remains."))
    return redirect("orgs:municipality", code=code)


def member_list(request: BansoRequest, code: str) -> HttpResponse:
    municipality = get_scoped(request, Municipality, code=code)
    require_manage(request, municipality.pk)
    return render(
        request,
        "orgs/member_list.html",
        {
            "municipality": municipality,
            "members": selectors.members_of(request.scope, municipality),
            "assignments": selectors.scoped_assignments(request.scope, municipality),
        },
    )


def provider_list(request: BansoRequest) -> HttpResponse:
    providers = SupportProvider.objects.annotate(advisor_count=Count("memberships", distinct=True))
    return render(request, "orgs/provider_list.html", {"providers": providers})


def provider_detail(request: BansoRequest, pk: int) -> HttpResponse:
    # The directory of providers is shared reference data; their assignments are scoped.
    provider = get_object_or_404(SupportProvider, pk=pk)
    return render(
        request,
        "orgs/provider_detail.html",
        {
            "provider": provider,
            "assignments": selectors.scoped_assignments(request.scope).filter(provider=provider),
        },
    )
