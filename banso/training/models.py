"""人材育成・相談窓口: courses and sessions, staff attendance, resident class counts, questionnaires, DX leaders,
and the help-desk log. Residents' entries hold no personal data; staff records are for the DX office and the
staff member alone."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banso.core.models import AuditedModel, ends_after_starts
from banso.orgs.models import Department, Municipality, SupportProvider


class Audience(models.TextChoices):
    STAFF = "staff", _("staff")
    RESIDENTS = "residents", _("residents")


class AgeBand(models.TextChoices):
    UNDER_20 = "under_20", _("under 20")
    AGE_20S_30S = "20_39", _("20–39")
    AGE_40S_50S = "40_59", _("40–59")
    AGE_60S = "60_69", _("60–69")
    AGE_70S = "70_79", _("70–79")
    OVER_80 = "80_plus", _("80 and over")
    UNKNOWN = "unknown", _("not asked")


class StaffMember(AuditedModel):
    """A member of the town's staff who takes trainings; most have no Banso login, so a user link is optional."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="staff_members")
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="staff_members", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=60)
    staff_number = models.CharField(_("staff number"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="staff_member"
    )
    is_active = models.BooleanField(_("in service"), default=True)

    scope_municipality_path = "municipality"
    scope_department_path = "department"

    class Meta:
        ordering = ["municipality", "department__order", "name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "staff_number"], condition=~Q(staff_number=""), name="unique_staff_number"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Course(AuditedModel):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="courses")
    title = models.CharField(_("title"), max_length=120)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.STAFF)
    description = models.TextField(_("description"), blank=True)
    is_required = models.BooleanField(
        _("required for all staff"), default=False, help_text=_("For example information security training.")
    )
    provider = models.ForeignKey(
        SupportProvider,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        verbose_name=_("support provider"),
    )
    materials = models.TextField(_("materials"), blank=True, help_text=_("Titles or links, one per line."))

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["municipality", "-is_required", "title"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [models.UniqueConstraint(fields=["municipality", "title"], name="unique_course_title")]

    def __str__(self) -> str:
        return self.title


class Session(AuditedModel):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    instructor = models.CharField(_("instructor"), max_length=100, blank=True)

    scope_municipality_path = "course__municipality"

    class Meta:
        ordering = ["course", "held_on"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self) -> str:
        return f"{self.course} {self.held_on:%Y-%m-%d}"

    def audit_municipality_id(self) -> int | None:
        return self.course.municipality_id


class Attendance(models.Model):
    """A staff member on a session's list: enrolled, and whether they came."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="attendances")
    attended = models.BooleanField(_("attended"), default=False)

    scope_municipality_path = "session__course__municipality"
    scope_department_path = "staff__department"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["session", "staff"], name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.staff} {self.session}"


class ResidentCount(models.Model):
    """How many residents came to a class, by age band only: no names."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="resident_counts")
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    count = models.PositiveIntegerField(_("people"))

    scope_municipality_path = "session__course__municipality"

    class Meta:
        verbose_name = _("resident attendance")
        verbose_name_plural = _("resident attendance")
        constraints = [models.UniqueConstraint(fields=["session", "age_band"], name="unique_resident_count")]

    def __str__(self) -> str:
        return f"{self.session} {self.get_age_band_display()} {self.count}"


class Designation(AuditedModel):
    class Kind(models.TextChoices):
        LEADER = "leader", _("DX leader (DX推進リーダー)")
        PROMOTER = "promoter", _("DX promoter (DX推進員)")

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="designations")
    kind = models.CharField(_("role"), max_length=10, choices=Kind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    scope_municipality_path = "staff__municipality"
    scope_department_path = "staff__department"

    class Meta:
        ordering = ["staff", "-starts_on"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [ends_after_starts("starts_on", "ends_on", "designation_ordered", optional_end=True)]

    def __str__(self) -> str:
        return f"{self.staff} {self.get_kind_display()}"

    def audit_municipality_id(self) -> int | None:
        return self.staff.municipality_id


class Questionnaire(models.Model):
    """The answers to a post-training questionnaire (exported from Microsoft Forms or Google Forms)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questionnaires")
    source_name = models.CharField(_("file"), max_length=200)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    respondents = models.PositiveIntegerField(_("respondents"), default=0)

    scope_municipality_path = "session__course__municipality"

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.source_name


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("rating scale")
        TEXT = "text", _("free text")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=5, choices=Kind.choices)
    scale_max = models.PositiveSmallIntegerField(_("highest point"), null=True, blank=True)

    scope_municipality_path = "questionnaire__session__course__municipality"

    class Meta:
        ordering = ["questionnaire", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    respondent = models.PositiveIntegerField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    scope_municipality_path = "question__questionnaire__session__course__municipality"

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.question_id}/{self.respondent}"


class FormMapping(models.Model):
    """Which columns of a Forms export are scales, free text or ignored, saved for files with the same headers."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="form_mappings")
    signature = models.CharField(max_length=64)
    columns = models.JSONField(default=dict)  # header -> "scale" | "text" | "ignore"

    scope_municipality_path = "municipality"

    class Meta:
        verbose_name = _("questionnaire column mapping")
        verbose_name_plural = _("questionnaire column mappings")
        constraints = [models.UniqueConstraint(fields=["municipality", "signature"], name="unique_form_mapping")]

    def __str__(self) -> str:
        return self.signature


class Consultation(AuditedModel):
    """One question at the help desk (相談窓口). No names: age band and topic are enough to plan classes."""

    class Channel(models.TextChoices):
        DESK = "desk", _("at the desk")
        PHONE = "phone", _("phone")
        ONLINE = "online", _("online")
        VISIT = "visit", _("visit or event")

    class Requester(models.TextChoices):
        RESIDENT = "resident", _("resident")
        STAFF = "staff", _("staff")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ANSWERED = "answered", _("answered")
        REFERRED = "referred", _("referred elsewhere")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="consultations")
    received_on = models.DateField(_("date received"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.DESK)
    requester = models.CharField(
        _("who asked"), max_length=10, choices=Requester.choices, default=Requester.RESIDENT
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    topic = models.CharField(_("topic"), max_length=40)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ANSWERED)
    minutes = models.PositiveSmallIntegerField(_("minutes spent"), default=10)

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["municipality", "-received_on", "-id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return f"{self.received_on} {self.topic}"
