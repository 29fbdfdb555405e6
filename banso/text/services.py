"""Writes of the text app: the vocabulary a town adds (banso.text.vocabulary)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banso.core.fields import nfkc
from banso.text import vocabulary
from banso.text.models import Synonym


def folded(text: str) -> str:
    """A word as matching compares it: NFKC, trimmed, lower case."""
    return nfkc(text or "").lower()


@transaction.atomic
def synonym_save(*, variant: str, form: str, note: str = "", synonym: Synonym | None = None) -> Synonym:
    """Add or change a synonym. Both words are kept as matching compares them (NFKC, lower case)."""
    synonym = synonym or Synonym()
    synonym.variant, synonym.form, synonym.note = folded(variant), folded(form), note.strip()
    synonym_check(synonym)
    synonym.full_clean()
    synonym.save()
    transaction.on_commit(vocabulary.changed)
    return synonym


def synonym_check(synonym: Synonym) -> None:
    """What makes a pair unusable, in the words of the back office's form."""
    if synonym.variant and synonym.variant == synonym.form:
        raise ValidationError({"form": _("A word cannot be its own synonym. Write the form it should match as.")})
    if synonym.variant and synonym.variant in synonym.form:
        # Text already in the form would have the variant inside it replaced again (コンビニ交付 → 証明書コンビニ交付
        # makes 証明書証明書コンビニ交付): the longer word goes to the shorter.
        raise ValidationError(
            {
                "form": _(
                    "The form contains the variant. Write it the other way round: the longer word as the variant."
                )
            }
        )
    clash = Synonym.objects.filter(variant=synonym.form).exclude(pk=synonym.pk).first()
    if clash:
        raise ValidationError(
            {
                "form": _("“%(form)s” is itself a variant of “%(other)s”. Match it as “%(other)s” instead.")
                % {"form": synonym.form, "other": clash.form}
            }
        )


@transaction.atomic
def synonym_delete(*, synonym: Synonym) -> None:
    synonym.delete()
    transaction.on_commit(vocabulary.changed)
