"""Pages of 実行管理: the owner's inbox and update form, the DX office's periods, approvals and publication."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.core.access import get_scoped, require_department_edit, require_manage
from banso.core.forms import add_service_errors, submit
from banso.core.uploads import Problem, UploadError, check_document, check_upload_size, local_copy
from banso.core.xlsx import table_response
from banso.orgs.access import municipality_for
from banso.plans.models import KPI, Measure
from banso.plans.values import parse_amount
from banso.tracking import actual_sources, grid_sheet, reminders, selectors, services
from banso.tracking.access import current_plan
from banso.tracking.forms import (
    GridForm,
    PeriodForm,
    PublicationForm,
    QuarterlyForm,
    ReviewForm,
    SettingsForm,
    UpdateForm,
)
from banso.tracking.models import MeasureUpdate, Publication, ReportingPeriod, StatusChange


def inbox(request, code):
    municipality = municipality_for(request, code)
    today = timezone.localdate()
    period, items, has_plan = selectors.inbox(request.scope, municipality, request.user, today)
    kpis = selectors.period_kpis([measure for measure, _update in items], period)
    return render(
        request,
        "tracking/inbox.html",
        {
            "municipality": municipality,
            "period": period,
            "items": [(measure, update, kpis.get(measure.pk, [])) for measure, update in items],
            "has_plan": has_plan,
            "can_manage": request.scope.can_manage(municipality.pk),
            "can_edit": request.scope.editable_department_ids(municipality.pk) != set(),
        },
    )


@require_http_methods(["GET", "POST"])
def update_edit(request, code, period_id, measure_id):
    municipality = municipality_for(request, code)
    period = get_scoped(request, ReportingPeriod, pk=period_id, municipality=municipality)
    measure = get_scoped(
        request,
        Measure.objects.select_related("plan", "owner"),
        pk=measure_id,
        plan__municipality=municipality,
        is_draft=False,  # a draft taken in from elsewhere is reported on once the town starts it
    )
    require_department_edit(request, municipality.pk, measure.owner_id)
    update = MeasureUpdate.objects.filter(measure=measure, period=period).first()
    kpis = list(measure.kpis.select_related("automatic").prefetch_related("targets"))
    actuals = {a.kpi_id: a for a in update.actuals.all()} if update else {}
    suggestions = {k.pk: r for k in kpis if (r := actual_sources.reading_for(k, timezone.localdate()))}
    form = UpdateForm(
        request.POST or None,
        request.FILES or None,
        measure=measure,
        kpis=kpis,
        actuals=actuals,
        suggestions=suggestions,
        guides=selectors.kpi_guides(kpis, period, timezone.localdate()),
        code=code,
        initial={
            "revision": update.revision if update else 0,
            "note": update.note if update else "",
            "evidence_url": update.evidence_url if update else "",
        },
    )
    if request.method == "POST" and form.is_valid() and _save_update(request, form, measure, period):
        messages.success(
            request,
            _("The update of %(number)s for %(period)s was saved.")
            % {"number": measure.number, "period": period.label},
        )
        return redirect("tracking:inbox", code=code)
    return render(
        request,
        "tracking/update_form.html",
        {
            "municipality": municipality,
            "period": period,
            "measure": measure,
            "update": update,
            "form": form,
            "saved_actuals": actuals,
            "history": StatusChange.objects.filter(measure=measure).select_related("changed_by")[:10],
        },
    )


@require_http_methods(["GET", "POST"])
def grid(request, code, period_id):
    """All of a period's KPI values of the user's measures on one screen: typed row by row, pasted from Excel, or
    uploaded as the grid's own sheet (grid_sheet)."""
    municipality = municipality_for(request, code)
    period = get_scoped(request, ReportingPeriod, pk=period_id, municipality=municipality)
    if request.scope.editable_department_ids(municipality.pk) == set():
        raise PermissionDenied
    rows = selectors.grid_rows(request.scope, municipality, period, timezone.localdate())
    sheet, problems = None, list[Problem]()
    if request.method == "POST" and "sheet" in request.FILES:
        sheet, data = _grid_sheet_values(request, rows, request.FILES["sheet"])
        problems = sheet.problems if sheet else [Problem(data)]
        form = GridForm(data if sheet else None, rows=rows, period=period, code=code)
    else:
        form = GridForm(request.POST or None, rows=rows, period=period, code=code)
    if request.method == "POST" and not problems and form.is_valid():
        try:
            saved = services.grid_save(
                period=period, user=request.user, as_of=form.cleaned_data["as_of"], entries=form.entries()
            )
        except ValidationError as err:
            add_service_errors(form, err)
            if sheet:  # the same messages, placed in the file
                problems = [
                    sheet.problem_at(int(key.removeprefix("kpi_")), message)
                    if key.startswith("kpi_")
                    else Problem(message, sheet=sheet.sheet)
                    for key, messages_of_key in err.message_dict.items()
                    for message in messages_of_key
                ]
        else:
            if saved:
                messages.success(
                    request,
                    _("%(count)s KPI values for %(period)s were saved.")
                    % {"count": saved, "period": period.label},
                )
            else:
                messages.info(request, _("No value was changed, so nothing was saved."))
            return redirect("tracking:inbox", code=code)
    return render(
        request,
        "tracking/grid.html",
        {"municipality": municipality, "period": period, "form": form, "problems": problems},
    )


