"""Every write of 人材育成・相談窓口."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.core.fields import nfkc
from banso.core.services import save_validated
from banso.training.models import (
    Answer,
    Attendance,
    Consultation,
    Course,
    Designation,
    FormMapping,
    Question,
    Questionnaire,
    ResidentCount,
    Session,
    StaffMember,
)


@transaction.atomic
def staff_save(*, municipality, staff=None, department, name, staff_number="", user=None, is_active=True):
    if department.municipality_id != municipality.pk:
        raise ValidationError({"department": _("The department belongs to another municipality.")})
    staff = staff or StaffMember(municipality=municipality)
    return save_validated(
        staff,
        department=department,
        name=nfkc(name),
        staff_number=nfkc(staff_number),
        user=user,
        is_active=is_active,
    )


@transaction.atomic
def course_save(
    *, municipality, course=None, title, audience, description="", is_required=False, provider=None, materials=""
):
    title = nfkc(title)
    if municipality.courses.filter(title=title).exclude(pk=getattr(course, "pk", None)).exists():
        raise ValidationError({"title": _("A course called “%(title)s” already exists.") % {"title": title}})
    course = course or Course(municipality=municipality)
    return save_validated(
        course,
        title=title,
        audience=audience,
        description=description,
        is_required=is_required,
        provider=provider,
        materials=materials,
    )


@transaction.atomic
def session_save(*, course, session=None, held_on, place="", is_online=False, instructor=""):
    session = session or Session(course=course)
    return save_validated(
        session, held_on=held_on, place=nfkc(place), is_online=is_online, instructor=nfkc(instructor)
    )


@transaction.atomic
def attendance_set(*, session, enrolled, attended) -> int:
    """Replace a staff session's list: everyone enrolled, and who came. Returns how many came."""
    enrolled = set(enrolled) | set(attended)
    others = [s for s in enrolled if s.municipality_id != session.course.municipality_id]
    if others:
        raise ValidationError(_("Some staff members belong to another municipality."))
    session.attendances.exclude(staff__in=enrolled).delete()
    for staff in enrolled:
        Attendance.objects.update_or_create(
            session=session, staff=staff, defaults={"attended": staff in set(attended)}
        )
    return len(set(attended))


@transaction.atomic
def resident_counts_set(*, session, counts: dict[str, int]) -> int:
    session.resident_counts.exclude(age_band__in=[b for b, n in counts.items() if n]).delete()
    for band, count in counts.items():
        if count:
            ResidentCount.objects.update_or_create(session=session, age_band=band, defaults={"count": count})
    return sum(counts.values())


@transaction.atomic
def designation_save(*, staff, designation=None, kind, starts_on, ends_on=None):
    if ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The designation cannot end before it starts.")})
    designation = designation or Designation(staff=staff)
    return save_validated(designation, kind=kind, starts_on=starts_on, ends_on=ends_on)


@transaction.atomic
def consultation_save(*, municipality, consultation=None, **values):
    values["topic"] = nfkc(values.get("topic", ""))
    consultation = consultation or Consultation(municipality=municipality)
    return save_validated(consultation, **values)


@transaction.atomic
def topics_merge(*, municipality, merge: str, keep: str) -> int:
    """File every consultation under `merge` under `keep` instead (one topic written two ways); how many moved.
    Each is saved on its own, so the change log shows it."""
    merge, keep = nfkc(merge), nfkc(keep)
    if not keep or merge == keep:
        raise ValidationError(_("Choose two different topics: the one to merge and the one to keep."))
    moved = list(Consultation.objects.filter(municipality=municipality, topic=merge))
    if not moved:
        raise ValidationError(_("No consultation is filed under “%(topic)s”.") % {"topic": merge})
    for consultation in moved:
        consultation.topic = keep[:40]
        consultation.save(update_fields=["topic", "updated_at"])
    return len(moved)


@transaction.atomic
def questionnaire_import(*, session, table, kinds, checked, user=None) -> Questionnaire:
    """Write a checked questionnaire and remember the column choices for files with the same headers."""
    if checked.problems:
        raise ValidationError(_("The file has problems; nothing was imported."))
    FormMapping.objects.update_or_create(
        municipality=session.course.municipality, signature=table.signature, defaults={"columns": kinds}
    )
    questionnaire = Questionnaire.objects.create(
        session=session, source_name=table.source_name, imported_by=user, respondents=checked.respondents
    )
    answers = []
    for order, spec in enumerate(checked.questions, start=1):
        question = Question.objects.create(
            questionnaire=questionnaire,
            order=order,
            text=spec["text"],
            kind=spec["kind"],
            scale_max=spec["scale_max"],
        )
        answers += [
            Answer(question=question, respondent=r, score=score, text=text) for r, score, text in spec["answers"]
        ]
    Answer.objects.bulk_create(answers, batch_size=2000)
    return questionnaire


def saved_kinds(municipality, table) -> dict[str, str] | None:
    mapping = FormMapping.objects.filter(municipality=municipality, signature=table.signature).first()
    return mapping.columns if mapping else None
