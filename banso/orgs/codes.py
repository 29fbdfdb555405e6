"""全国地方公共団体コード: five digits plus a check digit.

For d1..d5, r = (6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5) mod 11 and the check digit
is (11 − r) mod 10 (13101 → 131016). Users type codes from documents that use
either form and often in full-width digits; we accept both and store six.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(five: str) -> int:
    remainder = sum(int(d) * w for d, w in zip(five, _WEIGHTS, strict=True)) % 11
    return (11 - remainder) % 10


def normalize_lg_code(text: str) -> str:
    """Return the six-digit code for a 5- or 6-digit input, or raise a Japanese ValidationError."""
    cleaned = unicodedata.normalize("NFKC", str(text or "")).strip().replace("-", "").replace(" ", "")
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) not in (5, 6):
        raise ValidationError(
            _("A local government code has 6 digits (or 5 without the check digit), for example 131016."),
            code="format",
        )
    expected = check_digit(cleaned[:5])
    if len(cleaned) == 6 and int(cleaned[5]) != expected:
        raise ValidationError(
            _("The check digit of %(code)s is wrong: the code for %(five)s is %(five)s%(digit)s.")
            % {"code": cleaned, "five": cleaned[:5], "digit": expected},
            code="check_digit",
        )
    return f"{cleaned[:5]}{expected}"
