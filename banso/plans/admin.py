from django.contrib import admin

from banso.plans import models


@admin.register(models.FundingScheme)
class FundingSchemeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "valid_from", "valid_until"]
    list_filter = ["kind"]


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0


class PolicyInline(admin.TabularInline):
    model = models.Policy
    extra = 0


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "start_year", "end_year"]
    raw_id_fields = ["municipality"]
    inlines = [PhaseInline, PolicyInline]


class StepInline(admin.TabularInline):
    model = models.MeasureStep
    extra = 0


@admin.register(models.Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "plan", "owner", "status"]
    raw_id_fields = ["plan", "owner", "policy"]
    filter_horizontal = ["related_departments", "funding"]
    exclude = ["challenges", "survey_tasks"]
    inlines = [StepInline]


class TargetInline(admin.TabularInline):
    model = models.KPITarget
    extra = 0


@admin.register(models.KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "measure"]
    raw_id_fields = ["measure"]
    inlines = [TargetInline]
