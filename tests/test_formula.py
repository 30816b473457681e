"""Tests of sales_assessment/tools/formula.py: the safe KPI formula evaluator."""

import math
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

VALUES = {"a": 2.0, "b": 3.0, "c": 4.0, "won": 3.0, "lost": 1.0}


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("won / (won + lost) * 100", 75.0),
        ("a + b * c", 14.0),
        ("(a + b) * c", 20.0),
        ("a - b - c", -5.0),
        ("c / a / a", 1.0),
        ("-a + +b", 1.0),
        ("--a", 2.0),
        ("2.5 * 4", 10.0),
        ("a / 0", 0.0),
        ("a / (b - b) + 1", 1.0),
        ("min(a, b, c) + max(a, b)", 5.0),
        ("abs(a - c)", 2.0),
        ("round(b / c)", 1.0),
        ("round(2.5) + round(-2.5)", 0.0),
        ("round(2.675, 2)", 2.68),
        ("round(1234, -2)", 1200.0),
        ("a +\n\tb", 5.0),
        ("  a  ", 2.0),
    ],
)
def test_evaluate(formula, expr, expected):
    result = formula.evaluate(expr, VALUES)
    assert type(result) is float
    assert result == expected


def test_win_rate_without_closed_opportunities_is_zero(formula):
    assert formula.evaluate("won / (won + lost) * 100", {"won": 0, "lost": 0}) == 0.0


def test_evaluate_accepts_ints(formula):
    assert formula.evaluate("a * 3", {"a": 7}) == 21.0


@pytest.mark.parametrize(
    ("expr", "token"),
    [
        ("__import__('os')", "__import__"),
        ("__import__('os').getcwd()", "__import__('os').getcwd"),
        ("open(a)", "open"),
        ("a.b", "a.b"),
        ("a.__class__", "a.__class__"),
        ("a**2", "**"),
        ("a // b", "//"),
        ("a % b", "%"),
        ("a @ b", "@"),
        ("a ^ b", "^"),
        ("~a", "~"),
        ("not a", "not"),
        ("a < b", "<"),
        ("a == b", "=="),
        ("a and b", "and"),
        ('"x"', '"x"'),
        ("a + 'x'", "'x'"),
        ("b'x'", "b'x'"),
        ("a[0]", "a[0]"),
        ("[a, b]", "[a, b]"),
        ("(a, b)", "(a, b)"),
        ("{a: b}", "{a: b}"),
        ("lambda: 1", "lambda: 1"),
        ("a if b else c", "a if b else c"),
        ("(x := 1)", "x := 1"),
        ("round(a, ndigits=2)", "ndigits=2"),
        ("max(*a)", "*a"),
        ("True", "True"),
        ("None", "None"),
        ("1j", "1j"),
        ("...", "..."),
        ("min + 1", "min"),
        ("round", "round"),
        ("won # + lost", "#"),
    ],
)
def test_unsupported_elements(formula, expr, token):
    with pytest.raises(formula.FormulaError) as info:
        formula.formula_codes(expr)
    assert info.value.token == token
    assert f'"{token}"' in str(info.value)


def test_unsupported_element_message(formula):
    with pytest.raises(
        formula.FormulaError, match=r'^Unsupported element "\*\*" in formula$'
    ):
        formula.check_formula("a**2")
    with pytest.raises(
        formula.FormulaError, match=r'^Unsupported function "__import__"'
    ):
        formula.evaluate("__import__('os')", {})


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("abs(a, b)", 'Function "abs" takes 1 argument'),
        ("round(a, 1, 2)", 'Function "round" takes 1 or 2 arguments'),
        ("min(a)", 'Function "min" takes at least 2 arguments'),
        ("max()", 'Function "max" takes at least 2 arguments'),
    ],
)
def test_function_arity(formula, expr, message):
    with pytest.raises(formula.FormulaError, match=message):
        formula.formula_codes(expr)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("a +", "^Formula does not parse: "),
        ("(a", "^Formula does not parse: "),
        ("a b", "^Formula does not parse: "),
        ("\x00", "^Formula does not parse: "),
        ("(" * 300 + "a" + ")" * 300, "^Formula does not parse: "),
        ("", "empty"),
        (" \n ", "empty"),
        (None, "empty"),
        (False, "empty"),
        ("a + " * 300 + "a", "too long"),
        ("-" * 900 + "a", "too complex"),
        ("+".join(["a"] * 250), "too complex"),
    ],
)
def test_formula_does_not_parse(formula, expr, message):
    with pytest.raises(formula.FormulaError, match=message):
        formula.evaluate(expr, VALUES)


