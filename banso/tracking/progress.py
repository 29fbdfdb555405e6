"""Is a KPI on track? The expected path from baseline to target, and the rule that turns an actual into a signal.

The path is a straight line from the baseline (value and date) to each target,
reached at the end of its 年度 (31 March); after the last target it stays there.
The share of the expected progress that the actual has made decides the signal:

    progress = (actual − baseline) ÷ (expected − baseline)
    ≥ 90 %: on track · 60–90 %: at risk · < 60 %: off track

Direction needs no special case: for "lower is better" both differences are
negative. Without a baseline, the actual is compared with the next target
itself. The rule text is shown wherever a signal is, so nobody has to guess.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from banso.core.fiscal import FiscalYear

ON_TRACK_FROM = Decimal("0.9")
AT_RISK_FROM = Decimal("0.6")

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
LABELS = {
    ON_TRACK: _("on track"),
    AT_RISK: _("at risk"),
    OFF_TRACK: _("off track"),
    NO_DATA: _("no actual yet"),
}
SEVERITY = {ON_TRACK: 0, NO_DATA: 1, AT_RISK: 2, OFF_TRACK: 3}
RULE_BY_KIND = _(
    "A figure per year is compared with that year's target, pro-rated to the date. A milestone KPI counts the "
    "milestones reached: it is off track once a milestone's fiscal year has ended without it."
)
RULE_FOR_NUMBERS = _(
    "Expected value: a straight line from the baseline to each target (reached on 31 March of its fiscal year). "
    "Progress = (actual − baseline) ÷ (expected − baseline): 90% or more is on track, 60% to 90% at risk, "
    "below 60% off track."
)
# The whole rule, printed wherever a signal is shown.
RULE = format_lazy("{} {}", RULE_FOR_NUMBERS, RULE_BY_KIND)


@dataclass(frozen=True)
class Signal:
    state: str
    expected: Decimal | None = None
    progress: Decimal | None = None  # share of the expected progress made, 1 = exactly on the path

    @property
    def label(self):
        return LABELS[self.state]


def _target_points(targets: dict[int, Decimal]) -> list[tuple[dt.date, Decimal]]:
    return sorted((FiscalYear(year).end, Decimal(value)) for year, value in targets.items())


def expected_value(
    baseline: Decimal | None, baseline_date: dt.date | None, targets: dict[int, Decimal], on: dt.date
):
    """The value the KPI should have reached on a date, or None when there is nothing to draw a line from."""
    points = _target_points(targets)
    if not points:
        return None
    if baseline is None or baseline_date is None:
        return next((value for day, value in points if day >= on), points[-1][1])
    start_day, start_value = baseline_date, Decimal(baseline)
    for day, value in points:
        if on <= day:
            if on <= start_day:
                return start_value
            share = Decimal((on - start_day).days) / Decimal(max((day - start_day).days, 1))
            return start_value + (value - start_value) * share
        start_day, start_value = day, value
    return points[-1][1]


def signal(baseline, baseline_date, targets, actual: Decimal | None, on: dt.date, direction: str = "up") -> Signal:
    if actual is None:
        return Signal(NO_DATA)
    expected = expected_value(baseline, baseline_date, targets, on)
    if expected is None:
        return Signal(NO_DATA)
    start = Decimal(baseline) if baseline is not None else Decimal(0)
    wanted = expected - start
    if wanted == 0:
        # The path has not moved yet (on the baseline date, or a flat target): holding the line is on track.
        better = actual >= expected if direction == "up" else actual <= expected
        return Signal(ON_TRACK if better else OFF_TRACK, expected, Decimal(1) if better else Decimal(0))
    progress = (Decimal(actual) - start) / wanted
    if progress >= ON_TRACK_FROM:
        state = ON_TRACK
    elif progress >= AT_RISK_FROM:
        state = AT_RISK
    else:
        state = OFF_TRACK
    return Signal(state, expected.quantize(Decimal("0.01")), progress.quantize(Decimal("0.001")))


def signal_for(
    kind: str, baseline, baseline_date, targets: dict, actual: Decimal | None, on: dt.date, direction: str = "up"
) -> Signal:
    """The signal of any kind of KPI. `targets` maps 年度 to the target's number (None for a milestone)."""
    if kind == "milestone":
        return milestone_signal(list(targets), actual, on)
    numbers = {year: value for year, value in targets.items() if value is not None}
    if kind == "per_year" and FiscalYear.of(on).year in numbers:
        return per_year_signal(numbers[FiscalYear.of(on).year], actual, on, direction)
    return signal(baseline, baseline_date, numbers, actual, on, direction)


def milestone_signal(years: list[int], reached: Decimal | None, on: dt.date) -> Signal:
    """Milestones due by now (their 年度 has ended) against how many were reported reached."""
    due = sum(1 for year in years if FiscalYear(year).end < on)
    if reached is None:
        return Signal(OFF_TRACK, Decimal(due), Decimal(0)) if due else Signal(NO_DATA)
    if due == 0 or reached >= due:
        return Signal(ON_TRACK, Decimal(due), Decimal(1))
    return Signal(OFF_TRACK, Decimal(due), (Decimal(reached) / due).quantize(Decimal("0.001")))


def per_year_signal(target: Decimal, actual: Decimal | None, on: dt.date, direction: str = "up") -> Signal:
    """This year's figure so far against the year's target, pro-rated to the day (half the year: half the target)."""
    if actual is None:
        return Signal(NO_DATA)
    year = FiscalYear.of(on)
    share = Decimal((on - year.start).days + 1) / Decimal((year.end - year.start).days + 1)
    expected = (Decimal(target) * share).quantize(Decimal("0.01"))
    if direction == "up":
        progress = Decimal(actual) / expected if expected else Decimal(1)
    else:
        progress = expected / Decimal(actual) if actual else Decimal(1)
    state = ON_TRACK if progress >= ON_TRACK_FROM else AT_RISK if progress >= AT_RISK_FROM else OFF_TRACK
    return Signal(state, expected, progress.quantize(Decimal("0.001")))


def worst(states) -> str:
    """A measure is as far off as its worst KPI; a measure without data is "no data" unless another KPI is worse."""
    states = list(states)
    return max(states, key=SEVERITY.__getitem__) if states else NO_DATA
