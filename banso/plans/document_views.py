"""The plan's documents: export (Word, PDF, Excel), import from Excel, issued versions and their comparison."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banso.core import exports
from banso.core.access import get_scoped, id_param, require_manage, require_read_all
from banso.core.documents import CONTENT_TYPES, document_bytes, download
from banso.core.uploads import Problem, UploadError
from banso.orgs.access import municipality_for
from banso.plans import selectors, services
from banso.plans.access import managed_plan_for, plan_for
from banso.plans.diff import comparison_document, diff_snapshots
from banso.plans.documents import render_plan
from banso.plans.forms import PlanImportForm, VersionForm
from banso.plans.models import DocumentExport, WorkbookImport


def plan_export(request, code, pk, fmt):
    municipality, plan = plan_for(request, code, pk)
    require_read_all(request, municipality.pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    version = plan.versions.filter(pk=id_param(request.GET.get("version"))).first()
    if fmt != "xlsx" and plan.measures.count() > settings.BANSO_EXPORT_INLINE_MEASURES:
        return _export_queued(request, code, plan, version, fmt)
    content, name = render_plan(plan, fmt, version)
    return download(content, fmt, name)


@require_http_methods(["GET", "POST"])
def document_export(request, code, pk, export_id):
    """A large plan's PDF or Word file being made by the worker: the page asks every second, then offers it."""
    municipality, plan = plan_for(request, code, pk)
    require_read_all(request, municipality.pk)
    # Each person sees only the files they asked for.
    export = get_scoped(request, DocumentExport, pk=export_id, plan=plan, requested_by=request.user)
    if request.method == "POST":  # make it again, after an interruption
        return _export_queued(request, code, plan, export.version, export.fmt)
    return exports.status_page(
        request, export, "plans/document_export.html", {"municipality": municipality, "plan": plan}
    )


def _export_queued(request, code, plan, version, fmt):
    export = services.document_export_create(plan=plan, version=version, fmt=fmt, user=request.user)
    return exports.offer(export, reverse("plans:document_export", args=[code, plan.pk, export.pk]))


@require_http_methods(["GET", "POST"])
def plan_import(request, code, pk):
    """Update a plan from its workbook."""
    municipality, plan = managed_plan_for(request, code, pk)
    return _import_page(request, municipality, plan)


@require_http_methods(["GET", "POST"])
def plan_import_new(request, code):
    """Bring a plan in from a workbook as a new plan of this town: another town's, or the town's own from Excel."""
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)
    return _import_page(request, municipality, None)


def _import_page(request, municipality, plan):
    form = PlanImportForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            found = services.workbook_import_create(
                municipality=municipality, plan=plan, upload=form.cleaned_data["file"], user=request.user
            )
        except UploadError as err:
            problems = [Problem(str(err))]
        else:
            if found.status == WorkbookImport.Status.APPLIED:  # jobs run at once here (BANSO_JOBS=immediate)
                return _imported(request, found)
            if found.status != WorkbookImport.Status.HAS_ERRORS:  # the worker has it: its page shows how far
                return redirect("plans:workbook_import", code=municipality.code, import_id=found.pk)
            problems = [Problem(**p) for p in found.problems]
    return render(
        request,
        "plans/import.html",
        {"municipality": municipality, "plan": plan, "form": form, "problems": problems},
    )


def _imported(request, found):
    messages.success(
        request,
        _("Imported %(policies)s policies, %(measures)s measures, %(steps)s steps and %(kpis)s KPIs.")
        % found.counts,
    )
    for warning in (Problem(**p) for p in found.problems):
        messages.warning(request, f"{warning.sheet} {warning.row}行 {warning.column}：{warning.message}")
    return redirect("plans:plan", code=found.municipality.code, pk=found.result_id)


@require_http_methods(["GET", "POST"])
def workbook_import(request, code, import_id):
    """An import the worker runs: how far it is (the page asks again every second), then its outcome."""
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)
    found = get_scoped(
        request,
        WorkbookImport.objects.select_related("municipality", "plan"),
        pk=import_id,
        municipality=municipality,
    )
    if request.method == "POST":  # run an interrupted import again
        try:
            services.workbook_import_again(found)
        except ValidationError as err:
            raise PermissionDenied(err.messages[0]) from err
        return redirect("plans:workbook_import", code=code, import_id=found.pk)
    if found.status == WorkbookImport.Status.APPLIED and found.result_id and not request.GET.get("poll"):
        return _imported(request, found)
    problems = [Problem(**p) for p in found.problems]
    context = {"municipality": municipality, "plan": found.plan, "found": found, "problems": problems}
    template = (
        "plans/partials/workbook_import_status.html" if request.GET.get("poll") else "plans/workbook_import.html"
    )
    response = render(request, template, context)
    if request.GET.get("poll") and found.status == WorkbookImport.Status.APPLIED and found.result_id:
        # Finished while the page was open: htmx takes the browser to the plan, where the counts are shown.
        response["HX-Redirect"] = request.path
    return response


@require_http_methods(["GET", "POST"])
def versions(request, code, pk):
    municipality, plan = plan_for(request, code, pk)
    require_read_all(request, municipality.pk)
    can_manage = request.scope.can_manage(municipality.pk)
    form = VersionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        plan = managed_plan_for(request, code, pk)[1]
        if form is not None and form.is_valid():
            try:
                version = services.version_issue(plan=plan, **form.cleaned_data)
            except ValidationError as err:
                form.add_error(None, err)
            else:
                messages.success(request, _("%(label)s was issued.") % {"label": version.label})
                return redirect("plans:versions", code=code, pk=plan.pk)
    issued = list(plan.versions.all())
    return render(
        request,
        "plans/versions.html",
        {"municipality": municipality, "plan": plan, "versions": issued, "form": form, "can_manage": can_manage},
    )


def version_diff(request, code, pk):
    """Compare two editions, or an edition with the plan as it stands now (b empty)."""
    municipality, plan = plan_for(request, code, pk)
    require_read_all(request, municipality.pk)
    issued = list(plan.versions.all())
    by_id = {str(v.pk): v for v in issued}
    old = by_id.get(request.GET.get("a", "")) or (issued[0] if issued else None)
    new = by_id.get(request.GET.get("b", ""))
    sections = []
    if old is not None:
        sections = diff_snapshots(old.snapshot, new.snapshot if new else selectors.plan_snapshot(plan))
        fmt = request.GET.get("format")
        if fmt in ("docx", "pdf"):
            new_label = new.label if new else _("now")
            document = comparison_document(plan.title, old.label, new_label, sections)
            name = f"{plan.title}_新旧対照表_{old.label}_{new_label}.{fmt}"
            return download(document_bytes(document, fmt), fmt, name)
    return render(
        request,
        "plans/version_diff.html",
        {
            "municipality": municipality,
            "plan": plan,
            "versions": issued,
            "old": old,
            "new": new,
            "sections": sections,
            "formats": [("docx", "Word"), ("pdf", "PDF")],
        },
    )
