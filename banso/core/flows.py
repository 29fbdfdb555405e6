"""Page flows shared by several apps. They take the objects a view already fetched through the scope and the
URL names to go to, so `core` stays below every app it serves."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from banso.core.access import require_manage
from banso.core.types import BansoRequest


def adopt_into_latest_plan(
    request: BansoRequest,
    town: Any,
    adopt: Callable[[Any, Any], Any],
    failure_url: str,
    *,
    source_label: str,
    reference: str,
    earlier: Callable[[Any], Any],
) -> HttpResponse:
    """The one page flow of taking something into a town's latest plan (a peer's measure, a case): only its DX
    office, only with a plan. The first press shows where it will go (the 方針 to pick) and the source's text as
    a reference; the second makes the draft, `adopt(plan, policy)`, and opens it. Something taken in before
    (`earlier(plan)`) opens instead of being made twice; a refusal is shown where the user came from."""
    require_manage(request, town.pk)
    plan = town.plans.first()
    if plan is None:
        messages.error(request, _("Start your plan first: an adopted measure goes into it."))
        return redirect("plans:plans", code=town.code)
    if (found := earlier(plan)) is not None:
        messages.info(
            request,
            _("This is already in your plan as %(number)s “%(title)s”.")
            % {"number": found.number, "title": found.title},
        )
        return redirect("plans:measure", code=town.code, measure_id=found.pk)
    policies = list(plan.policies.all())
    chosen = request.POST.get("policy")
    policy = next((p for p in policies if str(p.pk) == chosen), None)
    if chosen is None or (policies and policy is None):
        return render(
            request,
            "core/adopt.html",
            {
                "municipality": town,
                "plan": plan,
                "policies": policies,
                "source_label": source_label,
                "reference": reference,
                "carried": {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "policy")},
                "cancel_url": failure_url,
                "error": _("Choose the 方針 the measure goes under.") if chosen is not None else "",
            },
        )
    try:
        measure = adopt(plan, policy)
    except ValidationError as err:
        made_meanwhile = getattr(err, "measure_id", None)  # a second tab was quicker (AlreadyAdopted)
        if made_meanwhile:
            messages.info(request, " ".join(err.messages))
            return redirect("plans:measure", code=town.code, measure_id=made_meanwhile)
        messages.error(request, " ".join(err.messages))
        return redirect(failure_url)
    messages.success(
        request,
        _(
            "“%(title)s” was added to your plan as the draft %(number)s. Write it in your town's words, then start it."
        )
        % {"title": measure.title, "number": measure.number},
    )
    return redirect("plans:measure", code=town.code, measure_id=measure.pk)
