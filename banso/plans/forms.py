from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from banso.core.fields import NormalizedIntegerField
from banso.core.fiscal import FiscalYear
from banso.core.forms import NormalizingModelForm, choice_field, model_choice_field
from banso.plans.models import KPI, FundingScheme, Measure, Phase, Plan, Policy, Viewpoint
from banso.plans.selectors import funding_scheme_named, policy_choice_labels, split_names, tag_choices
from banso.plans.values import is_blank, parse_amount
from banso.survey.selectors import link_task_field


class MonthField(forms.DateField):
    """A month (2023-01, or 2023年1月): the first day of it."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y年%m月", "%Y/%m", "%Y-%m-%d"]


class PlanForm(NormalizingModelForm):
    typed_fields = ("title", "concept", "level_names")
    starts_on = MonthField(
        label=_("first month"),
        required=False,
        help_text=_("Only for a plan that starts mid-year, for example 2023-01."),
    )
    ends_on = MonthField(label=_("last month"), required=False)

    class Meta:
        model = Plan
        fields = [
            "title",
            "start_year",
            "end_year",
            "starts_on",
            "ends_on",
            "concept",
            "vision",
            "background",
            "level_names",
        ]
        widgets = {"vision": forms.Textarea(attrs={"rows": 5}), "background": forms.Textarea(attrs={"rows": 8})}
        help_texts = {
            "concept": _("A short phrase the whole plan stands for, such as 金山町's 「あそびに、かえる」."),
            "background": _("Separate paragraphs with an empty line."),
        }


class PlanPartForm(NormalizingModelForm):
    """A form for one part of a plan (phase, 方針, 視点): it knows the plan, to offer only that plan's parts."""

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan


