from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language

from banso.core.access import get_scoped
from banso.core.models import AuditedModel, AuditEntry
from banso.core.types import BansoRequest


@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the operator's monitoring: answers without touching the session."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def notifications(request: BansoRequest) -> HttpResponse:
    """What waits for the user in every capability, each linking to the work."""
    from banso.core.notifications import notifications_for

    return render(request, "core/notifications.html", {"notifications": notifications_for(request)})


@never_cache
def notifications_count(request: BansoRequest) -> HttpResponse:
    """The header's count, asked for by htmx once the page has loaded (the page itself pays nothing for it)."""
    from banso.core.notifications import notifications_for

    total = sum(n.count for n in notifications_for(request))
    return render(request, "core/partials/notifications_count.html", {"total": total})


# Residents may switch the language of public pages too.
set_language_public = login_not_required(set_language)


def history(request: BansoRequest, model: str, pk: str) -> HttpResponse:
    """The recorded changes of one object, for anyone allowed to read the object."""
    try:
        model_class = apps.get_model(model)
    except (LookupError, ValueError) as err:
        raise Http404 from err
    if not issubclass(model_class, AuditedModel) or not hasattr(model_class, "scope_municipality_path"):
        raise Http404
    obj = get_scoped(request, model_class, pk=pk)
    entries = AuditEntry.objects.filter(
        content_type__app_label=model_class._meta.app_label,
        content_type__model=model_class._meta.model_name,
        object_id=str(obj.pk),
    ).select_related("actor", "content_type")
    return render(
        request,
        "core/history.html",
        {"object": obj, "entries": entries, "model_name": model_class._meta.verbose_name},
    )


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors or the database: either may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
