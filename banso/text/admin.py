from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from banso.text import services
from banso.text.models import Synonym


class SynonymForm(forms.ModelForm[Synonym]):
    class Meta:
        model = Synonym
        fields = ["variant", "form", "note"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        candidate = Synonym(
            pk=self.instance.pk,
            variant=services.folded(cleaned.get("variant") or ""),
            form=services.folded(cleaned.get("form") or ""),
        )
        services.synonym_check(candidate)  # the same refusals as the service, shown on the form
        return cleaned


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin[Synonym]):
    """The installation's words (議事録 → 会議録): saved through the service, so every process and the case index
    follow without anyone rebuilding by hand."""

    form = SynonymForm
    list_display = ["variant", "form", "note", "updated_at"]
    search_fields = ["variant", "form", "note"]

    def save_model(self, request: HttpRequest, obj: Synonym, form: Any, change: bool) -> None:
        services.synonym_save(variant=obj.variant, form=obj.form, note=obj.note, synonym=obj)

    def delete_model(self, request: HttpRequest, obj: Synonym) -> None:
        services.synonym_delete(synonym=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Synonym]) -> None:
        for synonym in queryset:
            services.synonym_delete(synonym=synonym)