def test_parser_warnings_as_errors_stay_formula_errors(formula):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(formula.FormulaError, match="does not parse"):
            formula.formula_codes("'\\d'")
        with pytest.raises(formula.FormulaError, match="does not parse"):
            formula.formula_codes("1if a else 2")


def test_formula_codes(formula):
    assert formula.formula_codes("won / (won + lost) * 100") == {"won", "lost"}
    assert formula.formula_codes("round(max(a, 1), 2) + abs(b)") == {"a", "b"}
    assert formula.formula_codes("42") == set()


def test_check_formula(formula):
    assert formula.check_formula("won / (won + lost)") == {"won", "lost"}
    assert formula.check_formula("won + lost", ["won", "lost", "other"]) == {
        "won",
        "lost",
    }
    with pytest.raises(
        formula.FormulaError, match=r'^Unknown KPI code "foo" in formula$'
    ) as info:
        formula.check_formula("won + foo + bar", {"won"})
    assert info.value.token == "foo"
    with pytest.raises(formula.FormulaError, match="bar"):
        formula.check_formula("bar", [])


def test_missing_or_invalid_value(formula):
    with pytest.raises(formula.FormulaError, match='"lost"') as info:
        formula.evaluate("won / lost", {"won": 1.0})
    assert info.value.token == "lost"
    with pytest.raises(formula.FormulaError, match="not a number"):
        formula.evaluate("a + 1", {"a": "many"})
    with pytest.raises(formula.FormulaError, match="not a finite number"):
        formula.evaluate("a + 1", {"a": math.inf})


@pytest.mark.parametrize(
    "expr",
    [
        "1e308 * 10",
        "a / 1e-308 * 1e300",
        "1e999",
        "9" * 400,
        "round(a, 0.5)",
        "round(a, 16)",
    ],
)
def test_out_of_range(formula, expr):
    with pytest.raises(formula.FormulaError):
        formula.evaluate(expr, VALUES)


def test_find_cycle(formula):
    assert formula.find_cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert formula.find_cycle({"a": {"a"}}) == ["a", "a"]
    assert formula.find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [
        "a",
        "b",
        "c",
        "a",
    ]
    assert formula.find_cycle({"x": {"y"}, "y": {"z"}, "z": {"y"}}) == ["y", "z", "y"]
    assert formula.find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    assert formula.find_cycle({"a": {"won"}, "b": {"a", "won"}}) is None
    assert formula.find_cycle({}) is None


def test_evaluation_order(formula):
    graph = {"a": {"b", "c"}, "b": {"c", "won"}, "d": set()}
    assert formula.evaluation_order(graph) == ["c", "won", "b", "a", "d"]
    assert formula.evaluation_order({}) == []


def test_evaluation_order_cycle(formula):
    with pytest.raises(formula.FormulaError, match="a → b → a") as info:
        formula.evaluation_order({"a": {"b"}, "b": {"a"}, "c": {"a"}})
    assert info.value.token == "a → b → a"


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_formula_error(formula, text):
    try:
        codes = formula.formula_codes(text)
    except formula.FormulaError:
        codes = None
    try:
        result = formula.evaluate(text, dict.fromkeys(codes or (), 1.5))
    except formula.FormulaError:
        return
    assert codes is not None
    assert math.isfinite(result)