def live_signal(request, code, kpi_id):
    """The signal a value being typed would give, next to its box (htmx, as the owner types): the same rule as
    the dashboard, on the date given beside the box or today."""
    municipality = municipality_for(request, code)
    kpi = get_scoped(
        request,
        KPI.objects.prefetch_related("targets").select_related("measure"),
        pk=kpi_id,
        measure__plan__municipality=municipality,
    )
    text = (request.GET.get(f"kpi_{kpi.pk}") or "").strip()
    on = _date_param(request.GET.get(f"as_of_{kpi.pk}") or request.GET.get("as_of")) or timezone.localdate()
    signal, problem = None, ""
    if text:
        try:
            value = parse_amount(text, kpi.unit)
        except ValidationError as err:
            problem = " ".join(err.messages)
        else:
            targets = {t.fiscal_year: t.value for t in kpi.targets.all()}
            signal = selectors.kpi_signal(kpi, targets, value, on)
    return render(request, "tracking/partials/live_signal.html", {"signal": signal, "problem": problem})


def _date_param(text):
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _grid_sheet_values(request, rows, upload):
    """(SheetValues, the grid's data from it), or (None, the message) when the file cannot be read."""
    try:
        check_upload_size(upload.size, upload.name)
        with local_copy(upload) as path:
            sheet = grid_sheet.read_grid_sheet(path, upload.name, {r.kpi.pk for r in rows if not r.locked})
    except UploadError as err:
        return None, str(err)
    data: dict[str, Any] = {f"kpi_{kpi_id}": value for kpi_id, value in sheet.values.items()}
    data |= {f"revision_{r.measure.pk}": r.update.revision if r.update else 0 for r in rows}
    data["as_of"] = request.POST.get("as_of", "")
    return sheet, data


def grid_download(request, code, period_id):
    """The grid as an Excel sheet to fill in and upload back."""
    municipality = municipality_for(request, code)
    period = get_scoped(request, ReportingPeriod, pk=period_id, municipality=municipality)
    if request.scope.editable_department_ids(municipality.pk) == set():
        raise PermissionDenied
    rows = selectors.grid_rows(request.scope, municipality, period, timezone.localdate())
    return table_response(grid_sheet.grid_table(rows, period.label), f"kpi-values-{period.pk}", "xlsx")


def _save_update(request, form, measure, period):
    data = form.cleaned_data
    upload = data.get("evidence_file")
    try:
        if upload:
            check_upload_size(upload.size, upload.name)
            check_document(upload)
        return services.update_save(
            measure=measure,
            period=period,
            user=request.user,
            revision=data["revision"],
            status=data["status"],
            note=data["note"],
            evidence_url=data["evidence_url"],
            evidence_file=upload,
            actuals=form.actuals(),
        )
    except UploadError as err:
        form.add_error("evidence_file", str(err))
    except ValidationError as err:
        add_service_errors(form, err)
    return None


# -- the DX office ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def periods(request, code):
    municipality = municipality_for(request, code)
    can_manage = request.scope.can_manage(municipality.pk)
    if request.method == "POST":
        require_manage(request, municipality.pk)
    quarterly = QuarterlyForm(request.POST if "quarterly" in request.POST else None, prefix="q")
    single = PeriodForm(request.POST if "single" in request.POST else None, prefix="p")
    if "quarterly" in request.POST and quarterly.is_valid():
        made = services.periods_quarterly(municipality=municipality, **quarterly.cleaned_data)
        messages.success(request, _("%(n)s periods were added.") % {"n": len(made)})
        return redirect("tracking:periods", code=code)
    if "single" in request.POST and submit(single, services.period_save, municipality=municipality):
        messages.success(request, _("The period was added."))
        return redirect("tracking:periods", code=code)
    return render(
        request,
        "tracking/periods.html",
        {
            "municipality": municipality,
            "periods": selectors.periods_of(municipality),
            "quarterly": quarterly if can_manage else None,
            "single": single if can_manage else None,
            "tracking": selectors.settings_for(municipality),
        },
    )


