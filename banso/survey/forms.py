from django import forms
from django.utils.translation import gettext_lazy as _

from banso.core.fields import NormalizedIntegerField
from banso.core.forms import NormalizingModelForm, choice_field, model_choice_field
from banso.orgs.models import Department
from banso.survey.models import MEANINGS_OF_KIND, CategoryKind, ColumnSet, SurveyRound
from banso.survey.reader import SURE
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

    column_set = forms.ChoiceField(
        label=_("columns asked"),
        choices=ColumnSet.choices,
        initial=ColumnSet.FULL,
        required=False,  # left out, Banso's full sheet
        widget=forms.RadioSelect,
        help_text=_(
            "総務省's 業務説明表 asks for the task, its purpose, legal basis, yearly volume, staff and system cost; "
            "Banso's full sheet also asks for the medium, seals and visits, which the analysis uses."
        ),
    )
    asked = forms.MultipleChoiceField(
        label=_("columns we ask for (when we choose)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.key, c.header) for c in COLUMNS if c.kind != "id" and c.key != "name"],
    )
    required_columns = forms.MultipleChoiceField(
        label=_("of those, the required ones"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.key, c.header) for c in COLUMNS if c.kind != "id" and c.key != "name"],
        help_text=_("業務名 is always asked for and required."),
    )

    class Meta:
        model = SurveyRound
        fields = [
            "title",
            "fiscal_year",
            "deadline",
            "hourly_cost_yen",
            "annual_hours_per_fte",
            "departments",
            "column_set",
        ]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "departments").queryset = municipality.departments.filter(is_active=True)
        if self.instance.pk:
            self.initial["departments"] = list(self.instance.departments.values_list("pk", flat=True))
            custom = self.instance.custom_columns or {}
            self.initial["asked"] = list(custom)
            self.initial["required_columns"] = [k for k, v in custom.items() if v == "required"]

    def clean(self):
        cleaned = super().clean() or {}
        asked, required = cleaned.pop("asked", []), cleaned.pop("required_columns", [])
        cleaned["column_set"] = cleaned.get("column_set") or (
            self.instance.column_set if self.instance.pk else ColumnSet.FULL
        )
        if cleaned.get("column_set") == ColumnSet.CUSTOM:
            cleaned["custom_columns"] = {key: "required" if key in required else "optional" for key in asked}
        return cleaned


class OptionsForm(forms.Form):
    """One box per list; for a list the analysis reads (処理媒体, デジタル化状況, 職員区分), one box per meaning, so a
    town writes its own words (「紙・手書き」) where they belong and every figure still counts them right."""

    def __init__(self, *args, options: dict, meanings: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in CategoryKind:
            if kind not in MEANINGS_OF_KIND:
                self.fields[kind.value] = forms.CharField(
                    label=kind.label,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    initial="\n".join(options.get(kind.value, [])),
                    help_text=_("One value per line."),
                )
                continue
            of_kind = meanings.get(kind.value, {})
            for meaning in MEANINGS_OF_KIND[kind]:
                self.fields[f"{kind.value}__{meaning.value}"] = forms.CharField(
                    label=_("%(list)s: values meaning %(meaning)s")
                    % {"list": kind.label, "meaning": meaning.label},
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial="\n".join(v for v in options.get(kind.value, []) if of_kind.get(v) == meaning),
                    required=False,
                    help_text=_("One value per line; leave empty if your list has none."),
                )

    def lists(self) -> dict[str, tuple[list[str], dict[str, str]]]:
        """{kind: (values, {value: meaning})} as typed."""
        found: dict[str, tuple[list[str], dict[str, str]]] = {}
        for kind in CategoryKind:
            if kind not in MEANINGS_OF_KIND:
                found[kind.value] = (self.cleaned_data[kind.value].splitlines(), {})
                continue
            values: list[str] = []
            meanings: dict[str, str] = {}
            for meaning in MEANINGS_OF_KIND[kind]:
                for value in self.cleaned_data[f"{kind.value}__{meaning.value}"].splitlines():
                    if value.strip():
                        values.append(value.strip())
                        meanings.setdefault(value.strip(), meaning.value)
            found[kind.value] = (values, meanings)
        return found

    def clean(self):
        cleaned = super().clean() or {}
        for kind in MEANINGS_OF_KIND:
            seen: dict[str, str] = {}
            for meaning in MEANINGS_OF_KIND[kind]:
                name = f"{kind}__{meaning.value}"
                for value in (cleaned.get(name) or "").splitlines():
                    value = value.strip()
                    if value and value in seen and seen[value] != name:
                        self.add_error(
                            name,
                            _("“%(value)s” is listed under two meanings; keep it under one.") % {"value": value},
                        )
                    seen.setdefault(value, name)
        return cleaned


class RenameOptionForm(forms.Form):
    """Call a list value by another name, in the answers too."""

    option = forms.ChoiceField(label=_("value"))
    new_value = forms.CharField(label=_("new name"), max_length=50)

    def __init__(self, *args, options: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "option").choices = [
            (str(kind.label), [(f"{kind.value}|{v}", v) for v in options.get(kind.value, [])])
            for kind in CategoryKind
        ]

    def chosen(self) -> tuple[str, str]:
        kind, value = self.cleaned_data["option"].split("|", 1)
        return kind, value


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

    def __init__(
        self,
        *args,
        headers: list[str],
        guesses: dict,
        asked: dict[str, bool],
        confidence: dict[str, int] | None = None,
        **kwargs,
    ):
        """`asked` is what the round asks for ({column: required}): only those columns are offered. `confidence`
        is how sure each guess is (0–100), said under the column so a person checks the unsure ones."""
        super().__init__(*args, **kwargs)
        choices = [("", _("(not in this file)"))] + [(h, h) for h in headers if h]
        choice_field(self, "department_header").choices = choices
        for column in COLUMNS:
            if column.kind == "id" or column.key not in asked:
                continue
            self.fields[f"col_{column.key}"] = forms.ChoiceField(
                label=column.header,
                choices=choices,
                required=asked[column.key],  # what the round requires, marked as such
                initial=guesses.get(column.key, ""),
                help_text=_confidence_note((confidence or {}).get(column.key)),
            )

    def mapped_fields(self) -> dict:
        return {
            key.removeprefix("col_"): value for key, value in self.cleaned_data.items() if key.startswith("col_")
        }


def _confidence_note(score: int | None) -> str:
    if score is None:
        return ""
    if score < SURE:
        return _("Guessed with confidence %(score)s of 100: please check it.") % {"score": score}
    return _("Guessed with confidence %(score)s of 100.") % {"score": score}


class ReadAsForm(forms.Form):
    """For each word of the file that is not in a list (正職員), the round's value to read it as (正規)."""

    def __init__(self, *args, unknown: dict[str, list[str]], options: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.pairs: dict[str, tuple[str, str]] = {}
        for kind, values in unknown.items():
            if kind not in options:
                continue
            for i, value in enumerate(values):
                name = f"{kind}-{i}"
                self.pairs[name] = (kind, value)
                self.fields[name] = forms.ChoiceField(
                    label=_("%(list)s: read “%(value)s” as") % {"list": CategoryKind(kind).label, "value": value},
                    choices=[("", _("(leave it)"))] + [(v, v) for v in options[kind]],
                    required=False,
                )

    def read_as(self) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {}
        for name, (kind, value) in self.pairs.items():
            if self.cleaned_data.get(name):
                found.setdefault(kind, {})[value] = self.cleaned_data[name]
        return found
