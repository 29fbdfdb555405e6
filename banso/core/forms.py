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


def _as_json(value: Any) -> str:
    """A field's value as comparable, signable text: records by their id, several values in a stable order."""
    if isinstance(value, list | tuple | set | models.QuerySet):
        value = sorted(str(getattr(item, "pk", item)) for item in value)
    elif isinstance(value, models.Model):
        value = value.pk
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


def _as_text(value: Any) -> str:
    if isinstance(value, list | tuple | set | models.QuerySet):
        value = "、".join(str(item) for item in value)
    return str(value) if value not in (None, "") else _("(empty)")


class EditConflictMixin:
    """Refuse to overwrite what someone else saved after this form was opened, and keep what was typed.

    The form carries, signed, the values of its fields as they were when it was opened (`edit_base`). On saving,
    they are compared with the values as they are now; if another person changed any of them meanwhile, the form
    comes back with the user's input untouched, a message naming what changed (and who, where the history says),
    the value now saved under each such field, and a fresh base, so that saving again (after looking) goes
    through. Chosen over a version column on every table: no migration, no model or view change, and it compares
    exactly what the form shows. Model forms compare their instance; other forms that edit a record compare the
    `initial` values their view reads from it on every request (`ConcurrentEditForm`).
    """

    fields: Any  # a form's own attributes (the mixin is used with Form and ModelForm)
    initial: Any
    data: Any

    def _edits_a_record(self) -> bool:
        raise NotImplementedError

    def _current_values(self) -> dict[str, Any]:
        """The stored values of the fields this form shows."""
        raise NotImplementedError

    def _last_editor(self) -> str:
        return _("someone else")

    def _add_edit_base(self) -> None:
        if self._edits_a_record():
            self.fields[EDIT_BASE] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.initial[EDIT_BASE] = self._edit_base()

    def _edit_base(self) -> str:
        values = {name: _as_json(value) for name, value in self._current_values().items()}
        return signing.dumps(values, salt=_EDIT_BASE_SALT, compress=True)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}  # type: ignore[misc]
        if EDIT_BASE not in self.fields:
            return cleaned
        cleaned.pop(EDIT_BASE, None)  # not a value to save: services take the cleaned data as it is
        try:
            opened = signing.loads(
                self.data.get(self.add_prefix(EDIT_BASE), ""),  # type: ignore[attr-defined]
                salt=_EDIT_BASE_SALT,
            )
        except signing.BadSignature:  # a form from before this check, or tampered: compared as if just opened
            return cleaned
        now = self._current_values()
        changed = [name for name, value in now.items() if opened.get(name, _as_json(value)) != _as_json(value)]
        if changed:
            self._refuse_overwrite(changed, now)
        return cleaned

    def _refuse_overwrite(self, changed: list[str], now: dict[str, Any]) -> None:
        labels = "、".join(str(self.fields[name].label) for name in changed)
        message = _(
            "While you were editing, %(who)s saved this record and changed: %(fields)s. Your input is kept below. "
            "Compare it with the current values (shown under each field), then save again."
        ) % {"who": self._last_editor(), "fields": labels}
        self.add_error(None, message)  # type: ignore[attr-defined]
        for name in changed:
            shown = self._shown(name, now[name])
            self.add_error(name, _("Now saved as: %(value)s") % {"value": _as_text(shown)[:300]})  # type: ignore[attr-defined]
        # Saving again after reading the message goes through: the form now carries the values as they are.
        data = dict(self.data.items()) if not hasattr(self.data, "copy") else self.data.copy()
        data[self.add_prefix(EDIT_BASE)] = self._edit_base()  # type: ignore[attr-defined]
        self.data = data

    def _shown(self, name: str, value: Any) -> Any:
        return value


class ConcurrentEditCheck(EditConflictMixin, forms.ModelForm):  # type: ignore[type-arg]  # for forms of any model
    """A model form that refuses to overwrite its record's newer values (EditConflictMixin)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_edit_base()

    def _edits_a_record(self) -> bool:
        return self.instance.pk is not None

    def _current_values(self) -> dict[str, Any]:
        values = {}
        for name in self.fields:
            try:
                field = self.instance._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            values[name] = field.value_from_object(self.instance)
        return values

    def _shown(self, name: str, value: Any) -> Any:
        display = getattr(self.instance, f"get_{name}_display", None)
        return display() if display else value

    def _last_editor(self) -> str:
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
        return last.actor_label if last else super()._last_editor()


class ConcurrentEditForm(EditConflictMixin, forms.Form):
    """A form that edits a record through `initial` values its view reads from the record on every request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_edit_base()

    def _edits_a_record(self) -> bool:
        return bool(self.initial)

    def _current_values(self) -> dict[str, Any]:
        return {name: self.initial[name] for name in self.fields if name in self.initial and name != EDIT_BASE}


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
                self.fields[name] = db_field.formfield(  # a CharField gives one
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
