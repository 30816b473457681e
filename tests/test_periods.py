"""Tests of sales_assessment/tools/periods.py: bounds, labels, prorating."""

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

D = date


def test_period_months(periods):
    assert periods.PERIOD_MONTHS == {"month": 1, "quarter": 3, "half": 6, "year": 12}


@pytest.mark.parametrize(
    ("period_type", "day", "expected"),
    [
        ("month", D(2026, 2, 14), (D(2026, 2, 1), D(2026, 2, 28))),
        ("month", D(2024, 2, 29), (D(2024, 2, 1), D(2024, 2, 29))),
        ("quarter", D(2026, 5, 17), (D(2026, 4, 1), D(2026, 6, 30))),
        ("quarter", D(2026, 12, 31), (D(2026, 10, 1), D(2026, 12, 31))),
        ("half", D(2026, 7, 1), (D(2026, 7, 1), D(2026, 12, 31))),
        ("year", D(2026, 6, 30), (D(2026, 1, 1), D(2026, 12, 31))),
    ],
)
def test_period_bounds_calendar(periods, period_type, day, expected):
    assert periods.period_bounds(period_type, day) == expected


@pytest.mark.parametrize(
    ("period_type", "day", "expected"),
    [
        ("quarter", D(2026, 4, 1), (D(2026, 4, 1), D(2026, 6, 30))),
        ("quarter", D(2026, 9, 30), (D(2026, 7, 1), D(2026, 9, 30))),
        ("quarter", D(2027, 2, 10), (D(2027, 1, 1), D(2027, 3, 31))),
        ("quarter", D(2026, 3, 31), (D(2026, 1, 1), D(2026, 3, 31))),
        ("half", D(2026, 11, 30), (D(2026, 10, 1), D(2027, 3, 31))),
        ("year", D(2026, 3, 31), (D(2025, 4, 1), D(2026, 3, 31))),
        ("year", D(2026, 4, 1), (D(2026, 4, 1), D(2027, 3, 31))),
        ("month", D(2026, 4, 15), (D(2026, 4, 1), D(2026, 4, 30))),
    ],
)
def test_period_bounds_fiscal_april(periods, period_type, day, expected):
    assert periods.period_bounds(period_type, day, fiscal_start_month=4) == expected


@pytest.mark.parametrize(
    "args",
    [("week", D(2026, 1, 1)), ("custom", D(2026, 1, 1)), ("month", D(2026, 1, 1), 13)],
)
def test_period_bounds_invalid(periods, args):
    with pytest.raises(periods.PeriodError):
        periods.period_bounds(*args)


def test_fiscal_year_periods_quarters_april(periods):
    assert periods.fiscal_year_periods(2026, "quarter", 4) == [
        (D(2026, 4, 1), D(2026, 6, 30)),
        (D(2026, 7, 1), D(2026, 9, 30)),
        (D(2026, 10, 1), D(2026, 12, 31)),
        (D(2027, 1, 1), D(2027, 3, 31)),
    ]


def test_fiscal_year_periods_other_types(periods):
    assert periods.fiscal_year_periods(2026, "year") == [
        (D(2026, 1, 1), D(2026, 12, 31))
    ]
    assert periods.fiscal_year_periods(2025, "half", 7) == [
        (D(2025, 7, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 6, 30)),
    ]
    months = periods.fiscal_year_periods(2024, "month", 2)
    assert len(months) == 12
    assert months[1] == (D(2024, 3, 1), D(2024, 3, 31))
    assert months[-1] == (D(2025, 1, 1), D(2025, 1, 31))


@pytest.mark.parametrize(
    ("period_type", "start", "end", "expected"),
    [
        ("month", D(2026, 3, 1), D(2026, 3, 31), "2026-03"),
        ("quarter", D(2026, 1, 1), D(2026, 3, 31), "2026-Q1"),
        ("quarter", D(2026, 4, 1), D(2026, 6, 30), "2026-Q2"),
        ("half", D(2026, 1, 1), D(2026, 6, 30), "2026-H1"),
        ("half", D(2026, 7, 1), D(2026, 12, 31), "2026-H2"),
        ("year", D(2026, 1, 1), D(2026, 12, 31), "2026"),
        ("custom", D(2026, 1, 5), D(2026, 2, 10), "2026-01-05 → 2026-02-10"),
        ("quarter", D(2026, 1, 5), D(2026, 4, 4), "2026-01-05 → 2026-04-04"),
        ("month", D(2026, 3, 1), D(2026, 3, 30), "2026-03-01 → 2026-03-30"),
    ],
)
def test_period_label_calendar(periods, period_type, start, end, expected):
    assert periods.period_label(period_type, start, end) == expected


