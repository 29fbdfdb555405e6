"""Pages of the case library: search, a case, writing and reviewing, recommendations, similar cases, adoption."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.cases import selectors, services
from banso.cases.forms import CaseForm, RecommendForm, ReviewForm
from banso.cases.models import Case
from banso.core.access import get_scoped, id_param, require_manage
from banso.core.flows import adopt_into_latest_plan
from banso.core.forms import submit
from banso.core.xlsx import Table, table_response
from banso.orgs.access import municipality_for
from banso.orgs.models import Municipality
from banso.plans.models import Measure

PAGE_SIZE = 20
MAX_PAGE = 100_000  # 2,000,000 cases: far beyond any library; a larger number is a hand-edited URL


def _require_member(request):
    if request.scope.is_empty:
        raise PermissionDenied


def _filters(request) -> selectors.Filters:
    get = request.GET
    theme = get.get("theme", "")
    band = get.get("band", "")
    return selectors.Filters(
        theme=theme if theme in Case.Theme.values else "",
        tag=id_param(get.get("tag")),
        band=band if band in Case.PopulationBand.values else "",
        prefecture=id_param(get.get("prefecture")),
        funding=get.get("funding", "")
        if (get.get("funding", "").isdigit() or get.get("funding") == "none")
        else "",
    )


def library(request):
    """事例ライブラリ: search with facets, or every published case, newest first."""
    _require_member(request)
    query = " ".join(request.GET.get("q", "").split())[:200]
    filters = _filters(request)
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        page = selectors.search(request.scope, query, filters, limit=10_000)
        return table_response(_results_table(page), "cases", export)
    asked = request.GET.get("page")
    number = id_param(asked) if asked else 1
    if number is None or not 1 <= number <= MAX_PAGE:  # a page that cannot exist: a hand-edited URL
        raise Http404
    page = selectors.search(request.scope, query, filters, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE)
    paginator = Paginator(range(page.total), PAGE_SIZE)
    if number > paginator.num_pages:  # a page past the last one is not found, as a hand-edited URL should be
        raise Http404
    return render(
        request,
        "cases/library.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "pages": paginator.get_page(number),
            "reviewable": selectors.cases_to_review(request.scope),
            "towns": [m for m in request.scope.municipalities() if request.scope.can_manage(m.pk)],
        },
    )


def _results_table(page) -> Table:
    return Table(
        _("cases"),
        [_("municipality"), _("prefecture"), _("title"), _("theme"), _("period"), _("population"), _("summary")],
        [
            [
                h.case.municipality.name,
                h.case.prefecture.name,
                h.case.title,
                h.case.get_theme_display(),
                h.case.period_label(),
                h.case.population,
                h.case.summary,
            ]
            for h in page.hits
        ],
        widths=[12, 10, 40, 18, 16, 10, 60],
    )


def case_detail(request, pk):
    case = get_scoped(request, Case.objects.select_related("municipality", "prefecture", "source_measure"), pk=pk)
    scope = request.scope
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "can_edit": selectors.can_edit(scope, case),
            "can_review": selectors.can_review(scope, case),
            "can_withdraw": selectors.can_withdraw(scope, case),
            "adopting_towns": selectors.adopting_towns(scope, case),
            "transitions": case.transitions.select_related("by")[:20],
            "review_form": ReviewForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def case_edit(request, code=None, pk=None):
    case = get_scoped(request, Case, pk=pk) if pk else None
    town = case.municipality if case else get_scoped(request, Municipality, code=code)
    require_manage(request, town.pk)
    if case is not None and not selectors.can_edit(request.scope, case):
        messages.error(request, _("Only a draft can be changed. Withdraw the case to a draft first."))
        return redirect("cases:case", pk=case.pk)
    form = CaseForm(request.POST or None, instance=case)
    saved = request.method == "POST" and submit(form, services.case_save, municipality=town, case=case)
    if saved:
        messages.success(request, _("The case “%(title)s” was saved as a draft.") % {"title": saved.title})
        return redirect("cases:case", pk=saved.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case, "municipality": town})


@require_POST
def case_status(request, pk):
    """Send for review, publish, return to the author, or withdraw: each needs its own right."""
    case = get_scoped(request, Case, pk=pk)
    action = request.POST.get("action")
    allowed = {
        "submit": (selectors.can_edit, Case.Status.IN_REVIEW),
        "publish": (selectors.can_review, Case.Status.PUBLISHED),
        "return": (selectors.can_review, Case.Status.DRAFT),
        "withdraw": (selectors.can_withdraw, Case.Status.DRAFT),
    }
    if action not in allowed or not allowed[action][0](request.scope, case):
        raise PermissionDenied
    try:
        services.case_transition(
            case=case, to_status=allowed[action][1], user=request.user, note=request.POST.get("note", "")
        )
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(request, _("The case is now “%(status)s”.") % {"status": case.get_status_display()})
    return redirect("cases:case", pk=case.pk)


@require_POST
def case_adopt(request, pk):
    """Take a published case into one of the reader's municipalities' plans as a draft measure."""
    case = get_scoped(request, Case.objects.select_related("municipality"), pk=pk)
    return adopt_into_latest_plan(
        request,
        municipality_for(request, request.POST.get("municipality", "")),
        lambda plan, policy: services.case_adopt(case=case, plan=plan, user=request.user, policy=policy),
        reverse("cases:case", args=[case.pk]),
        source_label=services.case_source_label(case),
        reference=services.case_reference(case),
        earlier=lambda plan: services.adopted_case_measure(case, plan),
    )


def town_cases(request, code):
    """A municipality's own cases in every status, and its finished measures that have no case yet."""
    town = get_scoped(request, Municipality, code=code)
    cases = selectors.visible_cases(request.scope).filter(municipality=town).order_by("status", "-updated_at")
    can_manage = request.scope.can_manage(town.pk)
    finished = selectors.finished_without_case(request.scope, town) if can_manage else []
    return render(
        request,
        "cases/town_cases.html",
        {
            "municipality": town,
            "cases": cases,
            "finished": finished,
            "can_manage": request.scope.can_manage(town.pk),
        },
    )


