import datetime as dt
from decimal import Decimal as D

import pytest

from banso.tracking import progress


def test_it_draws_the_expected_path_from_the_baseline_to_each_target():
    # 28 online procedures in April 2025, 100 by the end of 令和8年度 (31 March 2027): 730 days.
    targets = {2026: D(100)}
    assert progress.expected_value(D(28), dt.date(2025, 4, 1), targets, dt.date(2025, 4, 1)) == D(28)
    middle = progress.expected_value(D(28), dt.date(2025, 4, 1), targets, dt.date(2026, 3, 31))
    assert D(63) < middle < D(65)
    assert progress.expected_value(D(28), dt.date(2025, 4, 1), targets, dt.date(2028, 1, 1)) == D(100)


def test_it_follows_each_target_in_turn():
    targets = {2025: D(50), 2027: D(100)}
    # After the first target (31 March 2026) the line starts again from it.
    assert progress.expected_value(D(0), dt.date(2025, 4, 1), targets, dt.date(2026, 3, 31)) == D(50)
    later = progress.expected_value(D(0), dt.date(2025, 4, 1), targets, dt.date(2027, 3, 31))
    assert D(74) < later < D(76)


@pytest.mark.parametrize(
    ("actual", "state"),
    [(D(64), progress.ON_TRACK), (D(50), progress.AT_RISK), (D(40), progress.OFF_TRACK), (None, progress.NO_DATA)],
)
def test_it_turns_progress_into_a_signal_by_the_printed_rule(actual, state):
    on = dt.date(2026, 3, 31)  # expected ≈ 64: progress 100 %, 61 %, 33 %
    assert progress.signal(D(28), dt.date(2025, 4, 1), {2026: D(100)}, actual, on).state == state


def test_it_needs_no_special_case_when_lower_is_better():
    # 1,200 calls a year down to 600: 900 half-way along is exactly on the path.
    on = dt.date(2027, 3, 31)
    targets = {2028: D(600)}
    expected = progress.expected_value(D(1200), dt.date(2025, 3, 31), targets, on)
    assert progress.signal(D(1200), dt.date(2025, 3, 31), targets, expected, on, "down").state == progress.ON_TRACK
    assert progress.signal(D(1200), dt.date(2025, 3, 31), targets, D(1150), on, "down").state == progress.OFF_TRACK


def test_it_compares_with_the_target_itself_without_a_baseline():
    assert progress.signal(None, None, {2025: D(100)}, D(95), dt.date(2025, 10, 1)).state == progress.ON_TRACK
    assert progress.signal(None, None, {2025: D(100)}, D(50), dt.date(2025, 10, 1)).state == progress.OFF_TRACK


def test_it_rolls_a_measure_up_to_its_worst_kpi():
    assert progress.worst([progress.ON_TRACK, progress.OFF_TRACK, progress.AT_RISK]) == progress.OFF_TRACK
    assert progress.worst([]) == progress.NO_DATA