@require_http_methods(["GET", "POST"])
def settings_edit(request, code):
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)
    form = SettingsForm(request.POST or None, instance=selectors.settings_for(municipality))
    if request.method == "POST" and submit(form, services.settings_save, municipality=municipality):
        messages.success(request, _("The reporting settings were saved."))
        return redirect("tracking:periods", code=code)
    return render(request, "tracking/settings_form.html", {"municipality": municipality, "form": form})


def reminders_preview(request, code):
    """The reminder e-mails of today exactly as they go out (or went out), for the DX office to check."""
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)
    today = timezone.localdate()
    owed, sent = reminders.due_today(municipality, today)
    tracking = selectors.settings_for(municipality)
    site = settings.BANSO_SITE_URL or request.build_absolute_uri("/")
    return render(
        request,
        "tracking/reminders.html",
        {
            "municipality": municipality,
            "today": today,
            "tracking": tracking,
            "mails": reminders.mails_for(owed, site, digest=tracking.digest),
            "unreachable": [r for r in owed if not r.recipients],
            "sent": sent,
        },
    )


def reviews(request, code):
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)
    return render(
        request,
        "tracking/reviews.html",
        {
            "municipality": municipality,
            "updates": selectors.pending_reviews(request.scope, municipality),
            "form": ReviewForm(),
        },
    )


@require_POST
def review(request, code, update_id):
    municipality = municipality_for(request, code)
    update = get_scoped(
        request,
        MeasureUpdate.objects.select_related("measure", "period"),
        pk=update_id,
        period__municipality=municipality,
    )
    require_manage(request, municipality.pk)
    form = ReviewForm(request.POST)
    approve = request.POST.get("decision") == "approve"
    try:
        form.is_valid()
        services.update_review(
            update=update, user=request.user, approve=approve, note=form.cleaned_data.get("review_note", "")
        )
    except ValidationError as err:
        messages.error(request, "、".join(err.messages))
    else:
        text = (
            _("%(number)s (%(period)s) was approved.")
            if approve
            else _("%(number)s (%(period)s) was returned to its owner.")
        )
        messages.success(request, text % {"number": update.measure.number, "period": update.period.label})
    return redirect("tracking:reviews", code=code)


@require_http_methods(["GET", "POST"])
def publication_edit(request, code):
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)
    plan = current_plan(request, municipality)
    publication = Publication.objects.filter(plan=plan).first()
    initial = {}
    if publication:
        initial = {
            "is_published": publication.is_published,
            "intro": publication.intro,
            "measures": list(publication.measures.all()),
            "kpis": list(publication.kpis.all()),
        }
    form = PublicationForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and submit(form, services.publication_save, plan=plan, user=request.user):
        messages.success(request, _("The public page was saved."))
        return redirect("tracking:publication", code=code)
    return render(
        request, "tracking/publication_form.html", {"municipality": municipality, "plan": plan, "form": form}
    )


def evidence(request, code, update_id):
    """An update's evidence file, for those who may read the update; always as a download, never shown inline,
    so an uploaded HTML or SVG file cannot run in Banso's pages."""
    municipality = municipality_for(request, code)
    update = get_scoped(request, MeasureUpdate, pk=update_id, period__municipality=municipality)
    if not update.evidence_file:
        raise Http404
    name = update.evidence_file.name.rsplit("/", 1)[-1]
    return FileResponse(update.evidence_file.open("rb"), as_attachment=True, filename=name)


@require_http_methods(["GET", "POST"])
def automatic_edit(request, code, kpi_id):
    """Bind a KPI to data Banso already has (survey hours, training completion, DX leaders, help-desk cases)."""
    from banso.plans.models import KPI
    from banso.tracking.forms import AutomaticForm

    municipality = municipality_for(request, code)
    kpi = get_scoped(
        request,
        KPI.objects.select_related("measure", "automatic"),
        pk=kpi_id,
        measure__plan__municipality=municipality,
    )
    require_manage(request, municipality.pk)
    current = getattr(kpi, "automatic", None)
    form = AutomaticForm(
        request.POST or None,
        initial={
            "source_key": current.source_key if current else "",
            "parameter": current.parameter if current else "",
        },
    )
    if request.method == "POST" and submit(form, services.automatic_set, kpi=kpi):
        messages.success(request, _("The KPI “%(name)s” now takes its value from Banso.") % {"name": kpi.name})
        return redirect("tracking:dashboard", code=code)
    if request.method == "POST" and form.is_valid() and not form.cleaned_data["source_key"]:
        messages.success(request, _("Owners enter the values of “%(name)s” themselves.") % {"name": kpi.name})
        return redirect("tracking:dashboard", code=code)
    return render(
        request, "tracking/automatic_form.html", {"municipality": municipality, "kpi": kpi, "form": form}
    )
