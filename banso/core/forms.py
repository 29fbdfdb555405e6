"""Form rendering in the style of the デジタル庁デザインシステム.

Every field shows its label with a 必須 (required) or 任意 (optional) marker,
its help text, and its errors tied to the input with aria-describedby, so a
screen reader announces them together.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.forms.renderers import TemplatesSetting

from banso.core.fields import NormalizedCharField


class BansoFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


class NormalizingModelForm(forms.ModelForm):  # type: ignore[type-arg]  # a base for forms of any model
    """ModelForm whose short text inputs are NFKC-normalised and trimmed before validation.

    Staff paste from Word and Excel: full-width letters and digits, half-width
    kana and stray spaces would otherwise make "the same" name two values.
    Fields named in `typed_fields` (titles, names) keep what was typed, trimmed only: they are printed as the
    town wrote them, and services compare them by their normalised form.
    """

    typed_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            try:
                db_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:  # a form-only field: nothing to normalise
                continue
            # Names and short values only: NFKC would also turn the full-width
            # punctuation of prose (（）、：) into ASCII, so long text is only trimmed.
            if type(db_field) is models.CharField and not db_field.choices and name not in self.typed_fields:
                self.fields[name] = db_field.formfield(  # type: ignore[assignment]  # a CharField gives one
                    form_class=NormalizedCharField,
                    widget=field.widget,
                    label=field.label,
                    help_text=field.help_text,
                    required=field.required,
                )


def submit(form: forms.BaseForm | None, service: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a write service with a valid form's data and return what it wrote.

    On a validation error from the service (a rule only the service can check,
    such as a duplicate name), the messages go back onto the form next to their
    fields and None is returned, so the view re-renders the form with them.
    """
    if form is None or not form.is_valid():  # None: the user was not offered the form
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except ValidationError as err:
        add_service_errors(form, err)
        return None


def add_service_errors(form: forms.BaseForm, err: ValidationError) -> None:
    """Put a service's messages next to the fields they name. A rule about something the form shows in several
    fields (a plan's targets per year) or not at all goes to the top of the form instead of raising for a field
    the form does not have."""
    if hasattr(err, "error_dict"):
        for name, errors in err.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, err)


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """A form's model-choice field by name, to narrow what it offers (`.queryset`, `.label_from_instance`)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{name} is not a model-choice field")
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field by name, to set the choices offered for this instance."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field
