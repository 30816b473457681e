"""Tests of sales_assessment/tools/payplans.py: tiered commission and pay curves."""

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

TIERS = [(0, 3), (100, 5), (120, 8)]
CURVE = [(50, 0), (100, 100), (150, 200)]


def test_design_example_marginal(payplans):
    assert payplans.tiered_amount(150_000, 100_000, TIERS) == 6_400.0


def test_design_example_whole(payplans):
    assert payplans.tiered_amount(150_000, 100_000, TIERS, "whole") == 12_000.0


@pytest.mark.parametrize(("actual", "marginal", "whole"), [
    (0, 0.0, 0.0), (50_000, 1_500.0, 1_500.0), (100_000, 3_000.0, 5_000.0),
    (110_000, 3_500.0, 5_500.0), (120_000, 4_000.0, 9_600.0), (-5_000, 0.0, 0.0),
])
def test_tiers_at_the_thresholds(payplans, actual, marginal, whole):
    assert payplans.tiered_amount(actual, 100_000, TIERS) == marginal
    assert payplans.tiered_amount(actual, 100_000, TIERS, "whole") == whole


def test_nothing_below_the_first_tier(payplans):
    tiers = [(80, 2), (100, 4)]
    assert payplans.tiered_amount(70_000, 100_000, tiers) == 0.0
    assert payplans.tiered_amount(90_000, 100_000, tiers) == 200.0  # 10,000 × 2 %
    assert payplans.tiered_amount(90_000, 100_000, tiers, "whole") == 1_800.0


def test_tiers_are_sorted_by_start(payplans):
    assert payplans.tiered_amount(150_000, 100_000, list(reversed(TIERS))) == 6_400.0


@pytest.mark.parametrize(("achievement", "amount"), [
    (0, 0.0), (49.99, 0.0), (50, 0.0), (75, 5_000.0), (100, 10_000.0), (125, 15_000.0),
    (150, 20_000.0), (400, 20_000.0),
])
def test_design_example_curve(payplans, achievement, amount):
    assert payplans.curve_amount(10_000, achievement, CURVE) == amount


def test_cap(payplans):
    assert payplans.cap(6_400.0, 5_000) == 5_000.0
    assert payplans.cap(6_400.0, 0) == 6_400.0
    assert payplans.cap(6_400.0, None) == 6_400.0


@pytest.mark.parametrize(("tiers", "code"), [
    ([], "empty"),
    ([(0, -1)], "negative"),
    ([(-10, 1)], "negative"),
    ([(0, 3), (0, 5)], "duplicate_start"),
    ([(0, 5), (100, 3)], "decreasing"),
    ([(0, float("nan"))], "not_finite"),
    ([(float("inf"), 3)], "not_finite"),
])
def test_bad_tiers_refused(payplans, tiers, code):
    with pytest.raises(payplans.PayPlanError) as caught:
        payplans.tiered_amount(100, 100, tiers)
    assert caught.value.code == code


def test_bad_mode_and_numbers_refused(payplans):
    for call in (lambda: payplans.tiered_amount(1, 1, TIERS, "flat"),
                 lambda: payplans.tiered_amount(float("nan"), 1, TIERS),
                 lambda: payplans.tiered_amount(1, -1, TIERS),
                 lambda: payplans.curve_amount(-1, 100, CURVE)):
        with pytest.raises(payplans.PayPlanError):
            call()


_money = st.floats(min_value=0, max_value=1e9, allow_nan=False)
_tiers = st.lists(
    st.tuples(st.integers(0, 300), st.floats(min_value=0, max_value=50, allow_nan=False)),
    min_size=1, max_size=6, unique_by=lambda tier: tier[0],
).map(lambda tiers: [(start, rate) for (start, _r), rate in
                     zip(sorted(tiers), sorted(rate for _s, rate in tiers))])


@given(_tiers, _money, _money, st.floats(min_value=1, max_value=1e9, allow_nan=False))
def test_marginal_is_monotonic_in_the_actual(payplans, tiers, low, high, target):
    low, high = sorted((low, high))
    assert (payplans.tiered_amount(low, target, tiers)
            <= payplans.tiered_amount(high, target, tiers))


@given(_tiers, _money, st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_marginal_never_above_whole(payplans, tiers, actual, target):
    assert (payplans.tiered_amount(actual, target, tiers)
            <= payplans.tiered_amount(actual, target, tiers, "whole") + 0.01)


@given(_tiers, st.floats(min_value=0, max_value=500, allow_nan=False),
       st.floats(min_value=0, max_value=500, allow_nan=False))
def test_curve_is_monotonic_and_flat_after_last_point(payplans, points, low, high):
    low, high = sorted((low, high))
    assume(high - low > 1e-9)
    assert payplans.curve_amount(1000, low, points) <= payplans.curve_amount(1000, high, points)
    last = max(start for start, _rate in points)
    assert (payplans.curve_amount(1000, last + 1, points)
            == payplans.curve_amount(1000, last + 100, points))
