"""The plan's documents: export (Word, PDF, Excel), import from Excel, issued versions and their comparison."""

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from banso.core.access import id_param, require_manage, require_read_all
from banso.core.documents import CONTENT_TYPES, document_bytes, download
from banso.core.uploads import Problem, UploadError, check_upload_size
from banso.orgs.access import municipality_for
from banso.plans import selectors, services, workbook
from banso.plans.access import managed_plan_for, plan_for
from banso.plans.diff import comparison_document, diff_snapshots
from banso.plans.documents import render_plan
from banso.plans.forms import PlanImportForm, VersionForm


def plan_export(request, code, pk, fmt):
    municipality, plan = plan_for(request, code, pk)
    require_read_all(request, municipality.pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    version = plan.versions.filter(pk=id_param(request.GET.get("version"))).first()
    content, name = render_plan(plan, fmt, version)
    return download(content, fmt, name)


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
        problems, imported, counts = _import(form.cleaned_data["file"], plan=plan, municipality=municipality)
        if imported is not None:
            messages.success(
                request,
                _("Imported %(policies)s policies, %(measures)s measures, %(steps)s steps and %(kpis)s KPIs.")
                % counts,
            )
            for warning in problems:
                messages.warning(request, f"{warning.sheet} {warning.row}行 {warning.column}：{warning.message}")
            return redirect("plans:plan", code=municipality.code, pk=imported.pk)
    return render(
        request,
        "plans/import.html",
        {"municipality": municipality, "plan": plan, "form": form, "problems": problems},
    )


def _import(upload, *, plan, municipality) -> tuple[list[Problem], Any, dict | None]:
    """Check the whole file; write it only when nothing is wrong. (problems or warnings, plan or None, counts)."""
    try:
        check_upload_size(upload.size, upload.name)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "plan.xlsx"
            with path.open("wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            result = workbook.read_plan_workbook(path, plan, municipality=municipality, original_name=upload.name)
    except UploadError as err:
        return [Problem(str(err))], None, None
    if result.errors:
        return result.problems, None, None
    try:
        imported, counts = workbook.apply_plan_import(result, plan=plan, municipality=municipality)
    except ValidationError as err:  # a rule only the services check; nothing was written
        return [Problem(m) for m in err.messages], None, None
    return result.problems, imported, counts


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