class PhaseForm(PlanPartForm):
    typed_fields = ("name", "goal")

    class Meta:
        model = Phase
        fields = ["order", "name", "start_year", "end_year", "goal", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class PolicyForm(PlanPartForm):
    typed_fields = ("title",)

    class Meta:
        model = Policy
        fields = ["parent", "number", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"number": _("As the plan numbers it, for example 1, 1-2 or 3-1-1.")}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        field = model_choice_field(self, "parent")
        # Every 方針 of the plan but this one; a choice inside itself is refused by the service with a message.
        field.queryset = plan.policies.exclude(pk=self.instance.pk) if self.instance.pk else plan.policies.all()
        field.label = _("within (leave empty for the top level)")
        labels = policy_choice_labels(plan)
        field.label_from_instance = lambda p: labels.get(p.pk, str(p))  # type: ignore[method-assign, assignment]


class ViewpointForm(PlanPartForm):
    typed_fields = ("title",)

    class Meta:
        model = Viewpoint
        fields = ["order", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class MeasureForm(NormalizingModelForm):
    """The measure with one step field per 年度 of the plan (R5 … R9), so the plan's shape is the form's."""

    typed_fields = ("title", "audience")

    class Meta:
        model = Measure
        fields = [
            "number",
            "title",
            "policy",
            "owner",
            "co_owners",
            "related_departments",
            "purpose",
            "audience",
            "content",
            "goal",
            "budget_thousand_yen",
            "funding",
            "viewpoints",
            "challenges",
            "survey_tasks",
        ]
        widgets = {
            "viewpoints": forms.CheckboxSelectMultiple,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 5}),
            "goal": forms.Textarea(attrs={"rows": 2}),
            "related_departments": forms.CheckboxSelectMultiple,
            "co_owners": forms.CheckboxSelectMultiple,
            "funding": forms.CheckboxSelectMultiple,
            "challenges": forms.SelectMultiple(attrs={"size": 8}),
            "survey_tasks": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {
            "goal": _("In words; measurable targets go into the KPIs below the measure."),
            "challenges": _("The challenges from the hearings that this measure answers."),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        municipality = plan.municipality
        departments = municipality.departments.filter(is_active=True)
        model_choice_field(self, "owner").queryset = departments
        self.fields["owner"].help_text = _(
            "Leave empty while the plan names no owner (担当未定): the DX office answers for it."
        )
        model_choice_field(self, "related_departments").queryset = departments
        model_choice_field(self, "co_owners").queryset = departments
        self.fields["partner_names"] = forms.CharField(
            label=_("partners outside the town"),
            required=False,
            help_text=_("一部事務組合, 広域連合, the prefecture or a company, separated by 、."),
            initial="、".join(p.name for p in self.instance.partners.all()) if self.instance.pk else "",
        )
        self._budget_fields(plan)
        policy = model_choice_field(self, "policy")
        policy.queryset = plan.policies.all()
        labels = policy_choice_labels(plan)
        policy.label_from_instance = lambda p: labels.get(p.pk, str(p))  # type: ignore[method-assign, assignment]
        model_choice_field(self, "viewpoints").queryset = plan.viewpoints.all()
        start, end = FiscalYear(plan.start_year).start, FiscalYear(plan.end_year).end
        model_choice_field(self, "funding").queryset = FundingScheme.objects.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=end),
            Q(valid_until__isnull=True) | Q(valid_until__gte=start),
        )
        model_choice_field(self, "challenges").queryset = municipality.challenges.filter(merged_into__isnull=True)
        link_task_field(self.fields["survey_tasks"], municipality)
        steps = {s.fiscal_year: s.description for s in self.instance.steps.all()} if self.instance.pk else {}
        self.step_names = []
        for year in plan.years():
            name = f"step_{year.year}"
            self.fields[name] = forms.CharField(
                label=_("Step in %(year)s") % {"year": year.label},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=steps.get(year.year, ""),
            )
            self.step_names.append(name)

    def _budget_fields(self, plan) -> None:
        """For each 年度: the budget, what was spent, and the funding as the town names it."""
        known = (
            {b.fiscal_year: b for b in self.instance.budgets.prefetch_related("funding")}
            if self.instance.pk
            else {}
        )
        self.budget_years = [y.year for y in plan.years()]
        for year in plan.years():
            row = known.get(year.year)
            funding = [*(f.name for f in row.funding.all()), row.funding_other] if row else []
            self.fields[f"budget_{year.year}"] = NormalizedIntegerField(
                label=_("Budget in %(year)s (thousand yen)") % {"year": year.label},
                required=False,
                min_value=0,
                initial=row.budget_thousand_yen if row else None,
            )
            self.fields[f"settled_{year.year}"] = NormalizedIntegerField(
                label=_("Settled in %(year)s (thousand yen)") % {"year": year.label},
                required=False,
                min_value=0,
                initial=row.settled_thousand_yen if row else None,
            )
            self.fields[f"funding_{year.year}"] = forms.CharField(
                label=_("Funding in %(year)s") % {"year": year.label},
                required=False,
                initial="、".join(name for name in funding if name),
            )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        cleaned["steps"] = {int(n.removeprefix("step_")): cleaned.pop(n, "") or "" for n in self.step_names}
        cleaned["partner_names"] = split_names(cleaned.get("partner_names", ""))
        schemes = list(FundingScheme.objects.all())
        budgets = {}
        for year in self.budget_years:
            budget, settled = cleaned.pop(f"budget_{year}", None), cleaned.pop(f"settled_{year}", None)
            names = split_names(cleaned.pop(f"funding_{year}", ""))
            if budget is None and settled is None and not names:
                continue
            found = [(name, funding_scheme_named(name, schemes)) for name in names]
            budgets[year] = {
                "budget": budget,
                "settled": settled,
                "funding": [scheme for _name, scheme in found if scheme],
                "funding_other": "、".join(name for name, scheme in found if scheme is None),
            }
        cleaned["budgets"] = budgets
        return cleaned


