"""広域連携・伴走支援: prefecture programmes, participating towns and their providers, meetings, advisors'
dispatches, the support log, dated status snapshots, and 横展開 (adopting a published measure of another town)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banso.core.fields import FiscalYearField
from banso.core.models import AuditedModel, FileJob, ends_after_starts
from banso.orgs.models import AdvisorAssignment, Municipality, Prefecture, SupportProvider
from banso.plans.models import KPI


class Outcome(models.TextChoices):
    """The outcome categories of the national support programme (`004_…`)."""

    VISION = "vision", _("vision and organisational capability (ビジョン策定・組織能力強化)")
    PEOPLE = "people", _("people development (人材育成)")
    IMPLEMENTATION = "implementation", _("managing implementation (地域DX実装の実行管理)")


class Programme(AuditedModel):
    owner_prefecture = models.ForeignKey(
        Prefecture,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("prefecture"),
    )
    owner_provider = models.ForeignKey(
        SupportProvider,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_programmes",
        verbose_name=_("support provider"),
    )
    title = models.CharField(_("title"), max_length=150)
    funding = models.CharField(_("funding"), max_length=200, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    description = models.TextField(_("description"), blank=True)

    scope_municipality_path = "participants__municipality"

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            ends_after_starts("starts_on", "ends_on", "programme_period_ordered"),
            models.CheckConstraint(
                condition=Q(owner_prefecture__isnull=False) | Q(owner_provider__isnull=False),
                name="programme_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self):
        return self.owner_prefecture or self.owner_provider


class Participant(AuditedModel):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participants")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="participations")
    theme = models.CharField(_("theme"), max_length=150)
    summary = models.TextField(_("background and aim"), blank=True)

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["programme", "municipality__code"]
        verbose_name = _("participating municipality")
        verbose_name_plural = _("participating municipalities")
        constraints = [models.UniqueConstraint(fields=["programme", "municipality"], name="unique_participant")]

    def __str__(self) -> str:
        return f"{self.municipality}：{self.theme}"


class ParticipantProvider(models.Model):
    class Role(models.TextChoices):
        REPRESENTATIVE = "representative", _("representative (代表)")
        RESIDENT = "resident", _("resident on site (常駐)")
        OTHER = "other", _("other")

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="providers")
    provider = models.ForeignKey(SupportProvider, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("role"), max_length=15, choices=Role.choices)

    scope_municipality_path = "participant__municipality"

    class Meta:
        ordering = ["participant", "role", "provider__name"]
        verbose_name = _("provider of a participant")
        verbose_name_plural = _("providers of participants")
        constraints = [
            models.UniqueConstraint(fields=["participant", "provider", "role"], name="unique_participant_provider")
        ]

    def __str__(self) -> str:
        return f"{self.provider}（{self.get_role_display()}）"


class Meeting(AuditedModel):
    """A meeting of the programme (検討会) with what was decided."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=150)
    attendees = models.TextField(_("participants"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="programs/meetings/%Y/", blank=True)

    scope_municipality_path = "programme__participants__municipality"

    class Meta:
        ordering = ["programme", "-held_on"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class Dispatch(models.Model):
    """Which programme an advisor's assignment belongs to (the assignment itself is orgs' and drives access)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="dispatches")
    assignment = models.OneToOneField(AdvisorAssignment, on_delete=models.CASCADE, related_name="dispatch")

    scope_municipality_path = "assignment__municipality"

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self) -> str:
        return str(self.assignment)


class SupportActivity(AuditedModel):
    """One entry of the support log: a visit, workshop, hearing or deliverable, under one outcome category."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("visit")
        WORKSHOP = "workshop", _("workshop")
        HEARING = "hearing", _("hearing")
        DELIVERABLE = "deliverable", _("deliverable")
        MEETING = "meeting", _("meeting")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="support_activities")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("outcome category"), max_length=15, choices=Outcome.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("what was done"), blank=True)
    lessons = models.TextField(_("difficulties and successes"), blank=True)

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["municipality", "-held_on", "-id"]
        verbose_name = _("support activity")
        verbose_name_plural = _("support activities")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class StatusSnapshot(AuditedModel):
    """Where a town stands "as of" a date, by outcome category, with next steps. Each is kept: the history."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="status_snapshots")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="snapshots"
    )
    as_of = models.DateField(_("as of"))
    vision = models.TextField(_("vision and organisational capability"), blank=True)
    people = models.TextField(_("people development"), blank=True)
    implementation = models.TextField(_("managing implementation"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["municipality", "-as_of", "-id"]
        verbose_name = _("status snapshot")
        verbose_name_plural = _("status snapshots")

    def __str__(self) -> str:
        return f"{self.municipality} {self.as_of}"


class Adoption(models.Model):
    """横展開: a measure copied from another town's published one, with where it came from."""

    source = models.ForeignKey("plans.Measure", null=True, on_delete=models.SET_NULL, related_name="adoptions")
    source_label = models.CharField(_("adopted from"), max_length=250)
    # The source's own words (their background, content, goal and results), shown beside the draft as a
    # reference for the town to write its own: never copied into its 目的 or ゴール.
    reference = models.TextField(_("the source's text, for reference"), blank=True)
    adopted = models.OneToOneField("plans.Measure", on_delete=models.CASCADE, related_name="adopted_from")
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField(auto_now_add=True)

    scope_municipality_path = "adopted__plan__municipality"

    class Meta:
        ordering = ["-adopted_at"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")

    def __str__(self) -> str:
        return self.source_label


class JointGoal(AuditedModel):
    """共同目標: a goal the programme's towns share, with a target for each year-end, that every participating town
    reports its own value against (a prefecture's joint targets for its 18 municipalities, say)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="joint_goals")
    number = models.CharField(_("number"), max_length=10)
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=KPI.Kind.choices, default=KPI.Kind.NUMBER)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(
        _("direction"), max_length=4, choices=KPI.Direction.choices, default=KPI.Direction.UP
    )

    scope_municipality_path = "programme__participants__municipality"

    class Meta:
        ordering = ["programme", "number"]
        verbose_name = _("joint goal")
        verbose_name_plural = _("joint goals")
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="unique_joint_goal_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class JointGoalTarget(models.Model):
    goal = models.ForeignKey(JointGoal, on_delete=models.CASCADE, related_name="targets")
    fiscal_year = FiscalYearField(_("fiscal year"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.CharField(_("target as written"), max_length=200, blank=True)

    class Meta:
        ordering = ["goal", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["goal", "fiscal_year"], name="unique_joint_target_year")]

    def __str__(self) -> str:
        return f"{self.goal} {self.fiscal_year}"


class JointGoalValue(AuditedModel):
    """One town's own value for a joint goal at a year-end."""

    goal = models.ForeignKey(JointGoal, on_delete=models.CASCADE, related_name="values")
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="joint_goal_values")
    fiscal_year = FiscalYearField(_("fiscal year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    text = models.CharField(_("value as written"), max_length=100, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["goal", "municipality__code", "fiscal_year"]
        verbose_name = _("value for a joint goal")
        verbose_name_plural = _("values for joint goals")
        constraints = [
            models.UniqueConstraint(fields=["goal", "municipality", "fiscal_year"], name="unique_joint_value")
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.municipality} {self.fiscal_year}"


class ProgrammeReport(FileJob):
    """The overview of a programme of many towns as PDF or Word, made by a job for its owner (179 towns' sections
    take seconds to lay out)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reports")
    as_of = models.DateField()
    file = models.FileField(upload_to="programme-reports/%Y/%m/", blank=True)

    class Meta(FileJob.Meta):
        verbose_name = _("programme report")
        verbose_name_plural = _("programme reports")

    def __str__(self) -> str:
        return self.filename or f"{self.programme} ({self.fmt})"
