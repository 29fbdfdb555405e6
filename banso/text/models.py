from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from banso.core.models import AuditedModel


class Synonym(AuditedModel):
    """A way of writing a word that means another (議事録 → 会議録), added to the built-in vocabulary by the
    installation's operator for its towns (banso.text.vocabulary)."""

    variant = models.CharField(_("variant"), max_length=40, unique=True)
    form = models.CharField(_("matched as"), max_length=40)
    note = models.CharField(pgettext_lazy("synonym", "note"), max_length=200, blank=True)

    class Meta:
        ordering = ["variant"]
        verbose_name = _("synonym")
        verbose_name_plural = _("synonyms")

    def __str__(self) -> str:
        return f"{self.variant} → {self.form}"
