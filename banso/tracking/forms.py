from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banso.core.fields import FiscalYearFormField
from banso.core.forms import (
    ConcurrentEditCheck,
    ConcurrentEditForm,
    NormalizingModelForm,
    choice_field,
    model_choice_field,
)
from banso.plans.models import KPI, STATUS_TRANSITIONS, Measure
from banso.tracking.models import ReportingPeriod, TrackingSettings

DATE = forms.DateInput(attrs={"type": "date"})


class PeriodForm(NormalizingModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["label", "starts_on", "ends_on", "due_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "due_on": DATE}


class QuarterlyForm(forms.Form):
    fiscal_year = FiscalYearFormField(label=_("fiscal year"))
    due_after_days = forms.IntegerField(
        label=_("reports due this many days after each quarter"), min_value=0, max_value=90, initial=15
    )


class SettingsForm(ConcurrentEditCheck):
    class Meta:
        model = TrackingSettings
        fields = ["require_approval", "grace_days", "reminder_days", "stale_days", "digest"]


class UpdateForm(forms.Form):
    """An owner's update: status (only the moves allowed from the current one), progress, evidence, and a value,
    date and source for each KPI of the measure."""

    status = forms.ChoiceField(label=_("status"))
    note = forms.CharField(label=_("progress"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    evidence_url = forms.URLField(label=_("link to evidence"), required=False, assume_scheme="https")
    evidence_file = forms.FileField(label=_("evidence file"), required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, measure, kpis, actuals, suggestions=None, guides=None, code="", **kwargs):
        super().__init__(*args, **kwargs)
        self.guides = guides or {}  # selectors.KPIGuide by KPI id, shown beside each KPI's box
        allowed = [measure.status, *sorted(STATUS_TRANSITIONS[measure.status])]
        choice_field(self, "status").choices = [(s, Measure.Status(s).label) for s in allowed]
        self.fields["status"].initial = measure.status
        self.kpis = list(kpis)
        suggestions = suggestions or {}
        today = timezone.localdate()
        for kpi in self.kpis:
            actual = actuals.get(kpi.pk)
            suggested = suggestions.get(kpi.pk)
            value = actual.value if actual else (suggested.value if suggested else None)
            self.fields[f"kpi_{kpi.pk}"] = forms.CharField(
                label=_("%(kpi)s (in %(unit)s)") % {"kpi": kpi.name, "unit": kpi.unit},
                required=False,
                initial=_plain(value),
                widget=forms.TextInput(attrs=live_signal_attrs(code, kpi, f"#id_as_of_{kpi.pk}")),
                help_text=_("Taken from Banso: %(source)s") % {"source": suggested.source}
                if suggested and not actual
                else "",
            )
            self.fields[f"as_of_{kpi.pk}"] = forms.DateField(
                label=_("as of"),
                required=False,
                widget=DATE,
                initial=actual.as_of if actual else (suggested.as_of if suggested else today),
            )
            self.fields[f"source_{kpi.pk}"] = forms.CharField(
                label=_("source"),
                required=False,
                initial=actual.source if actual else (suggested.source if suggested else kpi.data_source),
            )

    def kpi_groups(self):
        return [
            (
                kpi,
                self[f"kpi_{kpi.pk}"],
                self[f"as_of_{kpi.pk}"],
                self[f"source_{kpi.pk}"],
                self.guides.get(kpi.pk),
            )
            for kpi in self.kpis
        ]

    def actuals(self) -> dict[KPI, tuple]:
        data = self.cleaned_data
        return {
            kpi: (data[f"kpi_{kpi.pk}"], data.get(f"as_of_{kpi.pk}"), data.get(f"source_{kpi.pk}", ""))
            for kpi in self.kpis
            if (data.get(f"kpi_{kpi.pk}") or "").strip()
        }


class GridForm(forms.Form):
    """A period's values of every KPI the user reports on, one box each, with one date for all of them; each
    measure's update revision rides along so that a value saved meanwhile by someone else is not overwritten."""

    as_of = forms.DateField(label=_("as of"), widget=DATE)

    def __init__(self, *args, rows, period, code="", **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.fields["as_of"].initial = min(timezone.localdate(), period.ends_on)
        for row in rows:
            if row.locked:
                continue
            kpi = row.kpi
            self.fields[f"kpi_{kpi.pk}"] = forms.CharField(
                label=_("%(kpi)s (in %(unit)s)") % {"kpi": kpi.name, "unit": kpi.unit},
                required=False,
                initial=_plain(row.actual.value if row.actual else None),
                widget=forms.TextInput(
                    attrs={
                        "inputmode": "decimal",
                        "data-grid-cell": "",
                        "autocomplete": "off",
                        **live_signal_attrs(code, kpi, "#id_as_of"),
                    }
                ),
            )
            self.fields[f"revision_{row.measure.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=row.update.revision if row.update else 0, required=False
            )

    def grid(self):
        """(row, its value box or None when locked) in the rows' order."""
        return [(row, None if row.locked else self[f"kpi_{row.kpi.pk}"]) for row in self.rows]

    def revisions(self):
        return [self[name] for name in self.fields if name.startswith("revision_")]

    def entries(self) -> dict[Measure, tuple[int, dict[KPI, str]]]:
        """{measure: (revision, {kpi: value text})} for the measures given at least one value."""
        data = self.cleaned_data
        entries: dict[Measure, tuple[int, dict[KPI, str]]] = {}
        for row in self.rows:
            text = "" if row.locked else (data.get(f"kpi_{row.kpi.pk}") or "").strip()
            if text and not (
                row.actual and text == _plain(row.actual.value)
            ):  # a value unchanged is not sent again
                revision = data.get(f"revision_{row.measure.pk}") or 0
                entries.setdefault(row.measure, (revision, {}))[1][row.kpi] = text
        return entries


def live_signal_attrs(code: str, kpi, date_field: str) -> dict[str, str]:
    """A KPI's value box asks, as the owner types, which signal the value would give (htmx; the answer goes to
    the element `signal-<kpi id>` beside the box). Nothing without a town code (a form used outside a page)."""
    if not code:
        return {}
    return {
        "hx-get": reverse("tracking:live_signal", args=[code, kpi.pk]),
        "hx-trigger": "input changed delay:400ms",
        "hx-target": f"#signal-{kpi.pk}",
        "hx-include": date_field,
    }


def _plain(value):
    if value is None:
        return ""
    return format(value.normalize(), "f")


class ReviewForm(forms.Form):
    review_note = forms.CharField(label=_("note to the owner"), required=False, max_length=300)


class PublicationForm(ConcurrentEditForm):
    is_published = forms.BooleanField(label=_("Publish the progress page"), required=False)
    intro = forms.CharField(
        label=_("introduction for residents"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Plain words: what the plan is for and how often this page is updated."),
    )
    measures = forms.ModelMultipleChoiceField(
        label=_("measures to publish"),
        queryset=Measure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kpis = forms.ModelMultipleChoiceField(
        label=_("KPIs to publish"),
        queryset=KPI.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "measures").queryset = plan.measures.order_by("number")
        model_choice_field(self, "measures").label_from_instance = str  # type: ignore[method-assign, assignment]  # per instance, as Django documents
        model_choice_field(self, "kpis").queryset = KPI.objects.filter(measure__plan=plan).select_related(
            "measure"
        )
        model_choice_field(self, "kpis").label_from_instance = lambda k: f"{k.measure.number}：{k.name}"  # type: ignore[method-assign, assignment]


class AutomaticForm(ConcurrentEditForm):
    source_key = forms.ChoiceField(label=_("take the value from"), required=False)
    parameter = forms.CharField(label=_("which one"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from banso.tracking.actual_sources import SOURCES

        choices: list[tuple[str, Any]] = [("", _("nowhere: owners enter it"))]
        choices += [
            (s.key, f"{s.label}（{s.parameter_label}）" if s.parameter_label else s.label)
            for s in SOURCES.values()
        ]
        choice_field(self, "source_key").choices = choices
