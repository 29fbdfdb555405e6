"""Dashboards of 実行管理 (municipality, department, the mayor's one page), their exports, and the annual review."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods

from banso.core.access import get_scoped, require_manage, require_read_all
from banso.core.documents import document_bytes, download
from banso.core.fiscal import FiscalYear
from banso.core.xlsx import Table, table_response
from banso.orgs.access import municipality_for
from banso.orgs.models import Department
from banso.tracking import deadlines, progress, review, selectors
from banso.tracking.access import current_plan


def _number(value):
    """A Decimal as written (28, not 28.00 or 2.8E+1); xlsx writes it as a number, CSV as that text."""
    return Decimal(format(value.normalize(), "f")) if value is not None else None


def dashboard_tables(board) -> dict[str, Table]:
    """Every table of a dashboard, as shown and as exported: one definition for both."""
    return {
        "kpis": Table(
            _("KPIs"),
            [
                pgettext("plan", "measure"),
                _("KPI"),
                _("unit"),
                _("baseline"),
                _("expected on that date"),
                _("actual"),
                _("as of"),
                _("signal"),
                _("progress (%)"),
            ],
            [
                [
                    k.kpi.measure.number,
                    k.kpi.name,
                    k.kpi.unit,
                    _number(k.kpi.baseline_value),
                    _number(k.signal.expected),
                    _number(k.latest.value) if k.latest else None,
                    k.latest.as_of.isoformat() if k.latest else "",
                    str(k.signal.label),
                    _number(k.signal.progress * 100) if k.signal.progress is not None else None,
                ]
                for k in board.kpis
            ],
            [8, 30, 8, 10, 10, 10, 12, 12, 10],
            note=str(progress.RULE),
        ),
        "measures": Table(
            _("Measures"),
            [
                _("number"),
                pgettext("plan", "measure"),
                _("owner department"),
                _("status"),
                _("signal"),
                _("last update"),
                _("no update for a long time"),
            ],
            [
                [
                    r.measure.number,
                    r.measure.title,
                    r.measure.owner.name if r.measure.owner else _("not decided"),
                    r.measure.get_status_display(),
                    str(progress.LABELS[r.signal]),
                    timezone.localdate(r.last_update.submitted_at).isoformat()
                    if r.last_update and r.last_update.submitted_at
                    else "",
                    r.stale,
                ]
                for r in board.rows
            ],
            [8, 30, 14, 12, 12, 12, 10],
        ),
        "policies": _group_table(_("By policy"), _("policy"), board.by_policy),
        "departments": _group_table(_("By department"), _("department"), board.by_department),
        "focus": _group_table(_("By focus area"), _("focus area (重点取組事項)"), board.by_focus),
        "late": Table(
            _("Late"),
            [
                _("number"),
                pgettext("plan", "measure"),
                _("owner department"),
                _("period"),
                _("what"),
                _("reminders sent"),
            ],
            [
                [
                    i.row.measure.number,
                    i.row.measure.title,
                    i.row.measure.owner.name if i.row.measure.owner else _("not decided"),
                    i.period.label if i.period else "",
                    str(LATE_LABELS[i.kind]),
                    "、".join(_notice_text(n) for n in i.notices),
                ]
                for i in board.late
            ],
            [8, 30, 14, 18, 30, 24],
        ),
    }


def _notice_text(notice) -> str:
    sent = f"{notice.get_kind_display()} {timezone.localdate(notice.sent_at):%Y-%m-%d}"
    no_address = _("no address")
    return sent if notice.recipients else f"{sent} ({no_address})"


LATE_LABELS = {
    "overdue": gettext_lazy("no update, past the due date"),
    "escalated": gettext_lazy("no update, past the grace period: the department head is told"),
    "stale": gettext_lazy("no update for a long time"),
}


def _group_table(title, label, groups) -> Table:
    return Table(
        title,
        [label, _("measures"), _("done"), _("delayed"), _("KPIs"), _("KPIs off track")],
        [[g["label"], g["measures"], g["done"], g["delayed"], g["kpis"], g["off_track"]] for g in groups],
        [30, 10, 10, 10, 10, 12],
    )


def _export(tables, name, fmt):
    if name not in tables or fmt not in ("xlsx", "csv"):
        raise Http404
    return table_response(tables[name], name, fmt)


def _board_page(request, municipality, template, department=None):
    plan = current_plan(request, municipality, required=False)
    if plan is None:
        return render(request, "tracking/no_plan.html", {"municipality": municipality})
    board = selectors.dashboard(request.scope, plan, timezone.localdate(), department=department)
    tables = dashboard_tables(board)
    if request.GET.get("export"):
        return _export(tables, request.GET["export"], request.GET.get("format", "xlsx"))
    return render(
        request,
        template,
        {
            "municipality": municipality,
            "plan": plan,
            "board": board,
            "department": department,
            "rule": progress.RULE,
            "late_labels": LATE_LABELS,
            "reminder_rule": deadlines.rule_text(board.tracking),
            "status_chart": [{"label": label, "n": n} for _v, label, n in board.by_status],
            "signal_chart": [{"label": label, "n": n} for _s, label, n in board.by_signal],
            "can_manage": request.scope.can_manage(municipality.pk),
            "today": timezone.localdate(),
            # The annual review of this 年度, or of the plan's nearest year when the plan has not started or ended.
            "review_year": min(max(FiscalYear.of(timezone.localdate()).year, plan.start_year), plan.end_year),
        },
    )


def dashboard(request, code):
    return _board_page(request, municipality_for(request, code), "tracking/dashboard.html")


def trends(request, code):
    """Each KPI's actuals against its expected path and targets, chart and figures: for one measure (?measure=,
    on its page) or for the plan (on the dashboard). Loaded by htmx into those pages; a page of its own
    without it."""
    from banso.core.access import id_param
    from banso.plans.models import Measure

    municipality = municipality_for(request, code)
    measure = None
    if measure_id := id_param(request.GET.get("measure")):
        measure = get_scoped(request, Measure, pk=measure_id, plan__municipality=municipality)
    plan = measure.plan if measure else current_plan(request, municipality)
    rows = selectors.measure_rows(request.scope, plan, timezone.localdate(), all_actuals=True)
    if measure is not None:
        rows = [r for r in rows if r.measure.pk == measure.pk]
    template = "tracking/partials/trends.html" if request.htmx else "tracking/trends.html"
    return render(
        request,
        template,
        {
            "municipality": municipality,
            "plan": plan,
            "rows": rows,
            "measure": measure,
            "open": measure is not None,
        },
    )


def department_dashboard(request, code, department_id):
    municipality = municipality_for(request, code)
    department = get_scoped(request, Department, pk=department_id, municipality=municipality)
    # Another department's board would show none of its measures to department staff (they read only their own)
    # and say it has no KPIs, which is untrue: it is not theirs to open, as its measures are not.
    if not request.scope.can_read_department(municipality.pk, department.pk):
        raise Http404
    return _board_page(request, municipality, "tracking/dashboard.html", department=department)


def summary(request, code):
    """One page for the mayor's meeting: where are we, what is late, what is off track."""
    return _board_page(request, municipality_for(request, code), "tracking/summary.html")


@require_http_methods(["GET", "POST"])
def annual_review(request, code, year):
    municipality = municipality_for(request, code)
    require_read_all(request, municipality.pk)  # the review covers every department's measures
    plan = current_plan(request, municipality)
    if not plan.start_year <= year <= plan.end_year:
        raise Http404
    if request.method == "POST":
        require_manage(request, municipality.pk)
        review.entries_save(plan=plan, fiscal_year=year, data=request.POST)
        messages.success(request, _("The annual review was saved."))
        return redirect("tracking:annual_review", code=code, year=year)
    report = review.annual_report(request.scope, plan, year)
    fmt = request.GET.get("format")
    if fmt in ("docx", "pdf"):
        return download(
            document_bytes(review.review_document(report), fmt), fmt, f"年次評価_{report.year.era_label}.{fmt}"
        )
    return render(
        request,
        "tracking/annual_review.html",
        {
            "municipality": municipality,
            "plan": plan,
            "report": report,
            "can_manage": request.scope.can_manage(municipality.pk),
        },
    )
