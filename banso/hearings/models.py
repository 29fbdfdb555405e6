"""課題ヒアリング: sessions with departments and the mayor, and the challenges they raise."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banso.core.models import AuditedModel
from banso.orgs.models import Department, Municipality

SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class ChallengeTheme(AuditedModel):
    """A theme to sort challenges by; each municipality keeps its own list."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="challenge_themes")
    name = models.CharField(_("name"), max_length=50)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["municipality", "order", "name"]
        verbose_name = _("challenge theme")
        verbose_name_plural = _("challenge themes")
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_challenge_theme")]

    def __str__(self) -> str:
        return self.name


class HearingSession(AuditedModel):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="hearing_sessions")
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hearing_sessions",
        verbose_name=_("department"),
        help_text=_("Leave empty for the hearing with the mayor or for a cross-department meeting."),
    )
    title = models.CharField(_("title"), max_length=100)
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_municipality_path = "municipality"
    # Notes speak of one department's work: department staff see their own department's hearings only.
    scope_department_path = "department"

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class Priority(models.TextChoices):
    TOP = "top", _("top priority (最優先)")
    HIGH = "high", _("priority (優先)")
    LONG = "long", _("medium to long term (中長期)")


class Challenge(AuditedModel):
    """A 課題 raised in a hearing, scored and put in a priority group."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        MERGED = "merged", _("merged into another")
        CLOSED = "closed", _("closed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="challenges")
    session = models.ForeignKey(
        HearingSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
        verbose_name=_("hearing"),
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
        verbose_name=_("department"),
    )
    title = models.CharField(_("challenge"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    theme = models.ForeignKey(
        ChallengeTheme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
        verbose_name=_("theme"),
    )
    impact = models.PositiveSmallIntegerField(_("impact (1–5)"), validators=SCORE, default=3)
    urgency = models.PositiveSmallIntegerField(_("urgency (1–5)"), validators=SCORE, default=3)
    feasibility = models.PositiveSmallIntegerField(_("feasibility (1–5)"), validators=SCORE, default=3)
    priority = models.CharField(_("priority group"), max_length=10, choices=Priority.choices)
    priority_reason = models.CharField(
        _("reason for the priority"),
        max_length=300,
        blank=True,
        help_text=_("Required when the group differs from the one the scores suggest."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    survey_tasks = models.ManyToManyField(
        "survey.SurveyTask", blank=True, related_name="challenges", verbose_name=_("survey tasks")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_municipality_path = "municipality"
    scope_department_path = "department"

    class Meta:
        ordering = ["municipality", "-impact", "-urgency", "id"]
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    impact__gte=1,
                    impact__lte=5,
                    urgency__gte=1,
                    urgency__lte=5,
                    feasibility__gte=1,
                    feasibility__lte=5,
                ),
                name="challenge_scores_1_to_5",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="merged_challenge_has_target"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return score(self.impact, self.urgency, self.feasibility)

    @property
    def suggested_priority(self) -> str:
        return suggest_priority(self.impact, self.urgency, self.feasibility)


# The rule is printed on the pages, so that everyone can see why a group was suggested.
def score(impact: int, urgency: int, feasibility: int) -> int:
    """Impact counts double: 4 (lowest) to 20 (highest)."""
    return 2 * impact + urgency + feasibility


def suggest_priority(impact: int, urgency: int, feasibility: int) -> str:
    total = score(impact, urgency, feasibility)
    if total >= 15:
        return Priority.TOP
    if total >= 10:
        return Priority.HIGH
    return Priority.LONG
