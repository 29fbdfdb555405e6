"""Pages of the 課題ヒアリング: hearings, challenges, the matrix and merging similar challenges."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.core.access import get_scoped, id_param, require_manage, scoped
from banso.core.forms import submit
from banso.core.xlsx import Table, table_response
from banso.hearings import selectors, services
from banso.hearings.forms import ChallengeForm, SessionForm, ThemesForm
from banso.hearings.models import Challenge, HearingSession, Priority
from banso.orgs.access import municipality_for


def hearing_list(request, code):
    municipality = municipality_for(request, code)
    challenges = list(selectors.open_challenges(request.scope, municipality))
    counts = {p: sum(1 for c in challenges if c.priority == p) for p in Priority.values}
    return render(
        request,
        "hearings/hearing_list.html",
        {
            "municipality": municipality,
            "sessions": selectors.sessions_of(request.scope, municipality),
            "counts": [(Priority(p).label, p, n) for p, n in counts.items()],
            "total": len(challenges),
            "can_manage": request.scope.can_manage(municipality.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def hearing_edit(request, code, pk=None):
    municipality = municipality_for(request, code)
    session = get_scoped(request, HearingSession, pk=pk, municipality=municipality) if pk else None
    require_manage(request, municipality.pk)  # after the fetch: what one cannot see stays a 404
    form = SessionForm(request.POST or None, instance=session, municipality=municipality)
    saved = request.method == "POST" and submit(
        form, services.session_save, municipality=municipality, session=session
    )
    if saved:
        messages.success(request, _("The hearing was saved. Add the challenges it raised."))
        return redirect("hearings:hearing", code=code, pk=saved.pk)
    return render(
        request, "hearings/hearing_form.html", {"municipality": municipality, "form": form, "session": session}
    )


def hearing_detail(request, code, pk):
    municipality = municipality_for(request, code)
    session = get_scoped(
        request, HearingSession.objects.select_related("department"), pk=pk, municipality=municipality
    )
    can_manage = request.scope.can_manage(municipality.pk)
    form = None
    if can_manage:
        services.themes_ensure(municipality)
        form = ChallengeForm(
            municipality=municipality, initial={"session": session.pk, "department": session.department_id}
        )
    return render(
        request,
        "hearings/hearing_detail.html",
        {
            "municipality": municipality,
            "session": session,
            "can_manage": can_manage,
            "form": form,
            "challenges": selectors.with_links(request.scope, scoped(request, session.challenges.all())),
            "measure_plan": municipality.plans.first() if can_manage else None,
        },
    )


@require_http_methods(["GET", "POST"])
def challenge_edit(request, code, pk=None):
    municipality = municipality_for(request, code)
    challenge = get_scoped(request, Challenge, pk=pk, municipality=municipality) if pk else None
    require_manage(request, municipality.pk)  # after the fetch: what one cannot see stays a 404
    services.themes_ensure(municipality)
    form = ChallengeForm(
        request.POST or None,
        instance=challenge,
        municipality=municipality,
        initial={"session": request.GET.get("session")},
    )
    saved = request.method == "POST" and submit(
        form, services.challenge_save, municipality=municipality, challenge=challenge, user=request.user
    )
    if saved:
        messages.success(
            request,
            _("The challenge “%(title)s” was saved (%(priority)s).")
            % {"title": saved.title, "priority": saved.get_priority_display()},
        )
        if saved.session_id and not pk:
            return redirect("hearings:hearing", code=code, pk=saved.session_id)
        return redirect("hearings:challenges", code=code)
    return render(
        request,
        "hearings/challenge_form.html",
        {"municipality": municipality, "form": form, "challenge": challenge},
    )


def challenge_list(request, code):
    municipality = municipality_for(request, code)
    priority = request.GET.get("priority")
    # Only values the filters offer reach the query (a hand-edited address gets the unfiltered list).
    filters = {
        "priority": priority if priority in Priority.values else None,
        **{k: str(v) if (v := id_param(request.GET.get(k))) else None for k in ("theme", "department")},
    }
    challenges = list(selectors.open_challenges(request.scope, municipality, **filters))
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        return _export(municipality, challenges, export)
    return render(
        request,
        "hearings/challenge_list.html",
        {
            "municipality": municipality,
            "challenges": challenges,
            # Where 「施策にする」 puts a measure: the town's latest plan, if it has one.
            "measure_plan": municipality.plans.first(),
            "filters": filters,
            "priorities": Priority.choices,
            "themes": municipality.challenge_themes.all(),
            "departments": municipality.departments.filter(is_active=True),
            "can_manage": request.scope.can_manage(municipality.pk),
            "query": request.GET.urlencode(),
        },
    )


def _export(municipality, challenges, kind):
    table = Table(
        _("challenges"),
        [
            _("challenge"),
            _("department"),
            _("theme"),
            _("impact (1–5)"),
            _("urgency (1–5)"),
            _("feasibility (1–5)"),
            _("score"),
            _("priority group"),
            _("reason for the priority"),
            _("details"),
            _("linked survey tasks"),
        ],
        [
            [
                c.title,
                str(c.department or ""),
                str(c.theme or ""),
                c.impact,
                c.urgency,
                c.feasibility,
                c.score,
                c.get_priority_display(),
                c.priority_reason,
                c.description,
                "、".join(t.name for t in c.linked_tasks),
            ]
            for c in challenges
        ],
        [30, 14, 14, 8, 8, 8, 8, 14, 24, 40, 30],
    )
    return table_response(table, "challenges", kind)


def challenge_matrix(request, code):
    municipality = municipality_for(request, code)
    challenges = list(selectors.open_challenges(request.scope, municipality))
    return render(
        request,
        "hearings/matrix.html",
        {
            "municipality": municipality,
            "rows": selectors.matrix(challenges),
            "total": len(challenges),
        },
    )


@require_http_methods(["GET", "POST"])
def challenge_similar(request, code):
    municipality = municipality_for(request, code)
    challenges = list(selectors.open_challenges(request.scope, municipality))
    if request.method == "POST":
        require_manage(request, municipality.pk)
        return _merge(request, municipality, challenges)
    return render(
        request,
        "hearings/similar.html",
        {
            "municipality": municipality,
            "groups": selectors.similar_groups(challenges),
            "can_manage": request.scope.can_manage(municipality.pk),
        },
    )


def _merge(request, municipality, challenges):
    by_id = {str(c.pk): c for c in challenges}
    keep = by_id.get(request.POST.get("keep", ""))
    others = [by_id[pk] for pk in request.POST.getlist("merge") if pk in by_id and pk != request.POST.get("keep")]
    if keep is None or not others:
        messages.error(request, _("Choose the challenge to keep and at least one to merge into it."))
    else:
        try:
            services.challenges_merge(keep=keep, others=others)
        except ValidationError as err:
            messages.error(request, err.messages[0])
        else:
            messages.success(
                request,
                _("%(n)s challenges were merged into “%(title)s”.") % {"n": len(others), "title": keep.title},
            )
    return redirect("hearings:similar", code=municipality.code)


@require_http_methods(["GET", "POST"])
def themes_edit(request, code):
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)
    services.themes_ensure(municipality)
    current = "\n".join(municipality.challenge_themes.values_list("name", flat=True))
    form = ThemesForm(request.POST or None, initial={"names": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.themes_replace(municipality=municipality, names=form.cleaned_data["names"].splitlines())
        except ValidationError as err:
            form.add_error(None, err)
        else:
            messages.success(request, _("The themes were saved."))
            return redirect("hearings:challenges", code=code)
    return render(request, "hearings/themes_form.html", {"municipality": municipality, "form": form})


@require_POST
def challenge_close(request, code, pk):
    municipality = municipality_for(request, code)
    challenge = get_scoped(request, Challenge, pk=pk, municipality=municipality)
    require_manage(request, municipality.pk)
    services.challenge_close(challenge=challenge)
    messages.success(request, _("“%(title)s” was closed.") % {"title": challenge.title})
    return redirect("hearings:challenges", code=code)
