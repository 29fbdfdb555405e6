"""Organisations, people and the roles that tie them together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from banso.core.fields import FiscalYearField
from banso.core.models import AuditedModel

lg_code_validator = RegexValidator(r"^\d{6}$", _("Enter the 6-digit local government code."))


class Prefecture(models.Model):
    code = models.CharField(_("local government code"), max_length=6, unique=True, validators=[lg_code_validator])
    number = models.PositiveSmallIntegerField(_("prefecture number"), unique=True)
    name = models.CharField(_("name"), max_length=10)
    name_kana = models.CharField(_("reading"), max_length=30, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["number"]
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet["Municipality"]):
    def local_governments(self) -> MunicipalityQuerySet:
        """Municipalities that run their own DX plan: wards of designated cities do not."""
        return self.exclude(kind=Municipality.Kind.DESIGNATED_WARD).filter(is_active=True)


class HasDensity:
    """Population per km² for anything with `population` and `area_km2` (a municipality, a case's snapshot)."""

    population: int | None
    area_km2: Any

    @property
    def density(self) -> float | None:
        if self.population and self.area_km2:
            return round(self.population / float(self.area_km2), 1)
        return None


class Municipality(HasDensity, AuditedModel):
    class Kind(models.TextChoices):
        DESIGNATED_CITY = "designated_city", _("designated city")
        DESIGNATED_WARD = "designated_ward", _("ward of a designated city")
        SPECIAL_WARD = "special_ward", _("special ward")
        CITY = "city", _("city")
        TOWN = "town", _("town")
        VILLAGE = "village", _("village")

    code = models.CharField(_("local government code"), max_length=6, unique=True, validators=[lg_code_validator])
    prefecture = models.ForeignKey(
        Prefecture, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("prefecture")
    )
    name = models.CharField(_("name"), max_length=40)
    name_kana = models.CharField(_("reading"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wards",
        verbose_name=_("city the ward belongs to"),
    )
    website = models.URLField(_("website"), blank=True)
    latitude = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    longitude = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    # 2020 census, loaded from master data; staff do not edit these.
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    aged_65_share = models.DecimalField(
        _("share aged 65 and over"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=9, decimal_places=2, null=True, blank=True)
    census_year = models.PositiveSmallIntegerField(_("census year"), null=True, blank=True)
    # Profile kept by the municipality's own staff.
    staff_count = models.PositiveIntegerField(_("number of staff"), null=True, blank=True)
    annual_budget_thousand_yen = models.PositiveBigIntegerField(
        _("general account budget (thousand yen)"), null=True, blank=True
    )
    main_industries = models.TextField(_("main industries"), blank=True)
    comprehensive_plan_name = models.CharField(_("comprehensive plan"), max_length=100, blank=True)
    comprehensive_plan_start = FiscalYearField(_("comprehensive plan from"), null=True, blank=True)
    comprehensive_plan_end = FiscalYearField(_("comprehensive plan until"), null=True, blank=True)
    shares_with_prefecture = models.BooleanField(
        _("shares progress with the prefecture"),
        default=False,
        help_text=_("When on, the prefecture's DX staff can read this municipality's data."),
    )
    second_factor_required = models.BooleanField(
        _("DX staff sign in with a second factor"),
        default=False,
        help_text=_(
            "When on, this municipality's DX staff enter a code from an authenticator app after their password."
        ),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("in use"))
    is_sample = models.BooleanField(_("sample data"), default=False)

    objects = MunicipalityQuerySet.as_manager()
    scope_municipality_path = "pk"

    class Meta:
        ordering = ["code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(comprehensive_plan_end__isnull=True)
                | Q(comprehensive_plan_start__isnull=True)
                | Q(comprehensive_plan_end__gte=models.F("comprehensive_plan_start")),
                name="municipality_plan_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def audit_municipality_id(self) -> int | None:
        return self.pk

    @property
    def full_name(self) -> str:
        return f"{self.prefecture.name}{self.name}"


class ComprehensivePlanGoal(AuditedModel):
    """A goal (基本目標) of the municipality's 総合計画, to which measures are later tagged."""

    scope_municipality_path = "municipality"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="plan_goals", verbose_name=_("municipality")
    )
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["municipality", "number"]
        verbose_name = _("comprehensive plan goal")
        verbose_name_plural = _("comprehensive plan goals")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "number"], name="unique_plan_goal_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Department(AuditedModel):
    """A 課 (or 局, 室, 委員会事務局) of a municipality."""

    # Every member of a municipality may read its list of departments.
    scope_municipality_path = "municipality"

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="departments", verbose_name=_("municipality")
    )
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)
    head_name = models.CharField(_("head of department"), max_length=60, blank=True)
    head_email = models.EmailField(_("head's e-mail"), blank=True)
    staff_count = models.PositiveSmallIntegerField(
        _("staff in the department"),
        null=True,
        blank=True,
        help_text=_("Used to check that the survey's hours fit the department's capacity."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["municipality", "order", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="unique_department_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Section(AuditedModel):
    """A 係 (or 担当, グループ) inside a department."""

    scope_municipality_path = "department__municipality"

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("display order"), default=0)

    class Meta:
        ordering = ["department", "order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="unique_section_name")]

    def __str__(self) -> str:
        return self.name

    def audit_municipality_id(self) -> int | None:
        return self.department.municipality_id


class SupportProvider(AuditedModel):
    """A company or organisation that accompanies municipalities (伴走支援事業者)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_kana = models.CharField(_("reading"), max_length=200, blank=True)
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        blank=True,
        validators=[RegexValidator(r"^\d{13}$", _("A corporate number has 13 digits."))],
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("support provider")
        verbose_name_plural = _("support providers")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    display_name = models.CharField(_("full name"), max_length=60, blank=True)
    # Raised by "sign out everywhere": every session signed in before carries the old value in its hash and ends.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_username()

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django's own hash (of the password) while the generation is 0, so sessions survive the upgrade.
        if not self.session_generation:
            django_hash: str = super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
            return django_hash
        return salted_hmac(
            "banso.orgs.User.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Role(models.TextChoices):
    DX_STAFF = "dx_staff", _("DX staff")
    DEPARTMENT_STAFF = "department_staff", _("department staff")
    EXECUTIVE = "executive", _("executive (mayor, CIO)")
    PREFECTURE_STAFF = "prefecture_staff", _("prefecture staff")
    ADVISOR = "advisor", _("advisor of a support provider")


class Membership(AuditedModel):
    """A user's role in one organisation. A user may hold several."""

    scope_municipality_path = "municipality"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    prefecture = models.ForeignKey(
        Prefecture, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    provider = models.ForeignKey(
        SupportProvider, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    title = models.CharField(_("title"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        # The database, not only the form, guarantees that each role names the
        # organisation it is scoped to and nothing else.
        constraints = [
            models.CheckConstraint(
                name="membership_fields_match_role",
                condition=(
                    Q(
                        role__in=["dx_staff", "executive"],
                        municipality__isnull=False,
                        department__isnull=True,
                        prefecture__isnull=True,
                        provider__isnull=True,
                    )
                    | Q(
                        role="department_staff",
                        municipality__isnull=False,
                        department__isnull=False,
                        prefecture__isnull=True,
                        provider__isnull=True,
                    )
                    | Q(
                        role="prefecture_staff",
                        prefecture__isnull=False,
                        municipality__isnull=True,
                        department__isnull=True,
                        provider__isnull=True,
                    )
                    | Q(
                        role="advisor",
                        provider__isnull=False,
                        municipality__isnull=True,
                        department__isnull=True,
                        prefecture__isnull=True,
                    )
                ),
            ),
            # One membership per user, role and organisation (partial indexes:
            # portable to SQLite, which cannot treat NULLs as equal).
            models.UniqueConstraint(
                fields=["user", "role", "municipality"],
                name="unique_municipal_membership",
                condition=Q(role__in=["dx_staff", "executive"]),
            ),
            models.UniqueConstraint(
                fields=["user", "department"],
                name="unique_department_membership",
                condition=Q(role="department_staff"),
            ),
            models.UniqueConstraint(
                fields=["user", "prefecture"],
                name="unique_prefecture_membership",
                condition=Q(role="prefecture_staff"),
            ),
            models.UniqueConstraint(
                fields=["user", "provider"], name="unique_provider_membership", condition=Q(role="advisor")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"

    @property
    def organisation(self) -> Any:
        return self.department or self.municipality or self.prefecture or self.provider


class AdvisorAssignmentQuerySet(models.QuerySet["AdvisorAssignment"]):
    def current(self, on: dt.date) -> AdvisorAssignmentQuerySet:
        return self.filter(starts_on__lte=on, ends_on__gte=on)


class AdvisorAssignment(AuditedModel):
    """An advisor dispatched to a municipality for a period. Access follows it and ends with it."""

    scope_municipality_path = "municipality"

    advisor = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("advisor")
    )
    provider = models.ForeignKey(
        SupportProvider, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("support provider")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("municipality")
    )
    title = models.CharField(_("title"), max_length=60, help_text=_("For example DX推進アドバイザー."))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    time_share_percent = models.PositiveSmallIntegerField(
        _("share of time (%)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    objects = AdvisorAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("advisor assignment")
        verbose_name_plural = _("advisor assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="assignment_period_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.advisor} → {self.municipality} ({self.starts_on}〜{self.ends_on})"
