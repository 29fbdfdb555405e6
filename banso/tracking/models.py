"""実行管理: reporting periods, owners' updates with KPI actuals, approval, reminders sent, and what is published."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from banso.core.fields import FiscalYearField
from banso.core.models import AuditedModel, ends_after_starts
from banso.orgs.models import Department, Municipality
from banso.plans.models import KPI, Measure, MeasurePart, Plan


class TrackingSettings(AuditedModel):
    """How a municipality runs its reporting: approval, grace period, when an item counts as forgotten."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="tracking_settings")
    require_approval = models.BooleanField(
        _("DX staff approve values before they count"),
        default=False,
        help_text=_("KPI actuals then count, and can be published, only once the DX office has approved them."),
    )
    grace_days = models.PositiveSmallIntegerField(
        _("grace period (days)"),
        default=14,
        help_text=_("After the due date plus these days, the department head is told."),
    )
    reminder_days = models.PositiveSmallIntegerField(_("reminder before the due date (days)"), default=7)
    stale_days = models.PositiveSmallIntegerField(_("flag a measure without updates after (days)"), default=90)
    digest = models.BooleanField(
        _("one reminder e-mail a day per person"),
        default=False,
        help_text=_("Someone reminded for several departments or periods on one day gets them in one e-mail."),
    )

    scope_municipality_path = "municipality"

    class Meta:
        verbose_name = _("tracking settings")
        verbose_name_plural = _("tracking settings")

    def __str__(self) -> str:
        return str(self.municipality)


class ReportingPeriod(AuditedModel):
    """One round of reporting (e.g. 令和8年度 第2四半期) with its due date."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="reporting_periods")
    label = models.CharField(_("name"), max_length=60)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    due_on = models.DateField(_("due date"))

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["municipality", "-starts_on"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            ends_after_starts("starts_on", "ends_on", "period_ordered"),
            ends_after_starts("starts_on", "due_on", "period_due_after_start"),
            models.UniqueConstraint(fields=["municipality", "starts_on"], name="unique_period_start"),
        ]

    def __str__(self) -> str:
        return self.label


class ApprovalState(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    RETURNED = "returned", _("returned for correction")


class MeasureUpdate(AuditedModel):
    """An owner's report on one measure for one period: status, progress, evidence; its KPI actuals hang on it."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(_("status"), max_length=12, choices=Measure.Status.choices)
    note = models.TextField(_("progress"), blank=True)
    evidence_url = models.URLField(_("link to evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="tracking/evidence/%Y/%m/", blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ApprovalState.choices, default=ApprovalState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("note from the DX office"), max_length=300, blank=True)
    # Optimistic locking: a save must name the revision it started from, so two people editing the same
    # update cannot overwrite each other unseen.
    revision = models.PositiveIntegerField(default=0)

    scope_municipality_path = "measure__plan__municipality"
    scope_department_path = "measure__owner"

    class Meta:
        ordering = ["-period__starts_on", "measure__number"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        constraints = [models.UniqueConstraint(fields=["measure", "period"], name="unique_update_per_period")]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.period}"

    def audit_municipality_id(self) -> int | None:
        return self.period.municipality_id


class KPIActual(AuditedModel):
    """A KPI's value for a period, as of a date, with its source."""

    class Origin(models.TextChoices):
        MANUAL = "manual", _("entered")
        AUTOMATIC = "automatic", _("taken from Banso's own data")

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="actuals")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="actuals")
    update = models.ForeignKey(
        MeasureUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="actuals"
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=150, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ApprovalState.choices, default=ApprovalState.SUBMITTED
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.MANUAL)

    scope_municipality_path = "kpi__measure__plan__municipality"
    scope_department_path = "kpi__measure__owner"

    class Meta:
        ordering = ["kpi", "as_of"]
        verbose_name = _("KPI actual")
        verbose_name_plural = _("KPI actuals")
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="unique_actual_per_period")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.value} ({self.as_of})"

    def audit_municipality_id(self) -> int | None:
        return self.period.municipality_id