formula_like = st.text(alphabet="ab01.e+-*/() ,minaxroundbs_", max_size=40)


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
@given(formula_like, st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_formula_like_text_evaluates_or_refuses(formula, text, a, b):
    try:
        result = formula.evaluate(text, {"a": a, "b": b, "ab": a * b})
    except formula.FormulaError:
        return
    assert formula.formula_codes(text) <= {"a", "b", "ab"}
    assert math.isfinite(result)


@given(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_division(formula, a, b):
    expected = a / b if b else 0.0
    if math.isfinite(expected):
        assert formula.evaluate("a / b", {"a": a, "b": b}) == expected
    else:
        with pytest.raises(formula.FormulaError, match="out of range"):
            formula.evaluate("a / b", {"a": a, "b": b})


@given(
    st.dictionaries(
        st.integers(0, 15), st.frozensets(st.integers(0, 15), max_size=3), max_size=12
    )
)
def test_evaluation_order_property(formula, edges):
    graph = {
        f"k{node}": {f"k{dep}" for dep in deps if dep < node}
        for node, deps in edges.items()
    }
    order = formula.evaluation_order(graph)
    position = {code: index for index, code in enumerate(order)}
    assert len(order) == len(position)
    for code, deps in graph.items():
        assert all(position[dep] < position[code] for dep in deps)
    assert formula.find_cycle(graph) is None


@pytest.mark.parametrize(
    ("expr", "values", "code", "params", "token"),
    [
        ("", None, "empty", {}, None),
        ("a + " * 300 + "a", None, "too_long", {"max_length": 1000}, None),
        ("won / (won + ", None, "syntax", {"column": 7}, None),
        ("\x00", None, "syntax", {"column": None}, None),
        ("+".join(["a"] * 250), None, "too_complex", {"max_nodes": 400}, None),
        ("a**2", None, "unsupported", {}, "**"),
        ("won # + lost", None, "unsupported", {}, "#"),
        ("a.b", None, "unsupported", {}, "a.b"),
        ("open(a)", None, "unsupported_function", {"function": "open"}, "open"),
        ("min + 1", None, "function_not_called", {"function": "min"}, "min"),
        ("abs(a, b)", None, "arity", {"function": "abs", "min": 1, "max": 1}, "abs"),
        ("round()", None, "arity", {"function": "round", "min": 1, "max": 2}, "round"),
        ("max(a)", None, "arity", {"function": "max", "min": 2, "max": None}, "max"),
        ("1e999", None, "number_out_of_range", {}, "1e999"),
        ("round(a, 16)", VALUES, "round_digits", {"max": 15}, "round"),
        ("won + nosuch", "known", "unknown_code", {"kpi_code": "nosuch"}, "nosuch"),
        ("won / lost", {"won": 1.0}, "missing_value", {"kpi_code": "lost"}, "lost"),
        ("a + 1", {"a": "many"}, "value_not_number", {"kpi_code": "a"}, "a"),
        ("a + 1", {"a": math.nan}, "value_not_finite", {"kpi_code": "a"}, "a"),
        ("1e308 * 10", VALUES, "out_of_range", {}, None),
    ],
)
def test_error_codes(formula, expr, values, code, params, token):
    """Each failure says what failed in ``code`` and ``params``, for a caller
    that words the error itself (the ORM layer translates them)."""
    with pytest.raises(formula.FormulaError) as info:
        if values == "known":
            formula.check_formula(expr, {"won"})
        elif values is None:
            formula.formula_codes(expr)
        else:
            formula.evaluate(expr, values)
    assert info.value.code == code
    assert info.value.params == params
    assert info.value.token == token


def test_error_code_of_a_formula_too_deep_to_parse(formula, monkeypatch):
    def parse(*args, **kwargs):
        raise RecursionError

    monkeypatch.setattr(formula.ast, "parse", parse)
    with pytest.raises(formula.FormulaError, match="too deeply nested") as info:
        formula.formula_codes("a + b + c + d + e + f")
    assert info.value.code == "too_nested"
    assert info.value.params == {}


def test_error_code_of_a_loop(formula):
    with pytest.raises(formula.FormulaError) as info:
        formula.evaluation_order({"a": {"b"}, "b": {"a"}})
    assert info.value.code == "loop"
    assert info.value.params == {"loop": "a → b → a"}


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
@given(st.text(max_size=200))
def test_every_error_has_a_known_code(formula, text):
    known = {
        "empty", "too_long", "syntax", "too_nested", "too_complex", "unsupported",
        "unsupported_function", "function_not_called", "arity",
        "number_out_of_range", "round_digits", "unknown_code", "missing_value",
        "value_not_number", "value_not_finite", "out_of_range", "loop",
    }
    try:
        formula.evaluate(text, {})
    except formula.FormulaError as error:
        assert error.code in known
        assert isinstance(error.params, dict)