def recommended(request, code):
    """Cases for this municipality: from a challenge typed here, or from its open challenges."""
    town = get_scoped(request, Municipality.objects.select_related("prefecture"), code=code)
    form = RecommendForm(request.GET or None)
    text = form.cleaned_data["text"].strip() if form.is_valid() else ""
    texts = [(text if len(text) <= 60 else text[:60] + "…", text)] if text else None
    challenges = [] if text else selectors.open_challenges(request.scope, town)
    found = selectors.recommend(request.scope, town, texts=texts, limit=10)
    return render(
        request,
        "cases/recommended.html",
        {
            "municipality": town,
            "form": form,
            "text": text,
            "challenges": challenges,
            "recommendations": found,
            "can_adopt": request.scope.can_manage(town.pk) and town.plans.exists(),
        },
    )


def similar(request, code):
    """Similar cases for a challenge (?challenge=) or a measure (?measure=): the words it is written in and the
    town's profile. Loaded into those pages by htmx; a page of its own without it."""
    from banso.hearings.models import Challenge

    town = get_scoped(request, Municipality.objects.select_related("prefecture"), code=code)
    label, text, exclude = "", "", []
    if challenge_id := id_param(request.GET.get("challenge")):
        challenge = get_scoped(request, Challenge, pk=challenge_id, municipality=town)
        label, text = challenge.title, f"{challenge.title} {challenge.description}"
    elif measure_id := id_param(request.GET.get("measure")):
        measure = get_scoped(request, Measure, pk=measure_id, plan__municipality=town)
        label, text = measure.title, " ".join([measure.title, measure.purpose, measure.content])
        exclude = selectors.adopted_from(request.scope, measure)
    found = (
        selectors.recommend(request.scope, town, texts=[(label, text)], limit=3, exclude=exclude) if text else []
    )
    template = "cases/_similar.html" if request.htmx else "cases/similar.html"
    return render(request, template, {"municipality": town, "recommendations": found, "label": label})


@require_POST
def measure_to_case(request, code, measure_id):
    town = get_scoped(request, Municipality, code=code)
    measure = get_scoped(request, Measure, pk=measure_id, plan__municipality=town)
    require_manage(request, town.pk)
    try:
        case = services.case_from_measure(measure=measure, user=request.user)
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
        return redirect("plans:measure", code=code, measure_id=measure.pk)
    messages.success(
        request, _("A case draft was written from the measure. Add what only you know, then send it for review.")
    )
    return redirect("cases:case", pk=case.pk)
