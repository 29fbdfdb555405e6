"""Model and form fields that read the way Japanese municipal staff write."""

import unicodedata
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from banso.core.fiscal import FiscalYear, FiscalYearError


def nfkc(value: str) -> str:
    """Full-width digits and letters to half-width, half-width kana to full-width, trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def typed(value: str) -> str:
    """Text as the user typed it, trimmed: what Banso stores and prints. （再掲） stays （再掲）; comparisons and
    search use nfkc() of it instead."""
    return value.strip()


class NormalizedCharField(forms.CharField):
    """A text field that stores NFKC-normalised, trimmed text, so that ＡＢＣ and ABC are one value."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return nfkc(text) if text else text


class NormalizedIntegerField(forms.IntegerField):
    """Accepts １，２３４ and 1,234 as 1234: numbers are often copied from Excel or Word."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = nfkc(value).replace(",", "").replace(" ", "")
        return super().to_python(value)


class NormalizedDecimalField(forms.DecimalField):
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # the stubs give DecimalField IntegerField's
        if isinstance(value, str):
            value = nfkc(value).replace(",", "").replace(" ", "")
        return super().to_python(value)


class FiscalYearFormField(forms.Field):
    """Accepts R7, 令和7年度 or 2025 and cleans to the western year as an int."""

    widget = forms.TextInput(attrs={"inputmode": "text", "size": 12, "maxlength": 12})

    def __init__(self, **kwargs: Any) -> None:
        for unused in ("max_length", "min_value", "max_value", "step_size"):
            kwargs.pop(unused, None)
        kwargs["help_text"] = kwargs.get("help_text") or _("For example R7, 令和7年度 or 2025.")
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return FiscalYear(value).era_label
        return value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return FiscalYear.parse(value).year
        except FiscalYearError as err:
            raise ValidationError(str(err), code="fiscal_year") from err


class FiscalYearField(models.PositiveSmallIntegerField):  # type: ignore[type-arg]  # django-stubs' generic field parameters are for its plugin
    """A 年度 stored as the western year in which it starts (2025 for 令和7年度)."""

    def formfield(self, **kwargs: Any) -> forms.Field | None:  # type: ignore[override]
        # Skip IntegerField.formfield: its min/max arguments do not apply to a text input.
        return models.Field.formfield(self, **{"form_class": FiscalYearFormField, **kwargs})
