from django import forms
from django.utils.translation import gettext_lazy as _

from banso.core.forms import NormalizingModelForm, model_choice_field
from banso.orgs.models import Municipality, SupportProvider
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