class StatusChange(models.Model):
    """The history of a measure's status: who moved it from what to what, and when."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Measure.Status.choices)
    to_status = models.CharField(max_length=12, choices=Measure.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    update = models.ForeignKey(MeasureUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    scope_municipality_path = "measure__plan__municipality"
    scope_department_path = "measure__owner"

    class Meta:
        ordering = ["measure", "-changed_at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class Notice(models.Model):
    """A reminder that was sent: its key makes `banso remind` safe to run from cron any number of times."""

    class Kind(models.TextChoices):
        DUE = "due", _("due soon")
        OVERDUE = "overdue", _("overdue")
        ESCALATED = "escalated", _("escalated to the department head")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="notices")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="notices")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    recipients = models.TextField(_("sent to"), blank=True)
    measures = models.TextField(_("measures"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    scope_municipality_path = "municipality"
    scope_department_path = "department"

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["period", "department", "kind"], name="unique_notice_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.department} {self.get_kind_display()}"


class Publication(AuditedModel):
    """What the municipality shows residents on its public progress page."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication")
    is_published = models.BooleanField(_("published"), default=False)
    intro = models.TextField(_("introduction for residents"), blank=True)
    measures = models.ManyToManyField(Measure, blank=True, related_name="+", verbose_name=_("published measures"))
    kpis = models.ManyToManyField(KPI, blank=True, related_name="+", verbose_name=_("published KPIs"))

    scope_municipality_path = "plan__municipality"

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return str(self.plan)

    def audit_municipality_id(self) -> int | None:
        return self.plan.municipality_id


class AutomaticActual(models.Model):
    """A KPI that takes its actuals from data Banso already has (see tracking.actual_sources)."""

    kpi = models.OneToOneField(KPI, on_delete=models.CASCADE, related_name="automatic")
    source_key = models.CharField(_("source"), max_length=40)
    parameter = models.CharField(_("parameter"), max_length=100, blank=True)

    scope_municipality_path = "kpi__measure__plan__municipality"

    class Meta:
        verbose_name = _("automatic actual")
        verbose_name_plural = _("automatic actuals")

    def __str__(self) -> str:
        return f"{self.kpi} ← {self.source_key}"

    @property
    def source_label(self) -> str:
        from banso.tracking.actual_sources import SOURCES

        source = SOURCES.get(self.source_key)
        return str(source.label) if source else self.source_key


class ReviewEntry(MeasurePart):
    """年次評価: what a measure achieved in a 年度, the DX office's assessment and the next steps."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="review_entries")
    fiscal_year = FiscalYearField(_("fiscal year"))
    result = models.TextField(_("what was done"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)

    class Meta:
        ordering = ["measure", "fiscal_year"]
        verbose_name = _("annual review entry")
        verbose_name_plural = _("annual review entries")
        constraints = [models.UniqueConstraint(fields=["measure", "fiscal_year"], name="unique_review_entry")]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.fiscal_year}"


class TownSummary(models.Model):
    """A town's progress in a few figures, as its own dashboard computes them, for pages that show many towns.

    Derived data, not audited: `banso.tracking.summaries` rewrites it after every committed change to the plan
    or its reports, and again on a day it was not computed for (lateness moves with the calendar).
    """

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="progress_summary")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    plan_title = models.CharField(max_length=200, blank=True)
    measures = models.PositiveIntegerField(default=0)
    # KPI counts by signal state (progress.ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA).
    signals = models.JSONField(default=dict)
    late = models.PositiveIntegerField(default=0)
    period_label = models.CharField(max_length=100, blank=True)
    reported = models.PositiveIntegerField(default=0)  # measures with an update for the current period
    reportable = models.PositiveIntegerField(default=0)  # measures neither done nor stopped
    waiting = models.PositiveIntegerField(default=0)  # updates waiting for the DX office's approval
    as_of = models.DateField()
    stale = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    scope_municipality_path = "municipality"

    class Meta:
        verbose_name = _("progress summary")
        verbose_name_plural = _("progress summaries")

    def __str__(self) -> str:
        return f"{self.municipality} {self.as_of}"

    def count(self, state: str) -> int:
        return int(self.signals.get(state, 0))
