"""Numbers as plans and owners write them: 「85%」「4箇所（累計）」「1,000人/年」「１２０件」, read against a KPI's unit.

One reader for the plan's targets, the owners' actuals and every workbook, so that what is accepted in one place
is accepted in all. The text as written is kept beside the number where the plan prints it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from banso.core.fields import nfkc

_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Remarks a plan writes beside a figure: （累計）, (見込み) …, and "per year" after the unit.
_REMARK = re.compile(r"[(（][^)）]*[)）]")
_PER_YEAR = re.compile(r"[/／]年(度)?$")
NO_VALUE = {"", "-", "ー", "―", "—", "－", "なし"}


def is_blank(text: Any) -> bool:
    """「-」 and friends: the plan says there is no figure (a baseline not measured yet)."""
    return nfkc(str(text or "")).replace(" ", "") in NO_VALUE


def parse_amount(text: Any, unit: str) -> Decimal:
    """「70」「70%」「1,200件」「4箇所（累計）」「1,000人/年」 → a number, if any unit written is the KPI's own; a clear
    Japanese message otherwise."""
    if isinstance(text, Decimal | int | float) and not isinstance(text, bool):
        return Decimal(str(text))
    raw = nfkc(str(text or "")).replace(",", "").replace(" ", "")
    if not raw:
        raise ValidationError(_("Enter the value."))
    bare = _PER_YEAR.sub("", _REMARK.sub("", raw))
    folded_unit = _PER_YEAR.sub("", nfkc(unit or "").replace(" ", ""))
    number = bare[: -len(folded_unit)] if folded_unit and bare.endswith(folded_unit) else bare
    if not _NUMBER.match(number):
        written_unit = re.sub(r"^[+-]?[\d.]+", "", bare)
        if re.match(r"^[+-]?\d", bare) and written_unit:
            raise ValidationError(
                _("“%(value)s” is in another unit: this KPI is counted in %(unit)s. Enter the number in %(unit)s.")
                % {"value": raw, "unit": unit}
            )
        raise ValidationError(
            _("“%(value)s” is not a number. Enter digits, for example 42 or 3.5.") % {"value": raw}
        )
    try:
        return Decimal(number)
    except InvalidOperation as err:  # pragma: no cover - the pattern above admits only decimals
        raise ValidationError(_("Enter the value.")) from err
