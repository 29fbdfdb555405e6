from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from banso.core.fields import FiscalYearField  # noqa: F401  (re-exported for apps)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class FileJob(models.Model):
    """A file made by a job for the person who asked for it (core.exports): laying out a long document takes
    seconds, which a web process should not spend. Kept for a week, then removed by a daily job. A concrete
    model adds what the file is of, and its own `file` field to say where files are kept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("stopped by an internal error")
        INTERRUPTED = "interrupted", _("interrupted")

    fmt = models.CharField(max_length=5)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    filename = models.CharField(max_length=255, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-id"]

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RUNNING)


class AuditedModel(TimeStampedModel):
    """Domain data whose every change is recorded in AuditEntry (see core.audit).

    Subclasses say which municipality an instance belongs to, so that its
    history is scoped like the instance itself.
    """

    audit_exclude: tuple[str, ...] = ("created_at", "updated_at")
    _loaded_values: dict[str, Any]

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        """Keep the values as read, so a service can tell whether a save would change anything without asking the
        database again (a ModelForm changes the object itself before the service sees it)."""
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def audit_municipality_id(self) -> int | None:
        return getattr(self, "municipality_id", None)


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("kind of record"))
    object_id = models.CharField(max_length=64, verbose_name=_("record id"))
    object_repr = models.CharField(max_length=200, verbose_name=_("record"))
    # A plain id rather than a foreign key: core must not depend on orgs, and
    # the history of a deleted municipality's objects must survive it.
    municipality_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, verbose_name=_("municipality id")
    )
    action = models.CharField(max_length=10, choices=Action.choices, verbose_name=_("action"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )
    actor_label = models.CharField(max_length=150, verbose_name=_("changed by (as recorded)"))
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    before = models.JSONField(null=True, blank=True, verbose_name=_("before"))
    after = models.JSONField(null=True, blank=True, verbose_name=_("after"))
    changed_fields = models.JSONField(default=list, verbose_name=_("changed fields"))

    scope_municipality_path = "municipality_id"

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.at:%Y-%m-%d %H:%M})"

    def changes(self) -> Iterator[tuple[Any, Any, Any]]:
        """(field verbose name, before, after) for display, in the model's field order."""
        model = self.content_type.model_class()
        fields = {f.attname: f for f in model._meta.concrete_fields} if model else {}
        keys = self.changed_fields or sorted((self.before or {}).keys())
        for key in keys:
            field = fields.get(key)
            label = field.verbose_name if field is not None else key
            yield label, (self.before or {}).get(key), (self.after or {}).get(key)


def ends_after_starts(start: str, end: str, name: str, *, optional_end: bool = False) -> models.CheckConstraint:
    """The database rule that a period cannot end before it starts, with the message a form shows when a
    person types it the wrong way round (Django's default names the constraint, which means nothing to them)."""
    from django.db.models import F, Q

    condition = Q(**{f"{end}__gte": F(start)})
    if optional_end:
        condition |= Q(**{f"{end}__isnull": True})
    return models.CheckConstraint(
        condition=condition,
        name=name,
        violation_error_message=_("The end comes before the start. Check the two dates."),
    )


class WorkerHeartbeat(models.Model):
    """The last sign of life of each `banso worker`: a job whose worker went silent is known to be abandoned."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"
