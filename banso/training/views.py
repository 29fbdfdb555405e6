"""Pages of 人材育成・相談窓口. Names of staff appear only to the DX office and, on their own record, to the person."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.core.access import get_scoped, require_manage
from banso.core.forms import submit
from banso.core.uploads import UploadError, check_upload_size
from banso.core.xlsx import Table, table_response
from banso.orgs.access import municipality_for
from banso.training import questionnaire, selectors, services
from banso.training.forms import (
    AttendanceForm,
    ConsultationForm,
    CourseForm,
    DesignationForm,
    ResidentCountForm,
    SessionForm,
    StaffForm,
    UploadForm,
)
from banso.training.models import Audience, Consultation, Course, Session, StaffMember


def home(request, code):
    municipality = municipality_for(request, code)
    courses = list(municipality.courses.prefetch_related("sessions"))
    required = [(c, selectors.completion_rate(c)) for c in courses if c.is_required]
    return render(
        request,
        "training/home.html",
        {
            "municipality": municipality,
            "courses": courses,
            "required": required,
            "leaders": selectors.active_designations(municipality, timezone.localdate(), kind="leader").count(),
            "can_manage": request.scope.can_manage(municipality.pk),
        },
    )


@require_http_methods(["GET", "POST"])
def course_edit(request, code, course_id=None):
    municipality = municipality_for(request, code)
    course = get_scoped(request, Course, pk=course_id, municipality=municipality) if course_id else None
    require_manage(request, municipality.pk)
    form = CourseForm(request.POST or None, instance=course)
    saved = request.method == "POST" and submit(
        form, services.course_save, municipality=municipality, course=course
    )
    if saved:
        messages.success(request, _("The course “%(title)s” was saved.") % {"title": saved.title})
        return redirect("training:course", code=code, course_id=saved.pk)
    return render(
        request, "training/course_form.html", {"municipality": municipality, "form": form, "course": course}
    )


@require_http_methods(["GET", "POST"])
def course_detail(request, code, course_id):
    municipality = municipality_for(request, code)
    course = get_scoped(request, Course, pk=course_id, municipality=municipality)
    can_manage = request.scope.can_manage(municipality.pk)
    form = SessionForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require_manage(request, municipality.pk)
        saved = submit(form, services.session_save, course=course, session=None)
        if saved:
            messages.success(request, _("The session on %(date)s was added.") % {"date": saved.held_on})
            return redirect("training:session", code=code, session_id=saved.pk)
    rows = selectors.completion(course) if course.audience == Audience.STAFF else []
    if request.GET.get("export") in ("xlsx", "csv"):
        return table_response(
            _completion_table(course, rows, names=can_manage), "completion", request.GET["export"]
        )
    return render(
        request,
        "training/course_detail.html",
        {
            "municipality": municipality,
            "course": course,
            "sessions": course.sessions.order_by("-held_on"),
            "completion": rows,
            "total": {"staff": sum(r.staff for r in rows), "done": sum(r.done for r in rows)},
            "form": form,
            "can_manage": can_manage,
        },
    )


@require_http_methods(["GET", "POST"])
def session_detail(request, code, session_id):
    municipality = municipality_for(request, code)
    session = get_scoped(
        request, Session.objects.select_related("course"), pk=session_id, course__municipality=municipality
    )
    can_manage = request.scope.can_manage(municipality.pk)
    if request.method == "POST":
        require_manage(request, municipality.pk)
    form = _attendance_form(request, session) if can_manage else None
    if request.method == "POST" and form is not None and form.is_valid():
        if session.course.audience == Audience.STAFF:
            count = services.attendance_set(session=session, enrolled=form.chosen()[0], attended=form.chosen()[1])
        else:
            count = services.resident_counts_set(session=session, counts=form.counts())
        messages.success(request, _("Attendance was saved: %(n)s people came.") % {"n": count})
        return redirect("training:session", code=code, session_id=session.pk)
    return render(
        request,
        "training/session_detail.html",
        {
            "municipality": municipality,
            "session": session,
            "form": form,
            "resident_counts": list(session.resident_counts.all()),
            "attended": session.attendances.filter(attended=True).count(),
            "enrolled": session.attendances.count(),
            "questionnaires": [(q, *selectors.questionnaire_summary(q)) for q in session.questionnaires.all()],
            "upload": UploadForm() if can_manage else None,
            "can_manage": can_manage,
        },
    )


def _attendance_form(request, session):
    data = request.POST if request.method == "POST" else None
    if session.course.audience == Audience.STAFF:
        staff = StaffMember.objects.filter(
            municipality=session.course.municipality, is_active=True
        ).select_related("department")
        current = dict(session.attendances.values_list("staff_id", "attended"))
        return AttendanceForm(data, staff=staff, current=current)
    return ResidentCountForm(data, current=dict(session.resident_counts.values_list("age_band", "count")))


# -- questionnaires: upload, choose columns, import -------------------------------------------------


@require_POST
def questionnaire_upload(request, code, session_id):
    municipality = municipality_for(request, code)
    session = get_scoped(request, Session, pk=session_id, course__municipality=municipality)
    require_manage(request, municipality.pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the exported file first."))
        return redirect("training:session", code=code, session_id=session.pk)
    upload = form.cleaned_data["file"]
    try:
        check_upload_size(upload.size, upload.name)
    except UploadError as err:
        messages.error(request, str(err))
        return redirect("training:session", code=code, session_id=session.pk)
    folder = Path(settings.MEDIA_ROOT) / "training" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex
    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
    with (folder / f"{token}{suffix}").open("wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    request.session[f"questionnaire-{token}"] = {"session": session.pk, "name": upload.name, "suffix": suffix}
    return redirect("training:questionnaire_map", code=code, session_id=session.pk, token=token)


@require_http_methods(["GET", "POST"])
def questionnaire_map(request, code, session_id, token):
    municipality = municipality_for(request, code)
    session = get_scoped(request, Session, pk=session_id, course__municipality=municipality)
    require_manage(request, municipality.pk)
    stored = request.session.get(f"questionnaire-{token}")
    if not stored or stored["session"] != session.pk:
        raise Http404
    path = Path(settings.MEDIA_ROOT) / "training" / "uploads" / f"{token}{stored['suffix']}"
    try:
        table = questionnaire.read_table(path, stored["name"])
    except UploadError as err:
        messages.error(request, str(err))
        return redirect("training:session", code=code, session_id=session.pk)
    kinds = services.saved_kinds(municipality, table) or questionnaire.guess_kinds(table)
    problems = []
    if request.method == "POST":
        kinds = {h: request.POST.get(f"kind_{i}", "ignore") for i, h in enumerate(table.headers)}
        checked = questionnaire.check(table, kinds, stored["name"])
        problems = checked.problems
        if not problems:
            services.questionnaire_import(
                session=session, table=table, kinds=kinds, checked=checked, user=request.user
            )
            path.unlink(missing_ok=True)
            del request.session[f"questionnaire-{token}"]
            messages.success(request, _("%(n)s answers were imported.") % {"n": checked.respondents})
            return redirect("training:session", code=code, session_id=session.pk)
    columns = [
        (i, h, kinds.get(h, "ignore"), [row[i] for row in table.rows[:3]]) for i, h in enumerate(table.headers)
    ]
    return render(
        request,
        "training/questionnaire_map.html",
        {
            "municipality": municipality,
            "session": session,
            "columns": columns,
            "problems": problems,
            "table": table,
        },
    )


# -- people -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def staff_list(request, code):
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)  # names and records are for the DX office
    form = StaffForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and submit(
        form, services.staff_save, municipality=municipality, staff=None, user=None
    ):
        messages.success(request, _("The staff member was added."))
        return redirect("training:staff", code=code)
    staff = (
        StaffMember.objects.filter(municipality=municipality)
        .select_related("department")
        .prefetch_related("designations")
    )
    return render(
        request,
        "training/staff_list.html",
        {"municipality": municipality, "staff": staff, "form": form, "today": timezone.localdate()},
    )


@require_http_methods(["GET", "POST"])
def staff_detail(request, code, staff_id):
    municipality = municipality_for(request, code)
    member = get_scoped(
        request, StaffMember.objects.select_related("department"), pk=staff_id, municipality=municipality
    )
    manage = request.scope.can_manage(municipality.pk)
    if not manage and member.user_id != request.user.pk:
        raise PermissionDenied  # a training record is the DX office's and the person's own
    form = DesignationForm(request.POST or None) if manage else None
    if request.method == "POST":
        require_manage(request, municipality.pk)
        if submit(form, services.designation_save, staff=member, designation=None):
            messages.success(request, _("The designation was saved."))
            return redirect("training:staff_detail", code=code, staff_id=member.pk)
    return render(
        request,
        "training/staff_detail.html",
        {
            "municipality": municipality,
            "member": member,
            "record": selectors.record(member),
            "designations": member.designations.all(),
            "form": form,
        },
    )


# -- help desk ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def helpdesk(request, code):
    municipality = municipality_for(request, code)
    can_manage = request.scope.can_manage(municipality.pk)
    form = (
        ConsultationForm(request.POST or None, initial={"received_on": timezone.localdate()})
        if can_manage
        else None
    )
    if request.method == "POST":
        require_manage(request, municipality.pk)
        if submit(form, services.consultation_save, municipality=municipality, consultation=None):
            messages.success(request, _("The consultation was logged."))
            return redirect("training:helpdesk", code=code)
    consultations = Consultation.objects.filter(municipality=municipality)
    if request.GET.get("export") in ("xlsx", "csv"):
        return _export_consultations(consultations, request.GET["export"])
    used = list(selectors.topic_counts(municipality)) if can_manage else []
    return render(
        request,
        "training/helpdesk.html",
        {
            "municipality": municipality,
            "form": form,
            "latest": consultations[:20],
            "trends": selectors.trends(consultations),
            "can_manage": can_manage,
            "topics_used": used,
            "topic_choices": selectors.topic_choices(used),
            "similar_topics": selectors.similar_topics(used),
        },
    )


@require_POST
def helpdesk_topics(request, code):
    """Merge a topic written two ways into one (「マイナポータル」 into 「マイナンバーカード・マイナポータル」)."""
    municipality = municipality_for(request, code)
    require_manage(request, municipality.pk)
    merge, keep = request.POST.get("merge", ""), request.POST.get("keep", "")
    try:
        moved = services.topics_merge(municipality=municipality, merge=merge, keep=keep)
    except ValidationError as err:
        messages.error(request, " ".join(err.messages))
    else:
        messages.success(
            request,
            _("%(n)s consultations filed under “%(merge)s” are now under “%(keep)s”.")
            % {"n": moved, "merge": merge, "keep": keep},
        )
    return redirect("training:helpdesk", code=code)


def _export_consultations(consultations, fmt):
    table = Table(
        _("consultations"),
        [
            _("date received"),
            _("channel"),
            _("who asked"),
            _("age band"),
            _("topic"),
            _("question"),
            _("answer"),
            _("status"),
            _("minutes spent"),
        ],
        [
            [
                c.received_on.isoformat(),
                c.get_channel_display(),
                c.get_requester_display(),
                c.get_age_band_display(),
                c.topic,
                c.question,
                c.answer,
                c.get_status_display(),
                c.minutes,
            ]
            for c in consultations
        ],
        [12, 10, 8, 10, 20, 40, 40, 10, 8],
    )
    return table_response(table, "consultations", fmt)


def _completion_table(course, rows, *, names: bool) -> Table:
    headers = [_("department"), _("staff"), _("completed"), _("rate")] + ([_("not yet")] if names else [])
    return Table(
        course.title,  # the sheet name is made from it (core.xlsx.worksheet_name)
        headers,
        [
            [r.department.name, r.staff, r.done, round(r.rate * 100, 1)]
            + (["、".join(m.name for m in r.missing)] if names else [])
            for r in rows
        ],
        [20, 8, 8, 8, 60],
    )


def _staff_table(staff) -> Table:
    today = timezone.localdate()
    return Table(
        _("Staff"),
        [_("department"), _("name"), _("staff number"), _("role"), _("in service")],
        [
            [
                m.department.name,
                m.name,
                m.staff_number,
                "、".join(
                    str(d.get_kind_display())
                    for d in m.designations.all()
                    if d.starts_on <= today and (d.ends_on is None or d.ends_on >= today)
                ),
                m.is_active,
            ]
            for m in staff
        ],
        [20, 16, 10, 20, 8],
    )
