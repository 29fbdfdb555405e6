"""Who changed what, when, from which value to which.

Every model that inherits AuditedModel writes an AuditEntry on create, update
and delete, whoever makes the change: a view, a management command or the
Django admin. Hooking the model (rather than each service) is what makes the
guarantee hold for the admin and for code written later.

The actor travels in a context variable: the middleware sets it per request,
commands set it with `acting_as()`. Bulk imports that bypass save() record
their own batch instead (see the import capabilities).
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal

# Sent for every change recorded (saved one by one or in bulk), with the model as sender and the change's
# municipality_id: capabilities that keep figures derived from others' data listen here (tracking.summaries).
change_recorded = Signal()


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("banso_audit_actor", default=None)


def current_actor() -> Actor:
    return _actor.get() or Actor(user_id=None, label="system")


@contextlib.contextmanager
def acting_as(user: Any = None, label: str = "") -> Iterator[Actor]:
    """Attribute every change inside the block to a user or to a named process."""
    actor = Actor(
        user_id=getattr(user, "pk", None),
        label=label or (user.get_username() if user is not None else "system"),
    )
    token = _actor.set(actor)
    try:
        yield actor
    finally:
        _actor.reset(token)


def snapshot(instance: Model) -> dict[str, Any]:
    """The instance's concrete field values as JSON-safe data (foreign keys by id)."""
    excluded = getattr(instance, "audit_exclude", ())
    values = {
        field.attname: field.value_from_object(instance)
        for field in instance._meta.concrete_fields
        if field.attname not in excluded
    }
    # An uploaded file is recorded by its stored name.
    values = {k: (v.name or "") if isinstance(v, FieldFile) else v for k, v in values.items()}
    result: dict[str, Any] = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    return result


def connect_audited_models() -> None:
    """Connect the receivers to each audited model only.

    Receivers for every sender would make Django give up its fast bulk delete
    for all models, including large import tables that keep their own record.
    """
    from django.apps import apps

    from banso.core.models import AuditedModel

    for model in apps.get_models():
        if issubclass(model, AuditedModel):
            uid = f"banso-audit-{model._meta.label}"
            pre_save.connect(_remember_previous, sender=model, dispatch_uid=f"{uid}-pre")
            post_save.connect(_record_save, sender=model, dispatch_uid=f"{uid}-post")
            post_delete.connect(_record_delete, sender=model, dispatch_uid=f"{uid}-delete")


def _remember_previous(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None  # type: ignore[attr-defined]


def _record_save(sender: type[Model], instance: Model, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    changed = sorted(k for k in after if before is None or before.get(k) != after.get(k))
    if not created and not changed:
        return
    _write(instance, "create" if created or before is None else "update", before, after, changed)


def _record_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    _write(instance, "delete", snapshot(instance), None, [])


def _write(
    instance: Model, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None, changed: list[str]
) -> None:
    _entry(instance, action, before, after, changed).save()


def _entry(
    instance: Model, action: str, before: dict[str, Any] | None, after: dict[str, Any] | None, changed: list[str]
) -> Any:
    from django.contrib.contenttypes.models import ContentType

    from banso.core.models import AuditEntry

    actor = current_actor()
    municipality_id = instance.audit_municipality_id()  # type: ignore[attr-defined]  # AuditedModel's
    change_recorded.send(sender=type(instance), municipality_id=municipality_id)
    return AuditEntry(
        content_type=ContentType.objects.get_for_model(type(instance)),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        municipality_id=municipality_id,
        action=action,
        actor_id=actor.user_id,
        actor_label=actor.label[:150],
        before=before,
        after=after,
        changed_fields=changed,
    )


def created_in_bulk(instances: Sequence[Model]) -> None:
    """Record the creation of rows a service made with bulk_create (which sends no signals), as save() would have:
    the history keeps every row, and a large import costs two statements instead of two per row."""
    from banso.core.models import AuditEntry

    entries = []
    for instance in instances:
        after = snapshot(instance)
        entries.append(_entry(instance, "create", None, after, sorted(after)))
    AuditEntry.objects.bulk_create(entries, batch_size=500)
