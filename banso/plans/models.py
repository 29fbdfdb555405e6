"""DX推進計画: the plan, its phases, policies, measures with a step per 年度, KPIs and funding."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from banso.core.fields import FiscalYearField
from banso.core.models import AuditedModel, FileJob, ends_after_starts
from banso.orgs.models import Department, Municipality


class FundingScheme(models.Model):
    """A source of money for measures. Names change (デジタル田園都市国家構想交付金 became
    新しい地方経済・生活環境創生交付金 in FY2025), so schemes are data with validity dates."""

    class Kind(models.TextChoices):
        GRANT = "grant", _("national grant (交付金)")
        BOND = "bond", _("local bond (地方債)")
        GENERAL = "general", _("general revenue (一般財源)")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    aliases = models.TextField(
        _("other names"), blank=True, help_text=_("Names plans use for this scheme, one a line (略称・旧称).")
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("funding scheme")
        verbose_name_plural = _("funding schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="funding_scheme_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Partner(models.Model):
    """A body outside the town that owns or carries out a measure with it: 一部事務組合, 広域連合, the prefecture,
    a private company. Kept as data, so the same partner is one name across measures and plans."""

    class Kind(models.TextChoices):
        JOINT_BODY = "joint_body", _("joint body (一部事務組合)")
        REGIONAL_UNION = "regional_union", _("regional union (広域連合)")
        PREFECTURE = "prefecture", _("prefecture")
        PRIVATE = "private", _("private partner")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class FiscalPeriod(models.Model):
    """A run of 年度 from `start_year` to `end_year`, both included, that cannot end before it starts."""

    start_year = FiscalYearField(_("first fiscal year"))
    end_year = FiscalYearField(_("last fiscal year"))

    class Meta:
        abstract = True
        constraints = [ends_after_starts("start_year", "end_year", "%(app_label)s_%(class)s_period_ordered")]

    def years(self):
        from banso.core.fiscal import fiscal_years

        return fiscal_years(self.start_year, self.end_year)


# The self-assessment scale most plans use; a town may write its own (S–C, ◎○△ …).
DEFAULT_GRADE_SCALE = "A 目標より進んでいる\nB 目標どおり\nC 遅れている\nD 評価できない"


class Plan(AuditedModel, FiscalPeriod):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="plans", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=120)
    concept = models.CharField(_("concept"), max_length=200, blank=True)
    vision = models.TextField(_("vision"), blank=True)
    background = models.TextField(_("background and challenges"), blank=True)
    grade_scale = models.TextField(
        _("grades of the yearly self-assessment"),
        default=DEFAULT_GRADE_SCALE,
        help_text=_("One grade a line: its letter, a space, and what it means."),
    )
    # A plan that starts mid-year (2023年1月–2025年3月): its months; the 年度 above still hold its years.
    starts_on = models.DateField(_("first month"), null=True, blank=True)
    ends_on = models.DateField(_("last month"), null=True, blank=True)
    level_names = models.CharField(
        _("names of the policy levels"),
        max_length=120,
        blank=True,
        help_text=_(
            "Top level first, separated by ／, as the plan calls them: for example 基本方針／施策／具体的取組."
        ),
    )

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name = _("DX plan")
        verbose_name_plural = _("DX plans")
        constraints = [
            *FiscalPeriod.Meta.constraints,
            models.UniqueConstraint(fields=["municipality", "title"], name="unique_plan_title"),
        ]

    def __str__(self) -> str:
        return self.title

    def grades(self) -> dict[str, str]:
        """The self-assessment scale: grade → what it means, in the order the plan lists them."""
        found = {}
        for line in self.grade_scale.splitlines():
            grade, _sep, meaning = line.strip().partition(" ")
            if grade:
                found[grade] = meaning.strip()
        return found

    def level_name(self, depth: int) -> str:
        """What the plan calls a 方針 at this depth (0 is the top): its own word, or 方針 where it has none."""
        names = [n.strip() for n in self.level_names.replace("/", "／").split("／") if n.strip()]
        return names[depth] if depth < len(names) else str(_("policy"))


class PlanPart(AuditedModel):
    """Something that belongs to a plan, audited and scoped with it."""

    if TYPE_CHECKING:
        plan: Plan

    scope_municipality_path = "plan__municipality"

    class Meta:
        abstract = True

    def audit_municipality_id(self) -> int | None:
        return self.plan.municipality_id


class Phase(PlanPart, FiscalPeriod):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=60)
    goal = models.CharField(_("goal"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            *FiscalPeriod.Meta.constraints,
            models.UniqueConstraint(fields=["plan", "order"], name="unique_phase_order"),
        ]

    def __str__(self) -> str:
        return self.name


class Policy(PlanPart):
    """方針: groups measures under a direction of the plan. 方針 nest (基本方針 → 施策 → 具体的取組), and measures hang
    under any level."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="policies")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        # A level removed leaves its children in the plan, one level up, rather than taking them with it.
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("within"),
    )
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_policy_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Viewpoint(PlanPart):
    """視点 (基本的考え方): a cross-cutting perspective the plan applies across its 方針, such as 「誰一人取り残さない」.
    Each plan defines its own; measures are tagged with the ones they serve."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="viewpoints")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("cross-cutting viewpoint")
        verbose_name_plural = _("cross-cutting viewpoints")
        constraints = [models.UniqueConstraint(fields=["plan", "title"], name="unique_viewpoint_title")]

    def __str__(self) -> str:
        return self.title


# Which status of a measure may follow which. 完了 and 中止 can be reopened (work resumes, or it was closed by
# mistake); nothing goes back to 未着手 once work has started. tracking.services records every change.
STATUS_TRANSITIONS = {
    "not_started": {"in_progress", "delayed", "stopped"},
    "in_progress": {"done", "delayed", "stopped"},
    "delayed": {"in_progress", "done", "stopped"},
    "done": {"in_progress"},
    "stopped": {"in_progress"},
}


class Measure(PlanPart):
    """施策: what the town will do, with a step for each 年度 and goals measured by KPIs."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started (未着手)")
        IN_PROGRESS = "in_progress", _("in progress (実施中)")
        DONE = "done", _("done (完了)")
        DELAYED = "delayed", _("delayed (遅延)")
        STOPPED = "stopped", _("stopped (中止)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan"))
    policy = models.ForeignKey(
        Policy, null=True, blank=True, on_delete=models.SET_NULL, related_name="measures", verbose_name=_("policy")
    )
    number = models.CharField(_("number"), max_length=10, help_text=_("For example 3-1."))
    title = models.CharField(_("title"), max_length=150)
    purpose = models.TextField(_("purpose"), blank=True)
    audience = models.CharField(_("target audience"), max_length=150, blank=True)
    content = models.TextField(_("content"), blank=True)
    goal = models.TextField(_("goal"), blank=True)
    # A plan may name no owner for a measure yet (担当未定): the DX office then answers for it.
    owner = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_measures",
        verbose_name=_("owner department"),
    )
    co_owners = models.ManyToManyField(
        Department, blank=True, related_name="co_owned_measures", verbose_name=_("co-owning departments")
    )
    partners = models.ManyToManyField(
        Partner, blank=True, related_name="measures", verbose_name=_("partners outside the town")
    )
    related_departments = models.ManyToManyField(
        Department, blank=True, related_name="related_measures", verbose_name=_("related departments")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    # A measure taken in from elsewhere (横展開) waits as a draft: in the plan for the town to shape, in no
    # reporting period, reminder or progress figure until the DX office starts it.
    is_draft = models.BooleanField(_("draft (not reported on yet)"), default=False)
    budget_thousand_yen = models.PositiveBigIntegerField(_("budget (thousand yen)"), null=True, blank=True)
    funding = models.ManyToManyField(FundingScheme, blank=True, related_name="measures", verbose_name=_("funding"))
    # A source of money as the plan names it when Banso's list has no such scheme: kept, not refused.
    funding_other = models.CharField(_("other funding (as written)"), max_length=200, blank=True)
    challenges = models.ManyToManyField(
        "hearings.Challenge", blank=True, related_name="measures", verbose_name=_("challenges")
    )
    viewpoints = models.ManyToManyField(
        "plans.Viewpoint", blank=True, related_name="measures", verbose_name=_("cross-cutting viewpoints")
    )
    survey_tasks = models.ManyToManyField(
        "survey.SurveyTask", blank=True, related_name="measures", verbose_name=_("survey tasks")
    )

    scope_department_path = "owner"

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = pgettext_lazy("plan", "measure")
        verbose_name_plural = _("measures")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_measure_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class MeasurePart(PlanPart):
    """Something that belongs to one measure (its steps, KPIs, tags, reviews): scoped and audited through it,
    so department staff see it exactly when they see the measure."""

    scope_municipality_path = "measure__plan__municipality"
    scope_department_path = "measure__owner"

    if TYPE_CHECKING:
        measure: Measure

    class Meta:
        abstract = True

    def audit_municipality_id(self) -> int | None:
        return self.measure.plan.municipality_id


class MeasureStep(MeasurePart):
    """What the measure does in one 年度 (the R5 … R9 rows of a plan)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="steps")
    fiscal_year = FiscalYearField(_("fiscal year"))
    description = models.TextField(_("step"))

    class Meta:
        ordering = ["measure", "fiscal_year"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        constraints = [models.UniqueConstraint(fields=["measure", "fiscal_year"], name="unique_step_year")]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.fiscal_year}"


class MeasureBudget(MeasurePart):
    """A measure's money in one 年度: the budget (予算額), what was spent (決算額), and where it came from."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="budgets")
    fiscal_year = FiscalYearField(_("fiscal year"))
    budget_thousand_yen = models.PositiveBigIntegerField(_("budget (thousand yen)"), null=True, blank=True)
    settled_thousand_yen = models.PositiveBigIntegerField(_("settled (thousand yen)"), null=True, blank=True)
    funding = models.ManyToManyField(FundingScheme, blank=True, related_name="budgets", verbose_name=_("funding"))
    funding_other = models.CharField(_("other funding (as written)"), max_length=200, blank=True)

    class Meta:
        ordering = ["measure", "fiscal_year"]
        verbose_name = _("budget for a fiscal year")
        verbose_name_plural = _("budgets by fiscal year")
        constraints = [models.UniqueConstraint(fields=["measure", "fiscal_year"], name="unique_budget_year")]

    def __str__(self) -> str:
        return f"{self.measure.number} {self.fiscal_year}"


class KPI(MeasurePart):
    """How a measure's goal is measured. Kinds, as plans write them: a number, a share (%), a running total (累計),
    a figure per year (/年), or milestones (「行動規範の制定」) whose actual is how many have been reached."""

    class Direction(models.TextChoices):
        UP = "up", _("higher is better")
        DOWN = "down", _("lower is better")

    class Kind(models.TextChoices):
        NUMBER = "number", _("a number")
        SHARE = "share", _("a share (%)")
        CUMULATIVE = "cumulative", _("a running total (累計)")
        PER_YEAR = "per_year", _("a figure per year (/年)")
        MILESTONE = "milestone", _("milestones (achieved or not)")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("measure"))
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.NUMBER)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    # 再掲: the same KPI printed under other measures too; it is counted once, under its own measure.
    listed_again_under = models.ManyToManyField(
        Measure, blank=True, related_name="kpis_listed_again", verbose_name=_("also listed under (再掲)")
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, default=Direction.UP)
    data_source = models.CharField(_("data source"), max_length=150, blank=True)

    class Meta:
        ordering = ["measure", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")

    def __str__(self) -> str:
        return self.name


class KPITarget(PlanPart):
    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="targets")
    fiscal_year = FiscalYearField(_("target fiscal year"))
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2, null=True, blank=True)
    # The target as the plan writes it: 「85%」「4箇所（累計）」, or a milestone's words 「行動規範の制定」.
    text = models.CharField(_("target as written"), max_length=200, blank=True)

    scope_municipality_path = "kpi__measure__plan__municipality"
    scope_department_path = "kpi__measure__owner"

    class Meta:
        ordering = ["kpi", "fiscal_year"]
        verbose_name = _("KPI target")
        verbose_name_plural = _("KPI targets")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "fiscal_year"], name="unique_kpi_target_year"),
            models.CheckConstraint(condition=Q(value__isnull=False) | ~Q(text=""), name="kpi_target_has_a_value"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.written} ({self.fiscal_year})"

    @property
    def written(self) -> str:
        """The target as the plan writes it: its own text, or the number without trailing zeros (28, not 28.00)."""
        return self.text or (format(self.value.normalize(), "f") if self.value is not None else "")

    def audit_municipality_id(self) -> int | None:
        return self.kpi.measure.plan.municipality_id