class KPIForm(NormalizingModelForm):
    """A KPI as plans write it: its kind, a baseline that may be 「-」, and a target for any 年度 of the plan (and
    after it) typed as the plan prints it (「85%」「4箇所（累計）」, or a milestone's words)."""

    typed_fields = ("name", "data_source")
    baseline_value = forms.CharField(
        label=_("baseline"),
        required=False,
        help_text=_("As written, for example 62%, 1,200件 or - when not measured."),
    )

    class Meta:
        model = KPI
        fields = [
            "name",
            "kind",
            "unit",
            "baseline_value",
            "baseline_date",
            "direction",
            "data_source",
            "listed_again_under",
        ]
        widgets = {
            "baseline_date": forms.DateInput(attrs={"type": "date"}),
            "listed_again_under": forms.CheckboxSelectMultiple,
        }
        help_texts = {"unit": _("For example %, 件, 人, 件/年. A milestone needs none.")}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].required = False  # the service says what to do, with the plan's other rules
        self.fields["kind"].required = False  # a number unless said otherwise
        again = model_choice_field(self, "listed_again_under")
        again.queryset = (
            plan.measures.exclude(pk=self.instance.measure_id) if self.instance.pk else plan.measures.all()
        )
        if self.instance.pk and self.instance.baseline_value is not None:
            self.initial["baseline_value"] = format(self.instance.baseline_value.normalize(), "f")
        written = {t.fiscal_year: t.written for t in self.instance.targets.all()} if self.instance.pk else {}
        self.target_names = []
        # The plan's years, a year after it (標準化 by the next 年度末), and any later year a target already has.
        years = sorted({*(y.year for y in plan.years()), plan.end_year + 1, *written})
        for year in years:
            name = f"target_{year}"
            self.fields[name] = forms.CharField(
                label=_("Target for %(year)s") % {"year": FiscalYear(year).label},
                required=False,
                initial=written.get(year, ""),
            )
            self.target_names.append(name)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        values = {int(n.removeprefix("target_")): (cleaned.pop(n, "") or "").strip() for n in self.target_names}
        cleaned["targets"] = {y: v for y, v in values.items() if v}
        cleaned["kind"] = cleaned.get("kind") or KPI.Kind.NUMBER
        baseline = cleaned.get("baseline_value") or ""
        if is_blank(baseline):
            cleaned["baseline_value"] = None
        else:
            try:
                cleaned["baseline_value"] = parse_amount(
                    baseline, cleaned.get("unit") or ("%" if cleaned.get("kind") == KPI.Kind.SHARE else "")
                )
            except ValidationError as err:
                self.add_error("baseline_value", err)
        return cleaned


class AssessmentForm(forms.Form):
    """A grade for one KPI in one 年度, from the plan's own scale."""

    kpi = forms.ModelChoiceField(label=_("KPI"), queryset=KPI.objects.none())
    fiscal_year = forms.TypedChoiceField(label=_("fiscal year"), coerce=int)
    grade = forms.ChoiceField(label=_("grade"))
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    continue_next = forms.BooleanField(label=_("continued in the next plan"), required=False)

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        plan = measure.plan
        model_choice_field(self, "kpi").queryset = measure.kpis.all()
        choice_field(self, "fiscal_year").choices = [(y.year, y.label) for y in plan.years()]
        choice_field(self, "grade").choices = [(g, f"{g} {meaning}") for g, meaning in plan.grades().items()]


class VersionForm(forms.Form):
    issued_on = forms.DateField(label=_("date of issue"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("what changed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: 策定, or 3-3 のKPIを見直し."),
    )
    major_revision = forms.BooleanField(
        label=_("Major revision (the next edition becomes 第2.0版 rather than 第1.1版)"), required=False
    )


class PlanImportForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"), help_text=_("Export the plan as Excel, edit it and import it here.")
    )


class TagAddForm(forms.Form):
    target = forms.ChoiceField(label=_("tag"))

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "target").choices = [("", "—"), *tag_choices(municipality)]
