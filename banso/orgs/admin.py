"""The back office for the operator of a Banso installation (not for municipal staff)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from banso.orgs import models


@admin.register(models.Prefecture)
class PrefectureAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "is_sample"]
    search_fields = ["name", "code"]


@admin.register(models.Municipality)
class MunicipalityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "prefecture", "kind", "population", "shares_with_prefecture", "is_sample"]
    list_filter = ["kind", "prefecture", "shares_with_prefecture", "is_sample"]
    search_fields = ["name", "name_kana", "code"]
    raw_id_fields = ["parent"]


class SectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.Section
    extra = 0


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "municipality", "order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "municipality__name"]
    raw_id_fields = ["municipality"]
    inlines = [SectionInline]


@admin.register(models.SupportProvider)
class SupportProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "corporate_number", "is_sample"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = models.Membership
    extra = 0
    raw_id_fields = ["municipality", "department", "prefecture", "provider"]


@admin.register(models.User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Banso", {"fields": ["display_name"]}))
    list_display = ["username", "display_name", "email", "is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(models.AdvisorAssignment)
class AdvisorAssignmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["advisor", "provider", "municipality", "title", "starts_on", "ends_on"]
    raw_id_fields = ["advisor", "municipality"]


@admin.register(models.ComprehensivePlanGoal)
class PlanGoalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["municipality", "number", "title"]
    raw_id_fields = ["municipality"]