@pytest.mark.parametrize(
    ("period_type", "start", "end", "expected"),
    [
        ("quarter", D(2026, 4, 1), D(2026, 6, 30), "FY2026-Q1"),
        ("quarter", D(2027, 1, 1), D(2027, 3, 31), "FY2026-Q4"),
        ("half", D(2026, 10, 1), D(2027, 3, 31), "FY2026-H2"),
        ("year", D(2026, 4, 1), D(2027, 3, 31), "FY2026"),
        ("month", D(2027, 2, 1), D(2027, 2, 28), "2027-02"),
        ("quarter", D(2026, 1, 1), D(2026, 3, 31), "FY2025-Q4"),
        ("year", D(2026, 1, 1), D(2026, 12, 31), "2026-01-01 → 2026-12-31"),
    ],
)
def test_period_label_fiscal_april(periods, period_type, start, end, expected):
    assert (
        periods.period_label(period_type, start, end, fiscal_start_month=4) == expected
    )


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ((2026, 4, 1), (2026, 6, 30), ((2026, 1, 1), (2026, 3, 31))),
        ((2026, 1, 1), (2026, 3, 31), ((2025, 10, 1), (2025, 12, 31))),
        ((2026, 3, 1), (2026, 3, 31), ((2026, 2, 1), (2026, 2, 28))),
        ((2024, 3, 1), (2024, 3, 31), ((2024, 2, 1), (2024, 2, 29))),
        ((2024, 2, 1), (2024, 2, 29), ((2024, 1, 1), (2024, 1, 31))),
        ((2026, 1, 1), (2026, 1, 31), ((2025, 12, 1), (2025, 12, 31))),
        ((2026, 1, 1), (2026, 12, 31), ((2025, 1, 1), (2025, 12, 31))),
        ((2026, 10, 1), (2027, 3, 31), ((2026, 4, 1), (2026, 9, 30))),
        ((2026, 1, 11), (2026, 1, 20), ((2026, 1, 1), (2026, 1, 10))),
        ((2026, 3, 5), (2026, 3, 14), ((2026, 2, 23), (2026, 3, 4))),
        ((2026, 1, 1), (2026, 1, 30), ((2025, 12, 2), (2025, 12, 31))),
        ((2024, 3, 1), (2024, 3, 1), ((2024, 2, 29), (2024, 2, 29))),
    ],
)
def test_previous_period(periods, start, end, expected):
    result = periods.previous_period(D(*start), D(*end))
    assert result == (D(*expected[0]), D(*expected[1]))


def test_previous_period_reversed(periods):
    with pytest.raises(periods.PeriodError):
        periods.previous_period(D(2026, 2, 1), D(2026, 1, 1))


def test_days_between(periods):
    assert periods.days_between(D(2026, 1, 1), D(2026, 1, 1)) == 1
    assert periods.days_between(D(2026, 1, 1), D(2026, 1, 31)) == 31
    assert periods.days_between(D(2024, 1, 1), D(2024, 12, 31)) == 366
    with pytest.raises(periods.PeriodError, match="ends"):
        periods.days_between(D(2026, 1, 2), D(2026, 1, 1))


JAN = (D(2026, 1, 1), D(2026, 1, 31))


@pytest.mark.parametrize(
    ("presence", "expected"),
    [
        ((None, None), 100.0),
        ((False, False), 100.0),
        ((D(2025, 6, 1), D(2026, 6, 1)), 100.0),
        ((D(2026, 1, 17), None), 48.39),
        ((None, D(2026, 1, 10)), 32.26),
        ((D(2026, 1, 11), D(2026, 1, 20)), 32.26),
        ((D(2026, 1, 31), None), 3.23),
        ((D(2026, 2, 1), None), 0.0),
        ((None, D(2025, 12, 31)), 0.0),
        ((D(2026, 1, 20), D(2026, 1, 10)), 0.0),
    ],
)
def test_prorate(periods, presence, expected):
    assert periods.prorate(100.0, *JAN, *presence) == expected


def test_prorate_rounding_and_errors(periods):
    assert periods.prorate(1000, *JAN, D(2026, 1, 17)) == 483.87
    assert periods.prorate(0.125, D(2026, 1, 1), D(2026, 1, 1)) == 0.13
    assert periods.prorate(-100, *JAN, D(2026, 1, 17)) == -48.39
    with pytest.raises(periods.PeriodError):
        periods.prorate(100, D(2026, 1, 31), D(2026, 1, 1))
    with pytest.raises(periods.PeriodError):
        periods.prorate(float("inf"), *JAN)


@pytest.mark.parametrize(
    ("b_start", "b_end", "expected"),
    [
        (D(2026, 1, 31), D(2026, 2, 5), True),
        (D(2025, 12, 1), D(2026, 1, 1), True),
        (D(2026, 1, 10), D(2026, 1, 12), True),
        (D(2025, 1, 1), D(2027, 1, 1), True),
        (D(2026, 2, 1), D(2026, 2, 5), False),
        (D(2025, 12, 1), D(2025, 12, 31), False),
    ],
)
def test_overlaps(periods, b_start, b_end, expected):
    assert periods.overlaps(*JAN, b_start, b_end) is expected
    assert periods.overlaps(b_start, b_end, *JAN) is expected


