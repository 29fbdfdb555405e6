"""Japanese fiscal years (年度) and their 令和 notation.

A 年度 runs from 1 April to 31 March and is named after the calendar year in
which it starts. Municipal documents write it in the Japanese era: 令和N年度 is
(2018+N)年度, and 2019年度 is 令和元年度 even though 令和 itself began on 1 May
2019, because the era of a fiscal year is that of its larger part by convention.
Older baselines are written in 平成 (平成N年度 = (1988+N)年度).

Every place that reads or shows a year goes through this module so that "R7",
"令和7年度", "2025年度" and "2025" always mean the same thing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import total_ordering
from typing import overload

from django.utils.translation import gettext_lazy as _

# (era name, short letter, western year of 元年). Order matters: newest first.
ERAS = (
    ("令和", "R", 2019),
    ("平成", "H", 1989),
)

MIN_YEAR = 1989
MAX_YEAR = 2200

_ERA_BY_NAME = {name: first for name, _short, first in ERAS}
_ERA_BY_SHORT = {short: first for _name, short, first in ERAS}

# "R7", "R 7", "令和7", "令和七"? (kanji numerals are not used for years in
# municipal tables except 元), optional 年度 suffix.
_ERA_RE = re.compile(r"^(令和|平成|[RH])\s*(元|\d{1,3})\s*(年度|年)?$")
_WESTERN_RE = re.compile(r"^(\d{4})\s*(年度|年)?$")


class FiscalYearError(ValueError):
    """The text is not a fiscal year; the message is shown to users as is."""


@total_ordering
@dataclass(frozen=True, slots=True)
class FiscalYear:
    """A 年度, identified by the western calendar year in which it starts."""

    year: int

    def __post_init__(self) -> None:
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise FiscalYearError(
                _("A fiscal year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
            )

    # -- construction ---------------------------------------------------
    @classmethod
    def of(cls, day: dt.date) -> FiscalYear:
        """The 年度 that contains a date (January–March belong to the previous year)."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def current(cls) -> FiscalYear:
        from django.utils import timezone

        return cls.of(timezone.localdate())

    @classmethod
    def parse(cls, text: str | int | FiscalYear) -> FiscalYear:
        """Read a year as people type it: R7, ｒ７, 令和7年度, 令和元年度, H30, 2025, ２０２５年度."""
        if isinstance(text, FiscalYear):
            return text
        if isinstance(text, int):
            return cls(text)
        cleaned = unicodedata.normalize("NFKC", str(text)).strip().upper().replace(" ", "")
        if not cleaned:
            raise FiscalYearError(_("Enter a fiscal year, for example R7 or 2025."))
        match = _ERA_RE.match(cleaned)
        if match:
            era, number, _suffix = match.groups()
            first = _ERA_BY_NAME.get(era) or _ERA_BY_SHORT[era]
            n = 1 if number == "元" else int(number)
            if n < 1:
                raise FiscalYearError(_("An era year starts at 1 (元年)."))
            return cls(first + n - 1)
        match = _WESTERN_RE.match(cleaned)
        if match:
            return cls(int(match.group(1)))
        raise FiscalYearError(
            _("“%(text)s” is not a fiscal year. Write it as R7, 令和7年度 or 2025.") % {"text": text}
        )

    # -- calendar -------------------------------------------------------
    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 4, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year + 1, 3, 31)

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __add__(self, years: int) -> FiscalYear:
        return FiscalYear(self.year + years)

    @overload
    def __sub__(self, other: FiscalYear) -> int: ...

    @overload
    def __sub__(self, other: int) -> FiscalYear: ...

    def __sub__(self, other: FiscalYear | int) -> int | FiscalYear:
        if isinstance(other, FiscalYear):
            return self.year - other.year
        return FiscalYear(self.year - other)

    def __lt__(self, other: FiscalYear) -> bool:
        return self.year < other.year

    def __int__(self) -> int:
        return self.year

    # -- notation -------------------------------------------------------
    def _era(self) -> tuple[str, str, int]:
        for name, short, first in ERAS:
            if self.year >= first:
                return name, short, self.year - first + 1
        raise AssertionError("unreachable: MIN_YEAR is the first year of 平成")

    @property
    def era_label(self) -> str:
        """令和7年度, 令和元年度, 平成30年度."""
        name, _short, n = self._era()
        return f"{name}{'元' if n == 1 else n}年度"

    @property
    def short_label(self) -> str:
        """R7, R1, H30: the compact form used in roadmap column headers."""
        _name, short, n = self._era()
        return f"{short}{n}"

    @property
    def western_label(self) -> str:
        return f"{self.year}年度"

    @property
    def label(self) -> str:
        """令和7年度（2025年度）: the unambiguous form for tables and documents."""
        return f"{self.era_label}（{self.year}年度）"

    def __str__(self) -> str:
        return self.era_label


def fiscal_years(first: FiscalYear | int, last: FiscalYear | int) -> list[FiscalYear]:
    """Every 年度 from first to last inclusive, e.g. the columns of a roadmap."""
    a, b = FiscalYear.parse(first), FiscalYear.parse(last)
    if b < a:
        raise FiscalYearError(_("The last fiscal year comes before the first."))
    return [FiscalYear(y) for y in range(a.year, b.year + 1)]


def wareki_date(day: dt.date, *, with_day: bool = True) -> str:
    """2025-05-12 → 令和7年5月12日 (a calendar date, so 令和 starts on 1 May 2019, unlike a 年度)."""
    if day >= dt.date(2019, 5, 1):
        name, n = "令和", day.year - 2018
    else:
        name, n = "平成", day.year - 1988
    text = f"{name}{'元' if n == 1 else n}年{day.month}月"
    return f"{text}{day.day}日" if with_day else text
