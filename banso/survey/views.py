"""Pages of the 業務量調査. Every object is fetched through the scope first."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.core.access import get_scoped, require_manage, scoped
from banso.core.forms import submit
from banso.core.uploads import UploadError, problem_groups, safe_filename
from banso.orgs.models import Department, Municipality
from banso.survey import export, selectors, services, sheet
from banso.survey.forms import MappingForm, OptionsForm, ReadAsForm, RenameOptionForm, RoundForm, UploadForm
from banso.survey.models import ImportBatch, SurveyDepartment, SurveyRound, SurveyTask
from banso.survey.workbook import all_departments_zip, department_workbook_bytes, workbook_filename

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(request, code, round_id) -> SurveyRound:
    return get_scoped(
        request, SurveyRound.objects.select_related("municipality"), pk=round_id, municipality__code=code
    )


def _download(content: bytes, filename: str, content_type=XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(safe_filename(name))


def round_list(request, code):
    municipality = get_scoped(request, Municipality, code=code)
    return render(
        request,
        "survey/round_list.html",
        {
            "municipality": municipality,
            "rounds": selectors.rounds_of(request.scope, municipality),
            "can_manage": request.scope.can_manage(municipality.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def round_create(request, code):
    municipality = get_scoped(request, Municipality, code=code)
    require_manage(request, municipality.pk)
    form = RoundForm(request.POST or None, municipality=municipality)
    survey_round = request.method == "POST" and submit(form, services.round_create, municipality=municipality)
    if survey_round:
        messages.success(
            request, _("The survey was created. Download the sheets and send them to the departments.")
        )
        return redirect("survey:round", code=code, round_id=survey_round.pk)
    return render(request, "survey/round_form.html", {"municipality": municipality, "form": form})


@require_http_methods(["GET", "POST"])
def round_edit(request, code, round_id):
    survey_round = _round(request, code, round_id)
    require_manage(request, survey_round.municipality_id)
    form = RoundForm(request.POST or None, instance=survey_round, municipality=survey_round.municipality)
    if request.method == "POST" and submit(form, services.round_update, survey_round=survey_round):
        messages.success(request, _("The survey was saved."))
        return redirect("survey:round", code=code, round_id=round_id)
    return render(
        request,
        "survey/round_form.html",
        {"municipality": survey_round.municipality, "form": form, "survey_round": survey_round},
    )


def round_detail(request, code, round_id):
    survey_round = _round(request, code, round_id)
    scope = request.scope
    rows = selectors.completeness(scope, survey_round)
    editable = scope.editable_department_ids(survey_round.municipality_id)
    departments = Department.objects.filter(pk__in=[r["department"].pk for r in rows])
    if editable is not None:
        departments = departments.filter(pk__in=editable)
    return render(
        request,
        "survey/round_detail.html",
        {
            "municipality": survey_round.municipality,
            "survey_round": survey_round,
            "rows": rows,
            "chase": [r for r in rows if r["state"] != "submitted"],
            "can_manage": scope.can_manage(survey_round.municipality_id),
            "can_read_all": scope.can_read_all(survey_round.municipality_id),
            "upload_form": UploadForm(departments=departments) if departments.exists() else None,
            "imports": scoped(request, survey_round.imports.select_related("uploaded_by", "department"))[:10],
            "next_statuses": [
                SurveyRound.Status(s) for s in SurveyRound.TRANSITIONS[SurveyRound.Status(survey_round.status)]
            ],
            "summary": _summary(rows),
        },
    )


def _summary(rows):
    return {
        "departments": len(rows),
        "submitted": sum(1 for r in rows if r["state"] != "not_yet"),
        "missing": sum(1 for r in rows if r["state"] == "missing"),
        "tasks": sum(r["tasks"] for r in rows),
        "hours": sum(r["hours"] for r in rows),
    }


@require_POST
def round_status(request, code, round_id):
    survey_round = _round(request, code, round_id)
    require_manage(request, survey_round.municipality_id)
    try:
        services.round_change_status(
            survey_round=survey_round, to_status=request.POST.get("status", ""), user=request.user
        )
    except (ValidationError, ValueError):
        messages.error(request, _("That change of status is not possible."))
    else:
        messages.success(
            request, _("The status is now “%(status)s”.") % {"status": survey_round.get_status_display()}
        )
    return redirect("survey:round", code=code, round_id=round_id)


@require_http_methods(["GET", "POST"])
def round_options(request, code, round_id):
    survey_round = _round(request, code, round_id)
    require_manage(request, survey_round.municipality_id)
    options = services.options_of(survey_round)
    renaming = request.method == "POST" and "rename" in request.POST
    form = OptionsForm(
        None if renaming else request.POST or None, options=options, meanings=selectors.meanings_of(survey_round)
    )
    rename = RenameOptionForm(request.POST if renaming else None, options=options)
    if renaming and rename.is_valid():
        kind, value = rename.chosen()
        try:
            services.option_rename(
                survey_round=survey_round, kind=kind, value=value, new_value=rename.cleaned_data["new_value"]
            )
        except ValidationError as err:
            rename.add_error(None, err)
        else:
            messages.success(request, _("The value was renamed in the list and in every answer."))
            return redirect("survey:round_options", code=code, round_id=round_id)
    elif request.method == "POST" and not renaming and form.is_valid():
        try:
            for kind, (values, meanings) in form.lists().items():
                services.options_replace(survey_round=survey_round, kind=kind, values=values, meanings=meanings)
        except ValidationError as err:
            form.add_error(None, err)
        else:
            messages.success(request, _("The lists were saved. Sheets downloaded from now on use them."))
            return redirect("survey:round", code=code, round_id=round_id)
    return render(
        request,
        "survey/options_form.html",
        {"municipality": survey_round.municipality, "survey_round": survey_round, "form": form, "rename": rename},
    )


def template_download(request, code, round_id, department_id):
    survey_round = _round(request, code, round_id)
    link = get_scoped(
        request,
        SurveyDepartment.objects.select_related("department"),
        survey_round=survey_round,
        department_id=department_id,
    )
    tasks = SurveyTask.objects.filter(survey_round=survey_round, department=link.department)
    content = department_workbook_bytes(survey_round, link.department, services.options_of(survey_round), tasks)
    return _download(content, workbook_filename(survey_round, link.department))


def templates_zip(request, code, round_id):
    survey_round = _round(request, code, round_id)
    links = scoped(
        request, SurveyDepartment.objects.filter(survey_round=survey_round).select_related("department")
    )
    tasks_by_department: dict[Any, list[Any]] = {}
    for task in SurveyTask.objects.filter(
        survey_round=survey_round, department__in=[link.department for link in links]
    ):
        tasks_by_department.setdefault(task.department_id, []).append(task)
    pairs = [(link.department, tasks_by_department.get(link.department_id, [])) for link in links]
    content = all_departments_zip(survey_round, pairs, services.options_of(survey_round))
    return _download(
        content, f"業務量調査_{survey_round.municipality.name}_{survey_round.fiscal_year}.zip", "application/zip"
    )


@require_POST
def import_upload(request, code, round_id):
    survey_round = _round(request, code, round_id)
    editable = request.scope.editable_department_ids(survey_round.municipality_id)
    if editable == set():
        raise PermissionDenied
    departments = (
        survey_round.departments.all() if editable is None else survey_round.departments.filter(pk__in=editable)
    )
    form = UploadForm(request.POST, request.FILES, departments=departments)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, str(error[0]))
        return redirect("survey:round", code=code, round_id=round_id)
    upload = form.cleaned_data["file"]
    try:
        batch = services.import_create(
            survey_round=survey_round,
            file=upload,
            original_name=upload.name,
            user=request.user,
            department=form.cleaned_data["department"],
        )
    except UploadError as err:
        messages.error(request, str(err))
        return redirect("survey:round", code=code, round_id=round_id)
    services.import_start(batch, allowed_department_ids=editable)
    url = reverse("survey:import", args=[code, round_id, batch.pk])
    if request.htmx:
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


def _batch(request, code, round_id, batch_id) -> ImportBatch:
    survey_round = _round(request, code, round_id)
    batches = ImportBatch.objects.filter(survey_round=survey_round).select_related(
        "survey_round__municipality", "uploaded_by", "department", "mapping"
    )
    if request.scope.can_read_all(survey_round.municipality_id):
        return get_object_or_404(batches, pk=batch_id)
    # Department staff see their department's imports and the ones they uploaded
    # (a workbook in another layout has no department until its columns are mapped).
    own = Q(pk__in=scoped(request, batches).values("pk")) | Q(uploaded_by=request.user)
    return get_object_or_404(batches.filter(own), pk=batch_id)


def import_detail(request, code, round_id, batch_id):
    batch = _batch(request, code, round_id, batch_id)
    errors = [p for p in batch.problems if p.get("severity") == "error"]
    context = {
        "municipality": batch.survey_round.municipality,
        "survey_round": batch.survey_round,
        "batch": batch,
        "errors": errors,
        "error_groups": problem_groups(errors),
        "warnings": [p for p in batch.problems if p.get("severity") == "warning"],
        "can_manage": request.scope.can_manage(batch.survey_round.municipality_id),
        "read_as": _read_as_form(request, batch),
    }
    if request.htmx and request.GET.get("poll"):
        response = render(request, "survey/partials/import_status.html", context)
        if batch.is_finished:
            # Finished while the page was open: htmx loads the page again, with the status, the problems to fix and
            # what can be done next (accept the valid rows, roll back), which lie outside the polled part.
            response["HX-Redirect"] = request.path
        return response
    return render(request, "survey/import_detail.html", context)


def _read_as_form(request, batch, data=None):
    """The words of a mapped file that are not in the round's lists, to be read as its values; None when there are
    none or the user may not change the import."""
    unknown = (batch.layout or {}).get("unknown_values")
    editable = request.scope.editable_department_ids(batch.survey_round.municipality_id)
    if (
        not unknown
        or batch.mapping_id is None
        or batch.status != ImportBatch.Status.HAS_ERRORS
        or editable == set()
    ):
        return None
    return ReadAsForm(data, unknown=unknown, options=services.options_of(batch.survey_round))


@require_POST
def import_read_as(request, code, round_id, batch_id):
    batch = _batch(request, code, round_id, batch_id)
    form = _read_as_form(request, batch, request.POST)
    if form is None:
        raise PermissionDenied
    if form.is_valid() and form.read_as():
        try:
            services.mapping_values_save(batch=batch, read_as=form.read_as())
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            services.import_start(
                batch,
                allowed_department_ids=request.scope.editable_department_ids(batch.survey_round.municipality_id),
            )
            messages.success(
                request, _("The words are read as the lists' values from now on; the file is checked again.")
            )
    elif not form.is_valid():
        messages.error(request, _("Choose each word's value from its list."))
    return redirect("survey:import", code=code, round_id=round_id, batch_id=batch_id)


@require_POST
def import_accept(request, code, round_id, batch_id):
    batch = _batch(request, code, round_id, batch_id)
    editable = request.scope.editable_department_ids(batch.survey_round.municipality_id)
    if editable == set() or batch.status != ImportBatch.Status.HAS_ERRORS or not batch.valid_rows:
        raise PermissionDenied
    services.import_start(batch, accept_valid_rows=True, allowed_department_ids=editable)
    messages.success(request, _("The valid rows are being imported; the rows with problems were left out."))
    return redirect("survey:import", code=code, round_id=round_id, batch_id=batch_id)


@require_POST
def import_again(request, code, round_id, batch_id):
    """Run an import the worker was interrupted in, as it was started."""
    batch = _batch(request, code, round_id, batch_id)
    editable = request.scope.editable_department_ids(batch.survey_round.municipality_id)
    if editable == set() or batch.status != ImportBatch.Status.INTERRUPTED:
        raise PermissionDenied
    services.import_again(batch)
    messages.success(request, _("The import is running again."))
    return redirect("survey:import", code=code, round_id=round_id, batch_id=batch_id)


@require_POST
def import_rollback(request, code, round_id, batch_id):
    batch = _batch(request, code, round_id, batch_id)
    require_manage(request, batch.survey_round.municipality_id)
    try:
        services.import_rollback(batch=batch)
    except ValidationError as err:
        messages.error(request, err.messages[0])
    else:
        messages.success(
            request, _("The import was rolled back: its new tasks were removed and changed answers restored.")
        )
    return redirect("survey:import", code=code, round_id=round_id, batch_id=batch_id)


@require_http_methods(["GET", "POST"])
def import_mapping(request, code, round_id, batch_id):
    batch = _batch(request, code, round_id, batch_id)
    editable = request.scope.editable_department_ids(batch.survey_round.municipality_id)
    if batch.status != ImportBatch.Status.NEEDS_MAPPING or editable == set():
        raise PermissionDenied
    headers = batch.layout.get("headers", [])
    saved = services.saved_mapping_for(batch)
    guessed, department_header = services.mapping_guess(batch.survey_round, batch.layout)
    guesses = saved.fields if saved else {key: header for key, (header, _score) in guessed.items()}
    form = MappingForm(
        request.POST or None,
        headers=headers,
        guesses=guesses,
        asked=sheet.asked_columns(batch.survey_round.column_set, batch.survey_round.custom_columns),
        confidence=None if saved else {key: score for key, (_header, score) in guessed.items()},
        initial={
            "name": saved.name if saved else batch.original_name.rsplit(".", 1)[0][:100],
            "department_header": saved.department_header if saved else department_header,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.mapping_save(
                batch=batch,
                name=form.cleaned_data["name"],
                fields=form.mapped_fields(),
                department_header=form.cleaned_data["department_header"],
                user=request.user,
            )
        except ValidationError as err:
            form.add_error(None, err)
        else:
            services.import_start(batch, allowed_department_ids=editable)
            return redirect("survey:import", code=code, round_id=round_id, batch_id=batch_id)
    return render(
        request,
        "survey/import_mapping.html",
        {
            "municipality": batch.survey_round.municipality,
            "survey_round": batch.survey_round,
            "batch": batch,
            "form": form,
            "saved": saved,
        },
    )


def _require_read_all(request, survey_round):
    if not request.scope.can_read_all(survey_round.municipality_id):
        raise PermissionDenied


def _scoped_analysis(request, survey_round, *, top=50):
    """Town-wide totals for everyone in the town; task-level lists only for the departments one may read."""
    result = selectors.analysis_of(survey_round, top=top)
    if request.scope.can_read_all(survey_round.municipality_id):
        return result
    own = request.scope.editable_department_ids(survey_round.municipality_id) or set()
    result.candidates = [c for c in result.candidates if c.task["department_id"] in own]
    result.pairs = [p for p in result.pairs if {p["a"]["department_id"], p["b"]["department_id"]} & own]
    return result


def analysis(request, code, round_id):
    survey_round = _round(request, code, round_id)
    from banso.survey.analysis import MEASURES, SCORE_RULE

    if selectors.analysis_being_computed(survey_round):
        # An import's job is computing it: wait for that rather than computing it a second time here.
        return render(
            request,
            "survey/analysis_waiting.html",
            {"municipality": survey_round.municipality, "survey_round": survey_round},
        )

    return render(
        request,
        "survey/analysis.html",
        {
            "municipality": survey_round.municipality,
            "survey_round": survey_round,
            "analysis": _scoped_analysis(request, survey_round),
            "own_department_only": not request.scope.can_read_all(survey_round.municipality_id),
            "measures": MEASURES,
            "score_rule": SCORE_RULE,
            "can_manage": request.scope.can_manage(survey_round.municipality_id),
        },
    )


def analysis_export(request, code, round_id):
    survey_round = _round(request, code, round_id)
    content = export.analysis_workbook(survey_round, _scoped_analysis(request, survey_round, top=500))
    return _download(content, f"業務量調査_分析_{survey_round.municipality.name}_{survey_round.fiscal_year}.xlsx")


def chase_export(request, code, round_id):
    survey_round = _round(request, code, round_id)
    _require_read_all(request, survey_round)
    content = export.chase_workbook(survey_round, selectors.completeness(request.scope, survey_round))
    return _download(content, f"業務量調査_督促リスト_{survey_round.municipality.name}.xlsx")


@require_POST
def pair_decide(request, code, round_id):
    survey_round = _round(request, code, round_id)
    require_manage(request, survey_round.municipality_id)
    tasks = SurveyTask.objects.filter(survey_round=survey_round)
    task_a = get_object_or_404(tasks, pk=request.POST.get("a"))
    task_b = get_object_or_404(tasks, pk=request.POST.get("b"))
    verdict = request.POST.get("verdict")
    if verdict not in ("duplicate", "different"):
        raise PermissionDenied
    services.pair_decide(
        survey_round=survey_round, task_a=task_a, task_b=task_b, verdict=verdict, user=request.user
    )
    messages.success(request, _("Your decision on the pair was saved."))
    return redirect(reverse("survey:analysis", args=[code, round_id]) + "#pairs")


@require_POST
def task_mark(request, code, round_id, task_id):
    survey_round = _round(request, code, round_id)
    require_manage(request, survey_round.municipality_id)
    task = get_object_or_404(SurveyTask.objects.filter(survey_round=survey_round), pk=task_id)
    mark = request.POST.get("mark") == "1"
    services.task_mark_for_measure(
        task=task, to_become_measure=mark, note=request.POST.get("note", ""), user=request.user
    )
    if mark:
        messages.success(
            request, _("“%(task)s” is marked to become a measure of the DX plan.") % {"task": task.name}
        )
    else:
        messages.success(request, _("The mark on “%(task)s” was removed.") % {"task": task.name})
    return redirect(reverse("survey:analysis", args=[code, round_id]) + "#candidates")
