from django.contrib import admin
from django.http import HttpRequest

from banso.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = ["at", "action", "object_repr", "content_type", "actor_label"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_label"]

    # The trail is evidence: nobody edits or deletes it, not even the operator.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False
