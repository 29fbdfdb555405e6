"""Page flows shared by several apps. They take the objects a view already fetched through the scope and the
URL names to go to, so `core` stays below every app it serves."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from banso.core.access import require_manage
from banso.core.types import BansoRequest


def adopt_into_latest_plan(
    request: BansoRequest, town: Any, adopt: Callable[[Any], Any], failure_url: str
) -> HttpResponseRedirect:
    """The one page flow of taking something into a town's latest plan (a peer's measure, a case): only its DX
    office, only with a plan; the new draft measure opens, or the reason it could not be made is shown."""
    require_manage(request, town.pk)
    plan = town.plans.first()
    if plan is None:
        messages.error(request, _("Start your plan first: an adopted measure goes into it."))
        return redirect("plans:plans", code=town.code)
    try:
        measure = adopt(plan)
    except ValidationError as err:
        earlier = getattr(err, "measure_id", None)  # taken in before (programs.services.AlreadyAdopted)
        if earlier:
            messages.info(request, " ".join(err.messages))
            return redirect("plans:measure", code=town.code, measure_id=earlier)
        messages.error(request, " ".join(err.messages))
        return redirect(failure_url)
    messages.success(
        request,
        _("“%(title)s” was added to your plan as %(number)s. Adjust it to your town.")
        % {"title": measure.title, "number": measure.number},
    )
    return redirect("plans:measure", code=town.code, measure_id=measure.pk)
