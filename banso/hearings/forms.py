from django import forms
from django.utils.translation import gettext_lazy as _

from banso.core.forms import ConcurrentEditForm, NormalizingModelForm, choice_field, model_choice_field
from banso.hearings.models import Challenge, HearingSession


class SessionForm(NormalizingModelForm):
    class Meta:
        model = HearingSession
        fields = ["department", "title", "held_on", "attendees", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "department").queryset = municipality.departments.filter(is_active=True)


class ChallengeForm(NormalizingModelForm):
    SCORES = [(i, str(i)) for i in range(1, 6)]
    impact = forms.TypedChoiceField(
        label=_("impact (1–5)"),
        choices=SCORES,
        coerce=int,
        initial=3,
        help_text=_("How much residents or staff would gain."),
    )
    urgency = forms.TypedChoiceField(label=_("urgency (1–5)"), choices=SCORES, coerce=int, initial=3)
    feasibility = forms.TypedChoiceField(
        label=_("feasibility (1–5)"),
        choices=SCORES,
        coerce=int,
        initial=3,
        help_text=_("How easily it can be done with the town's means."),
    )
    priority = forms.ChoiceField(
        label=_("priority group"), required=False, help_text=_("Leave empty to take the group the scores suggest.")
    )

    class Meta:
        model = Challenge
        fields = [
            "title",
            "description",
            "department",
            "theme",
            "session",
            "impact",
            "urgency",
            "feasibility",
            "priority",
            "priority_reason",
            "survey_tasks",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "survey_tasks": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        from banso.hearings.models import Priority
        from banso.survey.selectors import link_task_field

        choice_field(self, "priority").choices = [("", _("as the scores suggest")), *Priority.choices]
        model_choice_field(self, "department").queryset = municipality.departments.filter(is_active=True)
        model_choice_field(self, "theme").queryset = municipality.challenge_themes.all()
        model_choice_field(self, "session").queryset = municipality.hearing_sessions.all()
        link_task_field(self.fields["survey_tasks"], municipality)


class ThemesForm(ConcurrentEditForm):
    names = forms.CharField(
        label=_("themes"), widget=forms.Textarea(attrs={"rows": 10}), help_text=_("One value per line.")
    )
