from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from banso.cases.models import Case
from banso.core.forms import NormalizingModelForm, model_choice_field
from banso.plans.models import AlignmentItem, FundingScheme

SOURCE_ROWS = 3


class CaseForm(NormalizingModelForm):
    """A case as staff write it. The municipality's profile is taken by Banso, not typed."""

    tags = forms.ModelMultipleChoiceField(
        queryset=AlignmentItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("national plan items"),
    )
    funding = forms.ModelMultipleChoiceField(
        queryset=FundingScheme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("funding"),
    )

    class Meta:
        model = Case
        fields = [
            "title",
            "summary",
            "theme",
            "kind",
            "start_year",
            "end_year",
            "tags",
            "background",
            "actions",
            "organisation",
            "cost",
            "budget_thousand_yen",
            "funding",
            "results_quantitative",
            "results_qualitative",
            "difficulties",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3 if name == "summary" else 4}) for name in Case.PROSE_FIELDS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "tags").queryset = AlignmentItem.objects.filter(framework__is_current=True)
        for n in range(1, SOURCE_ROWS + 1):
            self.fields[f"source_{n}_title"] = forms.CharField(
                label=_("source %(n)s: title") % {"n": n}, required=False, max_length=200
            )
            self.fields[f"source_{n}_date"] = forms.DateField(
                label=_("source %(n)s: date") % {"n": n},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"source_{n}_url"] = forms.URLField(
                label=_("source %(n)s: URL") % {"n": n}, required=False, max_length=300, assume_scheme="https"
            )
        if self.instance.pk and not self.is_bound:
            for n, source in enumerate(self.instance.sources.all()[:SOURCE_ROWS], start=1):
                self.initial.update(
                    {
                        f"source_{n}_title": source.title,
                        f"source_{n}_date": source.published_on,
                        f"source_{n}_url": source.url,
                    }
                )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        for n in range(1, SOURCE_ROWS + 1):
            if (data.get(f"source_{n}_url") or data.get(f"source_{n}_date")) and not data.get(f"source_{n}_title"):
                self.add_error(f"source_{n}_title", _("Give the source a title (the document's name)."))
        data["sources"] = [
            {
                "title": data.pop(f"source_{n}_title", ""),
                "published_on": data.pop(f"source_{n}_date", None),
                "url": data.pop(f"source_{n}_url", ""),
            }
            for n in range(1, SOURCE_ROWS + 1)
        ]
        return data


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("note for the author"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RecommendForm(forms.Form):
    text = forms.CharField(
        label=_("Describe a challenge in your own words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: 高齢者がスマホの使い方を相談できる場所がない. Leave empty to use your open challenges."
        ),
    )
