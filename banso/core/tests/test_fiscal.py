import datetime as dt

import pytest

from banso.core.fiscal import FiscalYear, FiscalYearError, fiscal_years


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("R7", 2025),
        ("r7", 2025),
        ("Ｒ７", 2025),
        ("R 7", 2025),
        ("令和7年度", 2025),
        ("令和７年度", 2025),
        ("令和元年度", 2019),
        ("令和1年度", 2019),
        ("R1", 2019),
        ("平成30年度", 2018),
        ("H31", 2019),
        ("平成元年度", 1989),
        ("2025", 2025),
        ("2025年度", 2025),
        ("２０２５年度", 2025),
        (" 2025 ", 2025),
        (2025, 2025),
    ],
)
def test_it_reads_the_ways_people_write_a_year(text, year):
    assert FiscalYear.parse(text).year == year


@pytest.mark.parametrize(
    "text", ["", "R", "令和", "R0", "令和0年度", "昭和60年度", "20255", "abc", "1900", "2025-26"]
)
def test_it_rejects_what_is_not_a_year_with_a_message(text):
    with pytest.raises(FiscalYearError) as err:
        FiscalYear.parse(text)
    assert str(err.value)


def test_it_names_2019_reiwa_gannen_and_shows_both_notations():
    assert FiscalYear(2019).era_label == "令和元年度"
    assert FiscalYear(2025).era_label == "令和7年度"
    assert FiscalYear(2025).short_label == "R7"
    assert FiscalYear(2018).era_label == "平成30年度"
    assert FiscalYear(2018).short_label == "H30"
    assert FiscalYear(2025).label == "令和7年度（2025年度）"
    assert str(FiscalYear(2027)) == "令和9年度"


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (dt.date(2025, 4, 1), 2025),
        (dt.date(2026, 3, 31), 2025),
        (dt.date(2026, 1, 15), 2025),
        (dt.date(2025, 3, 31), 2024),
        (dt.date(2019, 4, 30), 2019),  # still 平成 on the calendar, but 令和元年度
    ],
)
def test_it_puts_january_to_march_in_the_previous_fiscal_year(day, year):
    assert FiscalYear.of(day).year == year


def test_it_knows_its_first_and_last_day():
    fy = FiscalYear(2025)
    assert fy.start == dt.date(2025, 4, 1)
    assert fy.end == dt.date(2026, 3, 31)
    assert dt.date(2026, 2, 1) in fy
    assert dt.date(2026, 4, 1) not in fy


def test_it_orders_and_counts_years():
    assert FiscalYear(2023) < FiscalYear(2027)
    assert FiscalYear(2027) - FiscalYear(2023) == 4
    assert FiscalYear(2023) + 4 == FiscalYear(2027)
    assert [fy.short_label for fy in fiscal_years("R5", "R9")] == ["R5", "R6", "R7", "R8", "R9"]
    with pytest.raises(FiscalYearError):
        fiscal_years("R9", "R5")
