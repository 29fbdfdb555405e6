"""Pages of 広域連携・伴走支援: programmes side by side, each town's support log and status, reports, 横展開."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.core import exports
from banso.core.access import get_scoped, require_manage
from banso.core.documents import document_bytes, download
from banso.core.fiscal import FiscalYear
from banso.core.flows import adopt_into_latest_plan
from banso.core.forms import submit
from banso.core.xlsx import Table, table_response
from banso.orgs.access import municipality_for
from banso.orgs.models import AdvisorAssignment, Municipality, Prefecture, Role
from banso.plans.models import Measure
from banso.programs import joint, reports, selectors, services
from banso.programs.forms import (
    ActivityForm,
    JointGoalForm,
    MeetingForm,
    ParticipantForm,
    ProgrammeForm,
    SnapshotForm,
)
from banso.programs.models import ProgrammeReport


def _programme(request, programme_id):
    return get_object_or_404(selectors.programmes_for(request.scope), pk=programme_id)


def _require_owner(request, programme):
    if not selectors.sees_every_town(request.scope, programme):
        raise PermissionDenied


def programme_list(request):
    return render(
        request,
        "programs/programme_list.html",
        {"programmes": selectors.programmes_for(request.scope), "can_create": bool(request.scope.prefecture_ids)},
    )


@require_http_methods(["GET", "POST"])
def programme_edit(request, programme_id=None):
    programme = _programme(request, programme_id) if programme_id else None
    if programme is not None:
        _require_owner(request, programme)
    elif not request.scope.prefecture_ids:
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, instance=programme)
    # A prefecture officer's new programme belongs to their prefecture; an existing one keeps its owner.
    owner = (
        programme.owner_prefecture if programme else Prefecture.objects.get(pk=min(request.scope.prefecture_ids))
    )
    saved = request.method == "POST" and submit(
        form,
        services.programme_save,
        programme=programme,
        owner_prefecture=owner,
        owner_provider=programme.owner_provider if programme else None,
    )
    if saved:
        messages.success(request, _("The programme was saved."))
        return redirect("programs:programme", programme_id=saved.pk)
    return render(request, "programs/programme_form.html", {"form": form, "programme": programme})


def programme_detail(request, programme_id):
    programme = _programme(request, programme_id)
    today = timezone.localdate()
    rows = selectors.side_by_side(request.scope, programme, today)
    if request.GET.get("export") in ("xlsx", "csv"):
        return table_response(_comparison_table(rows), "programme", request.GET["export"])
    joint_rows = joint.joint_table(
        programme,
        # Values a town reports against the programme's joint goals are reported to its owner: the owner sees
        # every participant's; a town sees the towns it may read.
        [p.municipality for p in programme.participants.select_related("municipality")]
        if selectors.sees_every_town(request.scope, programme)
        else [r.participant.municipality for r in rows],
    )
    if request.GET.get("joint") in ("xlsx", "csv"):
        return table_response(joint.joint_export_table(joint_rows), "joint-goals", request.GET["joint"])
    owner = selectors.sees_every_town(request.scope, programme)
    own_towns = [m for m in request.scope.grants if request.scope.can_manage(m)]
    return render(
        request,
        "programs/programme_detail.html",
        {
            "programme": programme,
            "rows": rows,
            "chart": [
                {"label": r.participant.municipality.name, "n": round((r.attainment or 0) * 100)} for r in rows
            ],
            "meetings": programme.meetings.all(),
            "dispatches": programme.dispatches.select_related(
                "assignment__advisor", "assignment__municipality", "assignment__provider"
            ),
            "models": selectors.models_to_adopt(programme, request.GET.get("models_page")),
            "owner": owner,
            # The DX office of a town adopts into its own plan; an adopting town need not be a participant.
            "adopt_town": Municipality.objects.filter(pk__in=own_towns).order_by("code").first(),
            "participant_form": ParticipantForm(
                municipalities=Municipality.objects.filter(prefecture=programme.owner_prefecture)
            )
            if owner and programme.owner_prefecture
            else None,
            "today": today,
            "joint": joint_rows,
            "joint_form": JointGoalForm(programme=programme) if owner else None,
            "joint_town": next(
                (
                    r.participant.municipality
                    for r in rows
                    if request.scope.can_manage(r.participant.municipality.pk)
                ),
                None,
            ),
        },
    )


def _comparison_table(rows) -> Table:
    return Table(
        _("municipalities"),
        [
            _("code"),
            _("municipality"),
            _("theme"),
            _("plan"),
            _("measures"),
            _("KPIs on track"),
            _("KPIs off track"),
            _("late"),
            _("latest status"),
        ],
        [
            [
                r.participant.municipality.code,
                r.participant.municipality.name,
                r.participant.theme,
                r.plan_title,
                r.measures,
                r.signals["on_track"],
                r.signals["off_track"],
                r.late,
                r.snapshot.as_of.isoformat() if r.snapshot else "",
            ]
            for r in rows
        ],
        [10, 12, 30, 24, 8, 10, 10, 8, 12],
    )


@require_POST
def participant_add(request, programme_id):
    programme = _programme(request, programme_id)
    _require_owner(request, programme)
    form = ParticipantForm(
        request.POST, municipalities=Municipality.objects.filter(prefecture=programme.owner_prefecture)
    )
    if form.is_valid():
        services.participant_save(
            programme=programme,
            municipality=form.cleaned_data["municipality"],
            theme=form.cleaned_data["theme"],
            summary=form.cleaned_data["summary"],
            providers=form.providers(),
        )
        messages.success(
            request, _("%(town)s takes part in the programme.") % {"town": form.cleaned_data["municipality"]}
        )
    else:
        messages.error(request, _("Choose a municipality and write its theme."))
    return redirect("programs:programme", programme_id=programme.pk)


@require_POST
def joint_goal_add(request, programme_id):
    """The programme's owner sets a joint goal with its year-end targets."""
    programme = _programme(request, programme_id)
    _require_owner(request, programme)
    form = JointGoalForm(request.POST, programme=programme)
    if submit(form, joint.joint_goal_save, programme=programme):
        messages.success(request, _("The joint goal was added."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect(reverse("programs:programme", args=[programme.pk]) + "#joint")


@require_http_methods(["GET", "POST"])
def joint_values(request, programme_id, code):
    """A participating town's DX office enters its own values for the joint goals, all checked before any is saved."""
    programme = _programme(request, programme_id)
    town = municipality_for(request, code)
    if not programme.participants.filter(municipality=town).exists():
        raise Http404
    require_manage(request, town.pk)
    table = joint.joint_table(programme, [town])
    problems, typed = [], {}
    if request.method == "POST":
        typed = {k: v for k, v in request.POST.items() if k.startswith("value_")}
        try:
            with transaction.atomic():
                for row in table:
                    for year in row.years:
                        written = typed.get(f"value_{row.goal.pk}_{year}", "").strip()
                        if written:
                            _joint_value(row.goal, town, year, written, request.user)
        except ValidationError as err:
            problems = err.messages
        else:
            messages.success(request, _("The values were saved."))
            return redirect(reverse("programs:programme", args=[programme.pk]) + "#joint")
    # Each field shows what was typed (after a refusal) or the value saved before.
    fields = [
        {
            "goal": row.goal,
            "years": [
                {
                    "year": year,
                    "name": f"value_{row.goal.pk}_{year}",
                    "target": target,
                    "value": typed.get(f"value_{row.goal.pk}_{year}", cell.written if cell else ""),
                }
                for (year, target), cell in zip(row.columns, row.towns[0][1], strict=True)
            ],
        }
        for row in table
    ]
    return render(
        request,
        "programs/joint_values.html",
        {"programme": programme, "town": town, "fields": fields, "problems": problems},
    )


def _joint_value(goal, town, year, written, user):
    try:
        joint.joint_value_save(goal=goal, municipality=town, fiscal_year=year, written=written, user=user)
    except ValidationError as err:
        label = f"{goal.number} {goal.name}（{FiscalYear(year).era_label}）"
        raise ValidationError([f"{label}：{message}" for message in err.messages]) from err


@require_http_methods(["GET", "POST"])
def meeting_create(request, programme_id):
    programme = _programme(request, programme_id)
    _require_owner(request, programme)
    form = MeetingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and submit(form, services.meeting_save, programme=programme, meeting=None):
        messages.success(request, _("The meeting was saved."))
        return redirect("programs:programme", programme_id=programme.pk)
    return render(request, "programs/meeting_form.html", {"programme": programme, "form": form})


def programme_report(request, programme_id):
    programme = _programme(request, programme_id)
    _require_owner(request, programme)  # every town's status: the owner shares it at the 検討会
    as_of = _date(request.GET.get("as_of")) or timezone.localdate()
    fmt = request.GET.get("format", "pdf")
    if fmt not in ("xlsx", "docx", "pdf"):
        raise Http404
    if fmt != "xlsx" and programme.participants.count() > settings.BANSO_EXPORT_INLINE_TOWNS:
        return _report_queued(request, programme, as_of, fmt)
    content, name = services.programme_report_content(programme, as_of, fmt)
    return download(content, fmt, name)


@require_http_methods(["GET", "POST"])
def programme_report_file(request, programme_id, report_id):
    """A large programme's report being made by the worker: the page asks every second, then offers it."""
    programme = _programme(request, programme_id)
    _require_owner(request, programme)
    # Each person sees only the files they asked for.
    report = get_object_or_404(ProgrammeReport, pk=report_id, programme=programme, requested_by=request.user)
    if request.method == "POST":  # make it again, after an interruption
        return _report_queued(request, programme, report.as_of, report.fmt)
    return exports.status_page(request, report, "programs/programme_report_file.html", {"programme": programme})


def _report_queued(request, programme, as_of, fmt):
    report = services.programme_report_create(programme=programme, as_of=as_of, fmt=fmt, user=request.user)
    return exports.offer(report, reverse("programs:programme_report_file", args=[programme.pk, report.pk]))


def _date(text):
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


# -- a town's support -----------------------------------------------------------------------------


def _may_log(request, town) -> bool:
    """The town's DX office and an advisor assigned there today write the support log."""
    grant = request.scope.grants.get(town.pk)
    return grant is not None and (grant.manage or Role.ADVISOR in grant.roles)


@require_http_methods(["GET", "POST"])
def support(request, code):
    town = get_scoped(request, Municipality, code=code)
    may_log = _may_log(request, town)
    today = {"held_on": timezone.localdate(), "as_of": timezone.localdate()}
    activity_form = ActivityForm(request.POST if "activity" in request.POST else None, prefix="a", initial=today)
    snapshot_form = SnapshotForm(request.POST if "snapshot" in request.POST else None, prefix="s", initial=today)
    if request.method == "POST":
        if not may_log:
            raise PermissionDenied
        participation = town.participations.select_related("programme").first()
        programme = participation.programme if participation else None
        if "activity" in request.POST and submit(
            activity_form,
            services.activity_save,
            municipality=town,
            activity=None,
            advisor=request.user,
            programme=programme,
        ):
            messages.success(request, _("The activity was logged."))
            return redirect("programs:support", code=code)
        if "snapshot" in request.POST and submit(
            snapshot_form, services.snapshot_save, municipality=town, user=request.user, programme=programme
        ):
            messages.success(request, _("The status was recorded. Earlier ones are kept below."))
            return redirect("programs:support", code=code)
    return render(
        request,
        "programs/support.html",
        {
            "municipality": town,
            "activities": selectors.activities_of(town).order_by("-held_on", "-id"),
            "snapshots": town.status_snapshots.select_related("written_by"),
            "assignments": AdvisorAssignment.objects.filter(municipality=town).select_related(
                "advisor", "provider"
            ),
            "activity_form": activity_form if may_log else None,
            "snapshot_form": snapshot_form if may_log else None,
            "participations": town.participations.select_related("programme"),
        },
    )


def advisor_report(request, code, assignment_id):
    town = get_scoped(request, Municipality, code=code)
    assignment = get_object_or_404(
        AdvisorAssignment.objects.select_related("advisor", "provider", "municipality__prefecture"),
        pk=assignment_id,
        municipality=town,
    )
    if assignment.advisor_id != request.user.pk and not request.scope.can_read_all(town.pk):
        raise PermissionDenied
    document = reports.advisor_report(assignment)
    fmt = request.GET.get("format", "pdf")
    if fmt not in ("docx", "pdf"):
        raise Http404
    return download(document_bytes(document, fmt), fmt, f"派遣活動報告_{town.name}.{fmt}")


@require_POST
def adopt(request, code, measure_id):
    """横展開: take another town's published measure into this town's latest plan as a draft."""
    source = Measure.objects.filter(pk=measure_id).select_related("plan__municipality").first()
    if source is None:
        raise Http404
    town = municipality_for(request, code)
    require_manage(request, town.pk)
    try:  # before its text is shown on the page that asks where it goes
        services.adoptable(source, town)
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
        return redirect("programs:programmes")
    return adopt_into_latest_plan(
        request,
        town,
        lambda plan, policy: services.measure_adopt(source=source, plan=plan, user=request.user, policy=policy),
        reverse("programs:programmes"),
        source_label=services.measure_source_label(source),
        reference=services.measure_reference(source),
        earlier=lambda plan: services.adopted_measure(source, plan),
    )
