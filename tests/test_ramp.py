"""Tests of the ramp helpers of sales_assessment/tools/periods.py: months of
tenure and the ramp percent a new salesperson carries."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

RAMP = [(1, 30.0), (2, 60.0), (3, 80.0)]

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
RAMPS = st.dictionaries(
    st.integers(min_value=1, max_value=36),
    st.floats(min_value=0, max_value=100, allow_nan=False),
    max_size=8,
).map(lambda lines: list(lines.items()))


@pytest.mark.parametrize(("start", "day", "month"), [
    (date(2025, 1, 1), date(2025, 1, 1), 1),
    (date(2025, 1, 31), date(2025, 1, 1), 1),   # same month, later day
    (date(2025, 1, 31), date(2025, 2, 1), 2),
    (date(2024, 11, 15), date(2025, 1, 1), 3),  # two months before
    (date(2024, 1, 1), date(2025, 1, 1), 13),
    (date(2025, 3, 1), date(2025, 1, 1), 1),    # starts after the cycle
])
def test_tenure_month_counts_calendar_months(periods, start, day, month):
    assert periods.tenure_month(start, day) == month


@pytest.mark.parametrize("start", [None, False])
def test_no_start_date_has_no_tenure(periods, start):
    assert periods.tenure_month(start, date(2025, 1, 1)) is None


@pytest.mark.parametrize(("month", "percent"), [
    (1, 30.0), (2, 60.0), (3, 80.0), (4, 100.0), (40, 100.0), (None, 100.0),
])
def test_ramp_percent_of_each_month(periods, month, percent):
    assert periods.ramp_percent(RAMP, month) == percent


def test_ramp_with_gaps_keeps_the_last_line_reached(periods):
    ramp = [(3, 80.0), (1, 50.0)]
    assert [periods.ramp_percent(ramp, m) for m in (1, 2, 3, 4)] == [50.0, 50.0, 80.0, 100.0]


def test_months_before_the_first_line_take_the_first_line(periods):
    assert periods.ramp_percent([(2, 40.0)], 1) == 40.0


def test_no_ramp_is_full_target(periods):
    assert periods.ramp_percent([], 1) == 100.0


@given(DAYS, DAYS)
def test_tenure_month_is_at_least_one_and_grows_a_month_a_month(periods, start, day):
    month = periods.tenure_month(start, day)
    assert month >= 1
    a_year_later = day.replace(year=day.year + 1, day=1)
    if start <= day:
        assert periods.tenure_month(start, a_year_later) == month + 12
    else:
        assert periods.tenure_month(start, a_year_later) >= month


@given(RAMPS, st.integers(min_value=1, max_value=60))
def test_ramp_percent_is_a_line_or_full(periods, ramp, month):
    percent = periods.ramp_percent(ramp, month)
    assert 0 <= percent <= 100
    assert percent == 100.0 or percent in [p for _m, p in ramp]
    assert percent == periods.ramp_percent(list(reversed(ramp)), month)
    if not ramp or month > max(m for m, _p in ramp):
        assert percent == 100.0


@given(RAMPS, st.integers(min_value=1, max_value=60))
def test_ramp_percent_of_a_listed_month_is_its_line(periods, ramp, month):
    lines = dict(ramp)
    if month in lines:
        assert periods.ramp_percent(ramp, month) == lines[month]
