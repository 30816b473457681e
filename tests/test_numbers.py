"""Tests of sales_assessment/tools/numbers.py: typed numbers are finite and
at most 1e12 in size."""

import math
from decimal import Decimal

import pytest
from conftest import load_tool
from hypothesis import given
from hypothesis import strategies as st

LIMIT = 1e12


@pytest.fixture(scope="module")
def numbers():
    """The typed numbers module."""
    return load_tool("numbers")


@pytest.mark.parametrize("value", [None, False, 0, 0.0, -0.0, 1, 12.5, -3, LIMIT, -LIMIT,
                                   10**12, Decimal("99.95")])
def test_ordinary_values_pass(numbers, value):
    assert numbers.number_problem(value) is None


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, float("-nan")])
def test_nan_and_infinity_are_not_numbers(numbers, value):
    assert numbers.number_problem(value) == "not_a_number"


@pytest.mark.parametrize("value", [1e13, -1e13, 1e308, -1e308, 10**13, 10**400, -(10**400),
                                   math.nextafter(LIMIT, math.inf)])
def test_beyond_the_limit_is_too_large(numbers, value):
    assert numbers.number_problem(value) == "too_large"


@pytest.mark.parametrize(
    ("value", "problem"),
    [("nan", "not_a_number"), ("NaN", "not_a_number"), ("inf", "not_a_number"),
     ("-inf", "not_a_number"), ("Infinity", "not_a_number"), ("1e400", "not_a_number"),
     ("1e308", "too_large"), ("-1e13", "too_large"), ("abc", "not_a_number"),
     ("", "not_a_number"), ([1], "not_a_number"), ({}, "not_a_number")],
)
def test_strings_and_other_types(numbers, value, problem):
    assert numbers.number_problem(value) == problem


def test_numeric_strings_within_the_limit_pass(numbers):
    assert numbers.number_problem("1500") is None
    assert numbers.number_problem(" -12.5 ") is None


@given(st.floats(min_value=-LIMIT, max_value=LIMIT))
def test_every_finite_float_within_the_limit_passes(numbers, value):
    assert numbers.number_problem(value) is None


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_every_integer_within_the_limit_passes(numbers, value):
    assert numbers.number_problem(value) is None


@given(st.floats(min_value=LIMIT, exclude_min=True), st.sampled_from([1, -1]))
def test_every_float_beyond_the_limit_is_refused(numbers, size, sign):
    assert numbers.number_problem(sign * size) in ("too_large", "not_a_number")
    if math.isfinite(size):
        assert numbers.number_problem(sign * size) == "too_large"


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_float_passes_exactly_when_finite_and_within_the_limit(numbers, value):
    accepted = math.isfinite(value) and abs(value) <= LIMIT
    assert (numbers.number_problem(value) is None) == accepted


@given(st.floats(allow_nan=True, allow_infinity=True).map(repr))
def test_a_float_typed_as_text_is_judged_as_the_float(numbers, text):
    value = float(text)
    accepted = math.isfinite(value) and abs(value) <= LIMIT
    assert (numbers.number_problem(text) is None) == accepted


@given(st.text())
def test_any_text_passes_only_as_a_finite_number_within_the_limit(numbers, text):
    try:
        value = float(text)
    except ValueError:
        accepted = False
    else:
        accepted = math.isfinite(value) and abs(value) <= LIMIT
    assert (numbers.number_problem(text) is None) == accepted
