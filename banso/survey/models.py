"""業務量調査: rounds, the tasks departments report, and the imports that bring them in."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banso.core.fields import FiscalYearField
from banso.core.models import AuditedModel, TimeStampedModel
from banso.orgs.models import Department, Municipality


class ColumnSet(models.TextChoices):
    """Which columns a round asks for: Banso's sheet, 総務省's 業務説明表, or the town's own choice."""

    FULL = "full", _("Banso's full sheet")
    MIC = "mic", _("総務省 業務説明表")
    CUSTOM = "custom", _("the columns we choose")


class SurveyRound(AuditedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("preparing")
        OPEN = "open", _("collecting answers")
        CLOSED = "closed", _("closed")

    # Which status may follow which; every change is kept in RoundStatusChange.
    TRANSITIONS = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.OPEN},
    }

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="survey_rounds")
    fiscal_year = FiscalYearField(_("fiscal year"))
    title = models.CharField(_("title"), max_length=100)
    deadline = models.DateField(_("deadline"))
    hourly_cost_yen = models.PositiveIntegerField(
        _("hourly staff cost (yen)"), help_text=_("Used to turn hours into yen. For example 3,500.")
    )
    annual_hours_per_fte = models.PositiveIntegerField(
        _("working hours of one full-time person a year"),
        default=1800,
        help_text=_("Used for FTE answers and for the capacity check."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    column_set = models.CharField(
        _("columns asked"), max_length=10, choices=ColumnSet.choices, default=ColumnSet.FULL
    )
    custom_columns = models.JSONField(default=dict, blank=True)  # {column: "required" | "optional"}, for CUSTOM
    departments: models.ManyToManyField[Department, "SurveyDepartment"] = models.ManyToManyField(
        Department, through="SurveyDepartment", related_name="survey_rounds"
    )

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["-fiscal_year", "-created_at"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "fiscal_year", "title"], name="unique_survey_round"),
        ]

    @property
    def is_past_deadline(self) -> bool:
        """Still collecting answers after its deadline (the day in Asia/Tokyo): the pages say so beside the status,
        which alone would read 「回答受付中」 as if nothing were late."""
        return self.status == self.Status.OPEN and self.deadline < timezone.localdate()

    def __str__(self) -> str:
        return self.title


class RoundStatusChange(models.Model):
    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=SurveyRound.Status.choices)
    to_status = models.CharField(max_length=10, choices=SurveyRound.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class SurveyDepartment(models.Model):
    """A department in the scope of a round."""

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="round_departments")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="round_links")
    submitted_at = models.DateTimeField(null=True, blank=True)

    scope_municipality_path = "survey_round__municipality"
    scope_department_path = "department"

    class Meta:
        ordering = ["department__order", "department__name"]
        constraints = [
            models.UniqueConstraint(fields=["survey_round", "department"], name="unique_round_department"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_round} / {self.department}"


class CategoryKind(models.TextChoices):
    MAJOR = "major", _("major category")
    MIDDLE = "middle", _("middle category")
    MINOR = "minor", _("minor category")
    STAFF_TYPE = "staff_type", _("staff type")
    MEDIUM = "medium", _("medium")
    DIGITAL_STATUS = "digital_status", _("digital status")


class OptionMeaning(models.TextChoices):
    """What an answer means to the analysis, whatever the town calls it: 「紙」「紙・手書き」「紙媒体」 are all paper, and
    renaming a value changes no figure."""

    PAPER = "paper", _("paper")
    SPREADSHEET = "spreadsheet", _("a spreadsheet (Excel and the like)")
    CORE_SYSTEM = "core_system", _("a core system")
    OTHER_MEDIUM = "other_medium", _("another medium")
    DIGITISED = "digitised", _("digitised")
    PARTLY = "partly", _("partly digitised")
    PLANNED = "planned", _("digitisation planned")
    NOT_DIGITISED = "not_digitised", _("not digitised")
    REGULAR = "regular", _("regular staff")
    FIXED_TERM = "fixed_term", _("fixed-term staff (会計年度任用職員)")
    CONTRACTOR = "contractor", _("contractor")


# The meanings each list can carry; the other lists (大分類, 中分類, 小分類) are the town's own words only.
MEANINGS_OF_KIND: dict[str, list[OptionMeaning]] = {
    CategoryKind.MEDIUM: [
        OptionMeaning.PAPER,
        OptionMeaning.SPREADSHEET,
        OptionMeaning.CORE_SYSTEM,
        OptionMeaning.OTHER_MEDIUM,
    ],
    CategoryKind.DIGITAL_STATUS: [
        OptionMeaning.DIGITISED,
        OptionMeaning.PARTLY,
        OptionMeaning.PLANNED,
        OptionMeaning.NOT_DIGITISED,
    ],
    CategoryKind.STAFF_TYPE: [OptionMeaning.REGULAR, OptionMeaning.FIXED_TERM, OptionMeaning.CONTRACTOR],
}


class CategoryOption(models.Model):
    """One allowed answer of a list column, per round, so each town can adapt its lists; for the lists the
    analysis reads, with the meaning behind the town's label."""

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(max_length=20, choices=CategoryKind.choices)
    value = models.CharField(max_length=50)
    meaning = models.CharField(max_length=20, choices=OptionMeaning.choices, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["survey_round", "kind", "value"], name="unique_category_option"),
        ]

    def __str__(self) -> str:
        return self.value


