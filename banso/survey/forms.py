from django import forms
from django.utils.translation import gettext_lazy as _

from banso.core.fields import NormalizedIntegerField
from banso.core.forms import NormalizingModelForm, choice_field, model_choice_field
from banso.orgs.models import Department
from banso.survey.models import CategoryKind, SurveyRound
from banso.survey.sheet import COLUMNS


class RoundForm(NormalizingModelForm):
    hourly_cost_yen = NormalizedIntegerField(
        label=_("hourly staff cost (yen)"),
        min_value=1,
        max_value=100_000,
        help_text=_("Used to turn hours into yen. For example 3,500."),
    )
    annual_hours_per_fte = NormalizedIntegerField(
        label=_("working hours of one full-time person a year"), min_value=100, max_value=3000, initial=1800
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("departments in scope"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each department gets its own sheet."),
    )

    class Meta:
        model = SurveyRound
        fields = ["title", "fiscal_year", "deadline", "hourly_cost_yen", "annual_hours_per_fte", "departments"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "departments").queryset = municipality.departments.filter(is_active=True)
        if self.instance.pk:
            self.initial["departments"] = list(self.instance.departments.values_list("pk", flat=True))


class OptionsForm(forms.Form):
    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CategoryKind:
            self.fields[kind.value] = forms.CharField(
                label=kind.label,
                widget=forms.Textarea(attrs={"rows": 5}),
                initial="\n".join(options.get(kind.value, [])),
                help_text=_("One value per line."),
            )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("filled survey workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )
    department = forms.ModelChoiceField(
        label=_("department"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Needed only for a workbook in another layout; Banso's own sheets know their department."),
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "department").queryset = departments


class MappingForm(forms.Form):
    name = forms.CharField(
        label=_("name of this layout"),
        max_length=100,
        help_text=_("Saved so the same layout maps itself next time."),
    )
    department_header = forms.ChoiceField(label=_("column with the department name"), required=False)

    def __init__(self, *args, headers: list[str], guesses: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in this file)"))] + [(h, h) for h in headers if h]
        choice_field(self, "department_header").choices = choices
        for column in COLUMNS:
            if column.kind == "id":
                continue
            self.fields[f"col_{column.key}"] = forms.ChoiceField(
                label=column.header, choices=choices, required=False, initial=guesses.get(column.key, "")
            )

    def mapped_fields(self) -> dict:
        return {
            key.removeprefix("col_"): value for key, value in self.cleaned_data.items() if key.startswith("col_")
        }