class KPIAssessment(PlanPart):
    """The town's own grade for a KPI in one 年度 (A 目標より進んでいる … D 評価できない), with a comment, and
    whether it goes on into the next plan (次期計画で継続)."""

    kpi = models.ForeignKey(KPI, on_delete=models.CASCADE, related_name="assessments")
    fiscal_year = FiscalYearField(_("fiscal year"))
    grade = models.CharField(_("grade"), max_length=10)
    comment = models.TextField(_("comment"), blank=True)
    continue_next = models.BooleanField(_("continued in the next plan"), default=False)

    scope_municipality_path = "kpi__measure__plan__municipality"
    scope_department_path = "kpi__measure__owner"

    class Meta:
        ordering = ["kpi", "fiscal_year"]
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        constraints = [models.UniqueConstraint(fields=["kpi", "fiscal_year"], name="unique_assessment_year")]

    def __str__(self) -> str:
        return f"{self.kpi} {self.fiscal_year}: {self.grade}"

    def audit_municipality_id(self) -> int | None:
        return self.kpi.measure.plan.municipality_id


class PlanVersion(PlanPart):
    """An issued edition of the plan (第1.0版, 第1.1版 …): the whole plan as it stood, kept as a snapshot.

    The plan itself is the working copy that staff keep editing; issuing a version
    freezes what the council received, so any two editions can be compared later
    and a document can be printed again exactly as it was issued.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    major = models.PositiveSmallIntegerField(_("major number"))
    minor = models.PositiveSmallIntegerField(_("minor number"))
    issued_on = models.DateField(_("date of issue"))
    note = models.TextField(_("what changed"), blank=True)
    snapshot = models.JSONField(_("content"))

    audit_exclude = ("created_at", "updated_at", "snapshot")

    class Meta:
        ordering = ["plan", "-major", "-minor"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(fields=["plan", "major", "minor"], name="unique_plan_version_number")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"第{self.major}.{self.minor}版"


class AlignmentFramework(models.Model):
    """An edition of a national plan whose items measures are tagged with (総務省「自治体DX推進計画」第3.0版).

    The ministry revises the plan and renames its items, so each edition is data;
    tags keep pointing at the item of the edition they were made with.
    """

    name = models.CharField(_("name"), max_length=120)
    edition = models.CharField(_("edition"), max_length=40)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    is_current = models.BooleanField(_("current edition"), default=True)

    class Meta:
        ordering = ["-is_current", "-valid_from", "name"]
        verbose_name = _("national framework")
        verbose_name_plural = _("national frameworks")
        constraints = [models.UniqueConstraint(fields=["name", "edition"], name="unique_framework_edition")]

    def __str__(self) -> str:
        return f"{self.name}（{self.edition}）"


class AlignmentItem(models.Model):
    class Kind(models.TextChoices):
        FOCUS = "focus", _("focus area (重点取組事項)")
        STRUCTURE = "structure", _("organisation (推進体制)")
        OTHER = "other", _("other national theme")

    framework = models.ForeignKey(AlignmentFramework, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    name = models.CharField(_("name"), max_length=80)
    keywords = models.TextField(
        _("keywords"), blank=True, help_text=_("Words that suggest this item, one per line.")
    )

    class Meta:
        ordering = ["framework", "kind", "order", "name"]
        verbose_name = _("national plan item")
        verbose_name_plural = _("national plan items")
        constraints = [models.UniqueConstraint(fields=["framework", "name"], name="unique_alignment_item")]

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [w.strip() for w in self.keywords.splitlines() if w.strip()]


class MeasureTag(MeasurePart):
    """A measure's link to a national plan item or to a goal of the town's 総合計画.

    Banso suggests tags from the measure's text with a confidence and the words
    that matched; a person confirms or rejects each, and a rejected suggestion is
    kept so that it is not suggested again.
    """

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("suggested")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="tags")
    item = models.ForeignKey(AlignmentItem, null=True, blank=True, on_delete=models.PROTECT, related_name="tags")
    goal = models.ForeignKey(
        "orgs.ComprehensivePlanGoal", null=True, blank=True, on_delete=models.CASCADE, related_name="tags"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    confidence = models.FloatField(_("confidence"), default=1.0)
    evidence = models.CharField(_("matching words"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        "orgs.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["measure", "-confidence"]
        verbose_name = _("measure tag")
        verbose_name_plural = _("measure tags")
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=True, goal__isnull=False) | Q(item__isnull=False, goal__isnull=True),
                name="measure_tag_one_target",
            ),
            models.UniqueConstraint(fields=["measure", "item"], name="unique_measure_item_tag"),
            models.UniqueConstraint(fields=["measure", "goal"], name="unique_measure_goal_tag"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} → {self.target}"

    @property
    def target(self):
        return self.item if self.item_id else self.goal


class WorkbookImport(models.Model):
    """One plan workbook brought in through the page: kept with who, when and the outcome, and read by a job
    (`banso worker`) so that a large plan does not hold a web process; its page shows how far it is."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("checking")
        HAS_ERRORS = "has_errors", _("has problems: nothing written")
        APPLIED = "applied", _("imported")
        # The job stopped on an error of Banso's own; nothing was written.
        FAILED = "failed", _("stopped by an internal error: nothing written")
        # The worker running it stopped (killed, restarted, machine lost): nothing was written; run it again.
        INTERRUPTED = "interrupted", _("interrupted: nothing written")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="plan_imports")
    # The plan the workbook updates; none when it brings in a new plan of the town.
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(upload_to="plan-imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    problems = models.JSONField(default=list, blank=True)  # core.uploads.Problem.as_dict(): errors or warnings
    counts = models.JSONField(default=dict, blank=True)  # policies, measures, steps, kpis written
    result = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_municipality_path = "municipality"

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("plan workbook import")
        verbose_name_plural = _("plan workbook imports")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RUNNING)


class DocumentExport(FileJob):
    """A large plan's PDF or Word file, made by a job for the person who asked for it (a plan of many measures
    takes seconds to lay out)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="exports")
    version = models.ForeignKey("PlanVersion", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="plan-exports/%Y/%m/", blank=True)

    scope_municipality_path = "plan__municipality"

    class Meta(FileJob.Meta):
        verbose_name = _("plan document export")
        verbose_name_plural = _("plan document exports")

    def __str__(self) -> str:
        return self.filename or f"{self.plan} ({self.fmt})"
