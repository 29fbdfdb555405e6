"""事例ライブラリ: what a municipality did, for whom, with whom, at what cost and with what result."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banso.core.fields import FiscalYearField
from banso.core.models import AuditedModel, ends_after_starts
from banso.orgs.models import HasDensity, Municipality, Prefecture


class Case(HasDensity, AuditedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")

    class Theme(models.TextChoices):
        FRONT_OFFICE = "front_office", _("counters and procedures")
        BACK_OFFICE = "back_office", _("internal work and BPR")
        PLANNING = "planning", _("plans and organisation")
        PEOPLE = "people", _("staff development")
        DIVIDE = "divide", _("digital divide")
        COMMUNICATION = "communication", _("information and participation")
        MOBILITY = "mobility", _("transport")
        COMMERCE = "commerce", _("shopping and local economy")
        WELFARE = "welfare", _("health, welfare and care")
        EDUCATION = "education", _("education and child-rearing")
        DISASTER = "disaster", _("disaster prevention, infrastructure and snow")
        AGRICULTURE = "agriculture", _("agriculture and forestry")
        TOURISM = "tourism", _("tourism")
        DATA = "data", _("data and smart city")
        LOGISTICS = "logistics", _("delivery and logistics")

    class Kind(models.TextChoices):
        SERVICE = "service", _("service for residents")
        PROCESS = "process", _("work reform and systems")
        PLAN = "plan", _("plan and organisation")
        TRAINING = "training", _("training and people")
        PILOT = "pilot", _("pilot")
        COLLABORATION = "collaboration", _("partnership across organisations")

    class PopulationBand(models.TextChoices):
        # The bands staff use when they ask "a town of our size": under 10,000 is most of the 町村.
        UNDER_10K = "u10k", _("under 10,000")
        TO_30K = "10k", _("10,000–30,000")
        TO_100K = "30k", _("30,000–100,000")
        TO_300K = "100k", _("100,000–300,000")
        OVER_300K = "300k", _("300,000 and more")
        UNKNOWN = "unknown", _("unknown")

    # Cases written from the seed documents carry a key, so `banso cases load` updates them in place.
    seed_key = models.SlugField(_("seed key"), max_length=60, unique=True, null=True, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="cases")
    prefecture = models.ForeignKey(Prefecture, on_delete=models.PROTECT, related_name="+", editable=False)
    title = models.CharField(_("title"), max_length=150)
    summary = models.TextField(
        _("summary"), help_text=_("Two or three sentences: what was done and what came of it.")
    )
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
    kind = models.CharField(_("kind of measure"), max_length=20, choices=Kind.choices)
    tags = models.ManyToManyField(
        "plans.AlignmentItem", blank=True, related_name="cases", verbose_name=_("national plan items")
    )
    start_year = FiscalYearField(_("from (fiscal year)"), null=True, blank=True)
    end_year = FiscalYearField(_("until (fiscal year)"), null=True, blank=True)
    # The municipality as it was (census figures); a town's profile changes, the case does not.
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    aged_65_share = models.DecimalField(
        _("share aged 65 and over"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True)
    profile_year = models.PositiveSmallIntegerField(_("profile as of (year)"), null=True, blank=True)
    population_band = models.CharField(
        _("population band"), max_length=8, choices=PopulationBand.choices, default=PopulationBand.UNKNOWN
    )
    background = models.TextField(_("background and challenge"), blank=True)
    actions = models.TextField(_("what was done"), blank=True)
    organisation = models.TextField(_("organisation and partners"), blank=True)
    cost = models.TextField(_("cost"), blank=True)
    budget_thousand_yen = models.PositiveBigIntegerField(_("budget (thousand yen)"), null=True, blank=True)
    funding = models.ManyToManyField(
        "plans.FundingScheme", blank=True, related_name="cases", verbose_name=_("funding")
    )
    results_quantitative = models.TextField(_("results in figures"), blank=True)
    results_qualitative = models.TextField(_("results in words"), blank=True)
    difficulties = models.TextField(_("difficulties and lessons"), blank=True)
    source_measure = models.ForeignKey(
        "plans.Measure", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    # Denormalised for the search page's facets, read in the same query as the ranking ("1 5 12").
    tag_list = models.CharField(max_length=200, blank=True, editable=False)
    funding_list = models.CharField(max_length=200, blank=True, editable=False)

    scope_municipality_path = "municipality"
    # The case's prose, in the order a reader meets it: the form, the seed file and the page follow it.
    PROSE_FIELDS = (
        "summary",
        "background",
        "actions",
        "organisation",
        "cost",
        "results_quantitative",
        "results_qualitative",
        "difficulties",
    )

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            ends_after_starts("start_year", "end_year", "case_period_ordered", optional_end=True),
        ]
        indexes = [
            models.Index(fields=["status", "theme"]),
            # Covers what a search reads of each hit (visibility, facets) and a recommendation of each candidate
            # (the profile), so the ranking query joins the index and not the wide rows with their texts: the
            # town too, which visibility asks for (without it every hit was read from the table: 30 ms, not 20,
            # for a word found in 6,500 cases).
            models.Index(
                fields=[
                    "id",
                    "status",
                    "municipality",
                    "theme",
                    "population_band",
                    "prefecture",
                    "tag_list",
                    "funding_list",
                    "population",
                    "aged_65_share",
                    "area_km2",
                ],
                name="case_hit_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality.name}：{self.title}"

    @classmethod
    def scope_shared_condition(cls, scope) -> Q:
        """Beyond its own municipality's cases, every member reads the published library, and a prefecture's
        staff read the cases waiting for their review."""
        return Q(status=cls.Status.PUBLISHED) | Q(
            status=cls.Status.IN_REVIEW, prefecture_id__in=scope.prefecture_ids
        )

    def period_label(self) -> str:
        from banso.core.fiscal import FiscalYear

        if not self.start_year:
            return ""
        start = FiscalYear(self.start_year).era_label
        if self.end_year == self.start_year:
            return start
        return f"{start}〜{FiscalYear(self.end_year).era_label if self.end_year else ''}"


def band_for(population: int | None) -> str:
    if not population:
        return Case.PopulationBand.UNKNOWN
    for limit, band in (
        (10_000, Case.PopulationBand.UNDER_10K),
        (30_000, Case.PopulationBand.TO_30K),
        (100_000, Case.PopulationBand.TO_100K),
        (300_000, Case.PopulationBand.TO_300K),
    ):
        if population < limit:
            return band
    return Case.PopulationBand.OVER_300K


class CaseSource(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("date"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    scope_municipality_path = "case__municipality"

    class Meta:
        ordering = ["case", "order", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class CaseTransition(models.Model):
    """Who moved a case from what status to what, when, and why (a review's note)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Case.Status.choices)
    to_status = models.CharField(max_length=10, choices=Case.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    scope_municipality_path = "case__municipality"

    class Meta:
        ordering = ["case", "-at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"


class CaseAdoption(models.Model):
    """A case taken into a plan as a draft measure (the measure's origin is also kept as a 横展開 Adoption)."""

    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="adoptions")
    adoption = models.OneToOneField("programs.Adoption", on_delete=models.CASCADE, related_name="case_link")

    scope_municipality_path = "adoption__adopted__plan__municipality"

    class Meta:
        verbose_name = _("adopted case")
        verbose_name_plural = _("adopted cases")

    def __str__(self) -> str:
        return str(self.adoption)


class IndexBuild(models.Model):
    """A full rebuild of the case index, with the folding rules it was cut by: a worker that starts under other
    rules (an upgrade) rebuilds it."""

    rules = models.CharField(max_length=16)
    built_at = models.DateTimeField(auto_now_add=True)
    cases = models.PositiveIntegerField()
    postings = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["-built_at", "-id"]
        verbose_name = _("search index build")
        verbose_name_plural = _("search index builds")

    def __str__(self) -> str:
        return f"{self.built_at:%Y-%m-%d %H:%M} {self.rules}"
