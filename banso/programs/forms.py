from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from banso.core.fiscal import FiscalYear, fiscal_years
from banso.core.forms import NormalizingModelForm, model_choice_field
from banso.core.uploads import UploadError, check_document, check_upload_size
from banso.orgs.models import Municipality, SupportProvider
from banso.plans.models import KPI
from banso.programs.models import Meeting, Programme, StatusSnapshot, SupportActivity

DATE = forms.DateInput(attrs={"type": "date"})


class ProgrammeForm(NormalizingModelForm):
    class Meta:
        model = Programme
        fields = ["title", "funding", "starts_on", "ends_on", "description"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "description": forms.Textarea(attrs={"rows": 4})}


class ParticipantForm(forms.Form):
    municipality = forms.ModelChoiceField(label=_("municipality"), queryset=Municipality.objects.none())
    theme = forms.CharField(label=_("theme"), max_length=150)
    summary = forms.CharField(
        label=_("background and aim"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    representative = forms.ModelChoiceField(
        label=_("representative provider"), queryset=SupportProvider.objects.all(), required=False
    )
    resident = forms.ModelChoiceField(
        label=_("resident provider"), queryset=SupportProvider.objects.all(), required=False
    )

    def __init__(self, *args, municipalities, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "municipality").queryset = municipalities

    def providers(self):
        data = self.cleaned_data
        return [(data[role], role) for role in ("representative", "resident") if data.get(role)]


class MeetingForm(NormalizingModelForm):
    class Meta:
        model = Meeting
        fields = ["held_on", "title", "attendees", "agenda", "minutes", "decisions", "attachment"]
        widgets = {
            "held_on": DATE,
            **{f: forms.Textarea(attrs={"rows": 3}) for f in ("attendees", "agenda", "minutes", "decisions")},
        }

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if isinstance(upload, UploadedFile):  # a new file (an unchanged one was checked when it came)
            try:
                check_upload_size(upload.size or 0, upload.name or "")
                check_document(upload)
            except UploadError as err:
                raise forms.ValidationError(str(err)) from err
        return upload


class ActivityForm(NormalizingModelForm):
    class Meta:
        model = SupportActivity
        fields = ["held_on", "kind", "category", "title", "description", "lessons"]
        widgets = {
            "held_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 2}),
        }


class SnapshotForm(forms.ModelForm):
    class Meta:
        model = StatusSnapshot
        fields = ["as_of", "vision", "people", "implementation", "next_steps"]
        widgets = {
            "as_of": DATE,
            **{f: forms.Textarea(attrs={"rows": 3}) for f in ("vision", "people", "implementation", "next_steps")},
        }


def programme_years(programme) -> list[FiscalYear]:
    """The 年度 a programme runs through (its year-ends are the joint goals' targets)."""
    return fiscal_years(FiscalYear.of(programme.starts_on), FiscalYear.of(programme.ends_on) + 2)


class JointGoalForm(forms.Form):
    """A joint goal with its target for each year-end of the programme (and two after), typed as plans write it."""

    number = forms.CharField(label=_("number"), max_length=10)
    name = forms.CharField(label=_("name"), max_length=150)
    kind = forms.ChoiceField(label=_("kind"), choices=KPI.Kind.choices, initial=KPI.Kind.NUMBER)
    unit = forms.CharField(label=_("unit"), max_length=20, required=False)
    direction = forms.ChoiceField(label=_("direction"), choices=KPI.Direction.choices, initial=KPI.Direction.UP)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = [y.year for y in programme_years(programme)]
        for year in programme_years(programme):
            self.fields[f"target_{year.year}"] = forms.CharField(
                label=_("Target at the end of %(year)s") % {"year": year.label}, required=False
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        targets = {y: (cleaned.pop(f"target_{y}", "") or "").strip() for y in self.years}
        cleaned["targets"] = {y: v for y, v in targets.items() if v}
        return cleaned