# An answer field's empty value, also as the column's default in the database: an import leaves out the columns
# its round does not ask for, and the database fills them (services._NewTaskRows).
EMPTY_IN_DATABASE: dict = {"default": "", "db_default": ""}


class SurveyTask(TimeStampedModel):
    """One line of a department's 業務説明表: a piece of work, how often, how long, on what medium.

    Tasks arrive in bulk from workbooks; their trail is the ImportBatch that
    wrote them (file, who, when, previous values for rollback), not AuditEntry.
    """

    # No index of its own: the unique (round, row key) index below serves every look-up by round, and each index
    # costs every row of a 50,000-row import. No constraint either (ADR 18): every row of an import names the same
    # round, the one the import holds, and on PostgreSQL the constraint would look that one row up again at commit
    # for each of 50,000 tasks; Django applies CASCADE when a round goes.
    survey_round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="tasks", db_index=False, db_constraint=False
    )
    # Indexed with the round (below), department first: that one index serves a department's tasks in a round and
    # the look-up the database makes when a department is deleted; the round's tasks alone are found through
    # the unique (round, row key) index. Each index costs every row of an import. On PostgreSQL the department is
    # checked once per statement by triggers instead of this foreign key's check per row (migration 0008, ADR 18).
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="survey_tasks", db_index=False
    )
    # Written into the hidden first column of the sheet, so a returned sheet
    # updates its rows instead of adding new ones.
    row_key = models.UUIDField(default=uuid.uuid4, editable=False)
    name = models.CharField(_("task"), max_length=200)
    description = models.TextField(_("content"), blank=True, **EMPTY_IN_DATABASE)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True, **EMPTY_IN_DATABASE)
    category_major = models.CharField(_("major category"), max_length=50, blank=True, **EMPTY_IN_DATABASE)
    category_middle = models.CharField(_("middle category"), max_length=50, blank=True, **EMPTY_IN_DATABASE)
    category_minor = models.CharField(_("minor category"), max_length=50, blank=True, **EMPTY_IN_DATABASE)
    target = models.CharField(_("for whom"), max_length=100, blank=True, **EMPTY_IN_DATABASE)
    period = models.CharField(_("when / busy season"), max_length=100, blank=True, **EMPTY_IN_DATABASE)
    annual_count = models.PositiveIntegerField(_("cases a year"), null=True, blank=True)
    minutes_per_case = models.DecimalField(
        _("minutes per case"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    staff_per_case = models.DecimalField(
        _("staff per case"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    fte = models.DecimalField(_("FTE"), max_digits=6, decimal_places=2, null=True, blank=True)
    staff_type = models.CharField(_("staff type"), max_length=50, blank=True, **EMPTY_IN_DATABASE)
    medium = models.CharField(_("medium"), max_length=50, blank=True, **EMPTY_IN_DATABASE)
    has_seal = models.BooleanField(_("seal (押印)"), null=True, blank=True)
    has_in_person = models.BooleanField(_("in person (対面)"), null=True, blank=True)
    systems = models.CharField(_("systems used"), max_length=200, blank=True, **EMPTY_IN_DATABASE)
    outsourced = models.BooleanField(_("outsourced"), null=True, blank=True)
    digital_status = models.CharField(_("digital status"), max_length=50, blank=True, **EMPTY_IN_DATABASE)
    issues = models.TextField(_("issues and ideas"), blank=True, **EMPTY_IN_DATABASE)
    section = models.CharField(
        _("section (係)"), max_length=60, blank=True, **EMPTY_IN_DATABASE
    )  # as the file names it
    # The town's own columns with no field in the survey ({their header: value}), kept and sent back on its sheet.
    extra = models.JSONField(_("other columns"), default=dict, blank=True)
    volume_normal = models.PositiveIntegerField(_("cases a month, normal season"), null=True, blank=True)
    volume_busy = models.PositiveIntegerField(_("cases a month, busy season"), null=True, blank=True)
    volume_quiet = models.PositiveIntegerField(_("cases a month, quiet season"), null=True, blank=True)
    busy_months = models.CharField(
        _("months of the busy season"), max_length=40, blank=True, **EMPTY_IN_DATABASE
    )  # "3,4"
    quiet_months = models.CharField(
        _("months of the quiet season"), max_length=40, blank=True, **EMPTY_IN_DATABASE
    )
    reference_number = models.CharField(
        _("reference number (整理番号)"), max_length=30, blank=True, **EMPTY_IN_DATABASE
    )
    outcome_indicator = models.CharField(
        _("outcome indicator (成果指標)"), max_length=200, blank=True, **EMPTY_IN_DATABASE
    )
    system_cost_thousand_yen = models.PositiveIntegerField(
        _("information system cost (thousand yen a year)"), null=True, blank=True
    )
    annual_hours = models.DecimalField(_("hours a year"), max_digits=12, decimal_places=1, default=0)
    missing_answers = models.PositiveSmallIntegerField(default=0)
    to_become_measure = models.BooleanField(_("to become a measure"), default=False, db_default=False)
    measure_note = models.CharField(_("note for the plan"), max_length=200, blank=True, **EMPTY_IN_DATABASE)
    # Indexed only where set (below): a few tasks of a round are marked, and an index entry for every unmarked task
    # would cost each row of an import.
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    # Which import last wrote the task: a record for people, and how a rollback finds the tasks an import created
    # (among the round's tasks, a rare look-up). Without a constraint or an index of its own, because on
    # PostgreSQL each costs every row of a 50,000-row import (the constraint a look-up at commit per row); Django
    # still applies SET_NULL when a batch goes.
    import_batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    scope_municipality_path = "survey_round__municipality"
    scope_department_path = "department"

    class Meta:
        ordering = ["department__order", "id"]
        verbose_name = _("survey task")
        verbose_name_plural = _("survey tasks")
        constraints = [
            models.UniqueConstraint(fields=["survey_round", "row_key"], name="unique_task_row_key"),
            models.CheckConstraint(condition=Q(annual_hours__gte=0), name="task_hours_not_negative"),
        ]
        indexes = [
            models.Index(fields=["department", "survey_round"], name="survey_task_department_round"),
            models.Index(fields=["marked_by"], condition=Q(marked_by__isnull=False), name="survey_task_marked_by"),
        ]

    def __str__(self) -> str:
        return self.name


class ColumnMapping(TimeStampedModel):
    """How another layout's headers map to the survey's fields; saved to reuse next time."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="survey_mappings")
    name = models.CharField(_("name"), max_length=100)
    header_signature = models.CharField(max_length=64, db_index=True)
    sheet_name = models.CharField(max_length=100, blank=True)
    header_row = models.PositiveSmallIntegerField(default=1)  # 1-based, as Excel shows it
    header_rows = models.PositiveSmallIntegerField(default=1)  # two for a group row over the headers (業務規模)
    fields = models.JSONField(default=dict)  # field key -> header text in their layout
    department_header = models.CharField(max_length=100, blank=True)
    # The town's own list words read as the round's ({list: {their value: the round's value}}: 正職員 → 正規).
    values = models.JSONField(default=dict, blank=True)

    scope_municipality_path = "municipality"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="unique_mapping_name")]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One uploaded file: kept with who, when and the result, and undoable."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("checking")
        NEEDS_MAPPING = "needs_mapping", _("columns to map")
        HAS_ERRORS = "has_errors", _("has problems: nothing written")
        REJECTED = "rejected", _("could not be read")
        APPLIED = "applied", _("imported")
        PARTIAL = "partial", _("valid rows imported")
        ROLLED_BACK = "rolled_back", _("rolled back")
        # The worker running it stopped (killed, restarted, machine lost): nothing was written; run it again.
        INTERRUPTED = "interrupted", _("interrupted: nothing written")

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="imports")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file = models.FileField(upload_to="survey-imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, default="web")  # web or cli
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    mapping = models.ForeignKey(ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    rejected_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)
    # {"updated": [{row key, the import that wrote it before, previous values}], "departments": [ids]}; the tasks it
    # created are those naming it (imports made before 2026-12 list them as "created": [row keys]).
    undo = models.JSONField(default=dict)
    # For a workbook in another layout: the sheet, header row and headers found, for the mapping step.
    layout = models.JSONField(default=dict)
    finished_at = models.DateTimeField(null=True, blank=True)
    # How the import was started, so that an interrupted one can be run again the same way.
    run_options = models.JSONField(default=dict, blank=True)
    rolled_back_at = models.DateTimeField(null=True, blank=True)

    scope_municipality_path = "survey_round__municipality"
    scope_department_path = "department"

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def read_rows(self) -> int:
        """Rows with answers: the valid ones and those with problems add up to it."""
        return self.valid_rows + self.rejected_rows

    @property
    def unchanged_rows(self) -> int:
        return max(self.valid_rows - self.created_count - self.updated_count, 0)

    @property
    def progress_percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class PairDecision(models.Model):
    """A person's verdict on two tasks that look alike across departments."""

    class Verdict(models.TextChoices):
        DUPLICATE = "duplicate", _("same work: merge or share")
        DIFFERENT = "different", _("different work")

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="pair_decisions")
    task_a = models.ForeignKey(SurveyTask, on_delete=models.CASCADE, related_name="+")
    task_b = models.ForeignKey(SurveyTask, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=10, choices=Verdict.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    scope_municipality_path = "survey_round__municipality"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task_a", "task_b"], name="unique_pair_decision")]

    def __str__(self) -> str:
        return f"{self.task_a} / {self.task_b}: {self.verdict}"
