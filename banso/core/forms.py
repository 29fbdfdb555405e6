"""Form rendering in the style of the デジタル庁デザインシステム.

Every field shows its label with a 必須 (required) or 任意 (optional) marker,
its help text, and its errors tied to the input with aria-describedby, so a
screen reader announces them together.
"""

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _

from banso.core.fields import NormalizedCharField


class BansoFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


EDIT_BASE = "edit_base"
_EDIT_BASE_SALT = "banso.core.forms.edit_base"


class ConcurrentEditCheck(forms.ModelForm):  # type: ignore[type-arg]  # a base for forms of any model
    """Refuse to overwrite a record someone else saved after this form was opened, and keep what was typed.

    The form carries, signed, the values of its fields as they were when it was opened (`edit_base`). On saving,
    they are compared with the record as it is now; if another person changed any of them meanwhile, the form
    comes back with the user's input untouched, a message naming what changed and who changed it, and a fresh
    base, so that saving again (after looking) goes through. Chosen over a version column on every table: it
    needs no migration, no model change and no view change, and it compares only what the form shows.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        self.fields[EDIT_BASE] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial[EDIT_BASE] = self._edit_base()

    def _current_values(self) -> dict[str, str]:
        """The record's stored values of the fields this form shows, each as JSON text (comparable, signable)."""
        values = {}
        for name in self.fields:
            try:
                field = self.instance._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            value = field.value_from_object(self.instance)
            if isinstance(field, models.ManyToManyField):
                value = sorted(item.pk for item in value)
            values[name] = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
        return values

    def _edit_base(self) -> str:
        return signing.dumps(self._current_values(), salt=_EDIT_BASE_SALT, compress=True)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if self.instance.pk is None or EDIT_BASE not in self.fields:
            return cleaned
        cleaned.pop(EDIT_BASE, None)  # not a value to save: services take the cleaned data as it is
        try:
            opened = signing.loads(self.data.get(self.add_prefix(EDIT_BASE), ""), salt=_EDIT_BASE_SALT)
        except signing.BadSignature:  # a form from before this check, or tampered: compared as if just opened
            return cleaned
        now = self._current_values()
        changed = [name for name, value in now.items() if opened.get(name, value) != value]
        if changed:
            self._refuse_overwrite(changed)
        return cleaned

    def _refuse_overwrite(self, changed: list[str]) -> None:
        from banso.core.models import AuditEntry

        last = (
            AuditEntry.objects.filter(
                content_type__app_label=self.instance._meta.app_label,
                content_type__model=self.instance._meta.model_name,
                object_id=str(self.instance.pk),
            )
            .only("actor_label", "at")
            .first()
        )
        labels = "、".join(str(self.fields[name].label) for name in changed)
        message = _(
            "While you were editing, %(who)s saved this record and changed: %(fields)s. Your input is kept below. "
            "Compare it with the current values (shown under each field), then save again."
        ) % {"who": last.actor_label if last else _("someone else"), "fields": labels}
        self.add_error(None, message)
        for name in changed:
            current = self.instance._meta.get_field(name).value_from_object(self.instance)
            shown = (
                getattr(self.instance, f"get_{name}_display")()
                if hasattr(self.instance, f"get_{name}_display")
                else current
            )
            if isinstance(shown, list | tuple | set | models.QuerySet):
                shown = "、".join(str(item) for item in shown)
            text = str(shown) if shown not in (None, "") else _("(empty)")
            self.add_error(name, _("Now saved as: %(value)s") % {"value": text[:300]})
        # Saving again after reading the message goes through: the form now carries the record as it is.
        data = dict(self.data.items()) if not hasattr(self.data, "copy") else self.data.copy()
        data[self.add_prefix(EDIT_BASE)] = self._edit_base()
        self.data = data


class NormalizingModelForm(ConcurrentEditCheck):
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
