from django import forms
from django.utils.translation import gettext_lazy as _

from banso.core.forms import NormalizingModelForm, model_choice_field
from banso.training.models import AgeBand, Consultation, Course, Designation, Session, StaffMember

DATE = forms.DateInput(attrs={"type": "date"})


class CourseForm(NormalizingModelForm):
    class Meta:
        model = Course
        fields = ["title", "audience", "is_required", "provider", "description", "materials"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "materials": forms.Textarea(attrs={"rows": 3}),
        }


class SessionForm(NormalizingModelForm):
    class Meta:
        model = Session
        fields = ["held_on", "place", "is_online", "instructor"]
        widgets = {"held_on": DATE}


class StaffForm(NormalizingModelForm):
    class Meta:
        model = StaffMember
        fields = ["department", "name", "staff_number", "is_active"]

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "department").queryset = municipality.departments.filter(is_active=True)


class DesignationForm(NormalizingModelForm):
    class Meta:
        model = Designation
        fields = ["kind", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class AttendanceForm(forms.Form):
    """One row per active staff member: enrolled, attended."""

    def __init__(self, *args, staff, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff = list(staff)
        for member in self.staff:
            state = current.get(member.pk)
            self.fields[f"enrolled_{member.pk}"] = forms.BooleanField(required=False, initial=state is not None)
            self.fields[f"attended_{member.pk}"] = forms.BooleanField(required=False, initial=bool(state))

    def rows(self):
        return [(m, self[f"enrolled_{m.pk}"], self[f"attended_{m.pk}"]) for m in self.staff]

    def chosen(self):
        data = self.cleaned_data
        enrolled = [m for m in self.staff if data.get(f"enrolled_{m.pk}")]
        attended = [m for m in self.staff if data.get(f"attended_{m.pk}")]
        return enrolled, attended


class ResidentCountForm(forms.Form):
    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for band, label in AgeBand.choices:
            self.fields[band] = forms.IntegerField(
                label=label, min_value=0, max_value=10000, required=False, initial=current.get(band)
            )

    def counts(self):
        return {band: self.cleaned_data.get(band) or 0 for band, _label in AgeBand.choices}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("questionnaire answers (.csv or .xlsx)"),
        help_text=_("Export from Microsoft Forms (Excel) or Google Forms (CSV) and upload the file as it is."),
    )


class ConsultationForm(NormalizingModelForm):
    class Meta:
        model = Consultation
        fields = [
            "received_on",
            "channel",
            "requester",
            "age_band",
            "topic",
            "question",
            "answer",
            "status",
            "minutes",
        ]
        widgets = {
            "received_on": DATE,
            "question": forms.Textarea(attrs={"rows": 2}),
            "answer": forms.Textarea(attrs={"rows": 2}),
            "topic": forms.TextInput(attrs={"list": "topics"}),
        }
        help_texts = {"question": _("Write the question, not who asked: no names or contact details.")}