@given(
    st.integers(1, 9998),
    st.sampled_from(["month", "quarter", "half", "year"]),
    st.integers(1, 12),
)
def test_fiscal_year_periods_tile_the_year(
    periods, fiscal_year, period_type, start_month
):
    result = periods.fiscal_year_periods(fiscal_year, period_type, start_month)
    assert len(result) == 12 // periods.PERIOD_MONTHS[period_type]
    assert result[0][0] == D(fiscal_year, start_month, 1)
    assert result[-1][1] == D(fiscal_year + 1, start_month, 1) - timedelta(days=1)
    for (_start, end), (next_start, _end) in pairwise(result):
        assert next_start == end + timedelta(days=1)
    for index, (start, end) in enumerate(result):
        assert start <= end
        assert periods.period_bounds(period_type, end, start_month) == (start, end)
        if index:
            assert periods.previous_period(start, end) == result[index - 1]


cents = st.integers(0, 10**12).map(lambda units: units / 100)
days = st.dates(D(2000, 1, 1), D(2100, 12, 31))
presence_bound = st.none() | days


@given(cents, days, st.integers(0, 400), presence_bound, presence_bound)
def test_prorate_never_exceeds_value(
    periods, value, start, length, present_start, present_end
):
    end = start + timedelta(days=length)
    result = periods.prorate(value, start, end, present_start, present_end)
    assert 0.0 <= result <= value


@given(st.floats(0, 1e300), days, st.integers(0, 400), presence_bound)
def test_prorate_never_exceeds_the_whole_period(
    periods, value, start, length, present_start
):
    end = start + timedelta(days=length)
    whole = periods.prorate(value, start, end)
    assert 0.0 <= periods.prorate(value, start, end, present_start) <= whole
    assert abs(whole - value) <= 0.005 + 1e-15 * value


# -- timezone bounds


def test_utc_bounds_shanghai(periods):
    start, stop = periods.utc_bounds(D(2025, 1, 1), D(2025, 1, 31), "Asia/Shanghai")
    assert start == datetime(2024, 12, 31, 16, 0)
    assert stop == datetime(2025, 1, 31, 16, 0)


def test_utc_bounds_utc_is_plain_midnight(periods):
    start, stop = periods.utc_bounds(D(2025, 1, 1), D(2025, 3, 31), "UTC")
    assert (start, stop) == (datetime(2025, 1, 1), datetime(2025, 4, 1))


def test_utc_bounds_across_daylight_saving(periods):
    # Brussels: UTC+1 in winter, UTC+2 from 30 March 2025
    start, stop = periods.utc_bounds(D(2025, 3, 1), D(2025, 3, 31), "Europe/Brussels")
    assert start == datetime(2025, 2, 28, 23, 0)
    assert stop == datetime(2025, 3, 31, 22, 0)


def test_utc_bounds_refuses_unknown_timezone(periods):
    with pytest.raises(periods.PeriodError, match="Mars/Olympus"):
        periods.utc_bounds(D(2025, 1, 1), D(2025, 1, 31), "Mars/Olympus")


def test_local_date_of_early_order_in_shanghai(periods):
    # 01:00 on 1 January in Shanghai is 17:00 on 31 December in UTC
    assert periods.local_date(datetime(2024, 12, 31, 17, 0), "Asia/Shanghai") == D(2025, 1, 1)
    assert periods.local_date(datetime(2024, 12, 31, 17, 0), "UTC") == D(2024, 12, 31)


@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)),
    st.integers(min_value=0, max_value=400),
    st.sampled_from(["UTC", "Asia/Shanghai", "Europe/Brussels", "America/New_York",
                     "Pacific/Kiritimati", "Pacific/Pago_Pago"]),
)
def test_utc_bounds_contain_exactly_the_local_days(periods, day, length, tz_name):
    end = day + timedelta(days=length)
    start, stop = periods.utc_bounds(day, end, tz_name)
    assert periods.local_date(start, tz_name) == day
    assert periods.local_date(stop - timedelta(microseconds=1), tz_name) == end
    assert periods.local_date(stop, tz_name) == end + timedelta(days=1)


@pytest.mark.parametrize("text, expected", [
    ("2026-03", True), ("2026-Q1", True), ("FY2026-H2", True), ("2026", True),
    ("2026-01-05 → 2026-02-10", True), ("Spring push", False), ("", False),
    ("2026-Q5", False), ("2026-13x", False),
])
def test_is_period_label(periods, text, expected):
    assert periods.is_period_label(text) is expected


@given(st.sampled_from(["month", "quarter", "half", "year"]),
       st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 1)),
       st.integers(min_value=1, max_value=12))
def test_every_label_is_a_period_label(periods, period_type, day, start_month):
    start, end = periods.period_bounds(period_type, day, start_month)
    assert periods.is_period_label(periods.period_label(period_type, start, end, start_month))
