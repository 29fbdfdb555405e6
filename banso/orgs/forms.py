from django import forms
from django.utils.translation import gettext_lazy as _

from banso.core.fields import NormalizedIntegerField
from banso.core.forms import NormalizingModelForm
from banso.orgs.models import ComprehensivePlanGoal, Department, Municipality, Section
from banso.orgs.services import PROFILE_FIELDS


class MunicipalityProfileForm(NormalizingModelForm):
    staff_count = NormalizedIntegerField(
        label=_("number of staff"), required=False, min_value=0, max_value=500_000
    )
    annual_budget_thousand_yen = NormalizedIntegerField(
        label=_("general account budget (thousand yen)"),
        required=False,
        min_value=0,
        help_text=_("For example 4,500,000 for ¥4.5 billion."),
    )

    class Meta:
        model = Municipality
        fields = list(PROFILE_FIELDS)
        widgets = {"main_industries": forms.Textarea(attrs={"rows": 3})}


class DepartmentForm(NormalizingModelForm):
    order = NormalizedIntegerField(label=_("display order"), required=False, min_value=0, max_value=999)
    staff_count = NormalizedIntegerField(
        label=_("staff in the department"), required=False, min_value=0, max_value=30000
    )

    class Meta:
        model = Department
        fields = ["name", "order", "head_name", "head_email", "staff_count", "is_active"]

    def clean_order(self) -> int:
        return int(self.cleaned_data["order"] or 0)


class SectionForm(NormalizingModelForm):
    class Meta:
        model = Section
        fields = ["name"]


class PlanGoalForm(NormalizingModelForm):
    class Meta:
        model = ComprehensivePlanGoal
        fields = ["number", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
