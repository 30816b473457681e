"""Tests of sales_assessment/tools/scoring.py: achievement, score, total, rank."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

BANDS = [(80.0, 80.0), (50.0, 40.0), (100.0, 100.0)]
GRADES = [("b", 75.0), ("a", 90.0), ("c", 0.0)]


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [(80, 100, 80.0), (150, 100, 150.0), (1, 3, 33.3333), (2, 3, 66.6667)],
)
def test_achievement_higher_is_ratio(scoring, actual, target, expected):
    assert scoring.achievement(actual, target) == expected


def test_achievement_is_not_capped_outside_special_cases(scoring):
    assert scoring.achievement(300, 100, cap=120) == 300.0
    assert scoring.achievement(5, 20, "lower", cap=150) == 400.0


def test_achievement_negative_actual_higher(scoring):
    assert scoring.achievement(-20, 100) == -20.0


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [(10, 20, 200.0), (20, 10, 50.0), (30, 10, 33.3333)],
)
def test_achievement_lower_is_better(scoring, actual, target, expected):
    assert scoring.achievement(actual, target, "lower") == expected


@pytest.mark.parametrize("direction", ["higher", "lower"])
def test_achievement_target_zero_actual_zero(scoring, direction):
    assert scoring.achievement(0, 0, direction, cap=120) == 100.0


def test_achievement_target_zero_higher_gives_cap(scoring):
    assert scoring.achievement(5, 0, cap=120) == 120.0
    assert scoring.achievement(5, 0) == 100.0
    assert scoring.achievement(5, 0, cap=0) == 100.0


def test_achievement_target_zero_lower_gives_zero(scoring):
    assert scoring.achievement(5, 0, "lower", cap=150) == 0.0
    assert scoring.achievement(5, 0, "lower") == 0.0


@pytest.mark.parametrize(
    ("actual", "cap", "expected"), [(0, 150, 150.0), (-3, 150, 150.0), (0, None, 100.0)]
)
def test_achievement_lower_actual_zero_gives_cap(scoring, actual, cap, expected):
    assert scoring.achievement(actual, 10, "lower", cap=cap) == expected


def test_achievement_negative_target(scoring):
    with pytest.raises(
        scoring.ScoringError, match=r"Target must not be negative \(got -5.0\)"
    ):
        scoring.achievement(10, -5)


@pytest.mark.parametrize(
    "bad", [{"direction": "sideways"}, {"actual": float("nan")}, {"actual": None}]
)
def test_achievement_invalid_input(scoring, bad):
    kwargs = {"actual": 1, "target": 2, **bad}
    with pytest.raises(scoring.ScoringError):
        scoring.achievement(**kwargs)


@pytest.mark.parametrize(
    ("achievement", "cap", "expected"),
    [
        (150, 120, 120.0),
        (80, 120, 80.0),
        (150, None, 150.0),
        (150, 0, 150.0),
        (-10, 120, 0.0),
    ],
)
def test_score_linear(scoring, achievement, cap, expected):
    assert scoring.score(achievement, "linear", cap=cap) == expected


def test_score_linear_rounds_to_4_decimals(scoring):
    assert scoring.score(33.333349) == 33.3333
    assert scoring.score(33.33335) == 33.3334


def test_score_negative_cap(scoring):
    with pytest.raises(scoring.ScoringError, match="Cap must not be negative"):
        scoring.score(50, cap=-1)


@pytest.mark.parametrize(
    ("achievement", "gate", "expected"),
    [
        (59.99, 60, 0.0),
        (60, 60, 60.0),
        (75, 60, 75.0),
        (130, 60, 120.0),
        (10, None, 10.0),
        (10, 0, 10.0),
    ],
)
def test_score_gate(scoring, achievement, gate, expected):
    assert scoring.score(achievement, "gate", cap=120, gate=gate) == expected


@pytest.mark.parametrize(
    ("achievement", "expected"),
    [
        (49.99, 0.0),
        (-5, 0.0),
        (50, 40.0),
        (79.99, 40.0),
        (80, 80.0),
        (99.9, 80.0),
        (100, 100.0),
        (250, 100.0),
    ],
)
def test_score_bands(scoring, achievement, expected):
    assert scoring.score(achievement, "bands", bands=BANDS) == expected


def test_score_bands_ignore_cap_and_need_bands(scoring):
    assert scoring.score(90, "bands", cap=50, bands=[(0, 70)]) == 70.0
    assert scoring.score(90, "bands") == 0.0
    assert scoring.score(90, "bands", bands=[]) == 0.0


def test_score_unknown_method(scoring):
    with pytest.raises(scoring.ScoringError, match='Unknown scoring method "curve"'):
        scoring.score(50, "curve")


@pytest.mark.parametrize(
    ("score", "weight", "expected"),
    [
        (95, 70, 66.5),
        (33.3333, 30, 10.0),
        (120, 25, 30.0),
        (80, 0, 0.0),
        (0.00125, 10, 0.0001),
    ],
)
def test_weighted(scoring, score, weight, expected):
    assert scoring.weighted(score, weight) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([66.5, 10.0], 76.5),
        ([0.1, 0.2], 0.3),
        ([0.125], 0.13),
        ([1.005], 1.01),
        ([2.675], 2.68),
        ([0.1, 0.025], 0.13),
        ([-0.125], -0.13),
        ([33.3333, 33.3333, 33.3333], 100.0),
        ([], 0.0),
    ],
)
def test_total_rounds_half_up_on_decimal_values(scoring, values, expected):
    assert scoring.total(values) == expected


def test_score_line(scoring):
    result = scoring.score_line(95, 100, weight=70, cap=120)
    assert result == {"achievement": 95.0, "score": 95.0, "weighted_score": 66.5}


def test_score_line_lower_is_better(scoring):
    result = scoring.score_line(10, 20, direction="lower", weight=100, cap=150)
    assert result == {"achievement": 200.0, "score": 150.0, "weighted_score": 150.0}
    result = scoring.score_line(0, 10, direction="lower", weight=50, cap=150)
    assert result == {"achievement": 150.0, "score": 150.0, "weighted_score": 75.0}


def test_score_line_gate_and_bands(scoring):
    gated = scoring.score_line(50, 100, method="gate", gate=60, weight=40, cap=120)
    assert gated == {"achievement": 50.0, "score": 0.0, "weighted_score": 0.0}
    banded = scoring.score_line(85, 100, method="bands", bands=BANDS, weight=50)
    assert banded == {"achievement": 85.0, "score": 80.0, "weighted_score": 40.0}


@pytest.mark.parametrize(
    ("total_score", "expected"),
    [
        (100, "a"),
        (90, "a"),
        (89.99, "b"),
        (75, "b"),
        (74.99, "c"),
        (0, "c"),
        (-1, None),
    ],
)
def test_grade_boundaries(scoring, total_score, expected):
    assert scoring.grade(total_score, GRADES) == expected


def test_grade_without_grades(scoring):
    assert scoring.grade(50, []) is None


def test_rank_ties_share_and_skip(scoring):
    ranks = scoring.rank({"w": 80, "x": 90, "y": 70, "z": 80})
    assert ranks == {"x": 1, "w": 2, "z": 2, "y": 4}


def test_rank_edge_cases(scoring):
    assert scoring.rank({}) == {}
    assert scoring.rank({"solo": 12.5}) == {"solo": 1}
    assert scoring.rank({1: 50, 2: 50, 3: 50}) == {1: 1, 2: 1, 3: 1}
    assert scoring.rank({1: 10, 2: 20, 3: 30, 4: 20, 5: 30}) == {
        1: 5,
        2: 3,
        3: 1,
        4: 3,
        5: 1,
    }


@pytest.mark.parametrize(
    ("weights", "kwargs", "expected"),
    [
        ([60, 40], {}, True),
        ([60, 40.01], {}, True),
        ([60, 39.99], {}, True),
        ([60, 40.02], {}, False),
        ([60, 30], {}, False),
        ([], {}, False),
        ([0.5, 0.5], {"total": 1.0}, True),
        ([60, 41], {"tolerance": 1}, True),
    ],
)
def test_check_weights(scoring, weights, kwargs, expected):
    assert scoring.check_weights(weights, **kwargs) is expected


score_values = st.sampled_from([0.0, 12.5, 50.0, 70.0, 80.0, 90.0, 100.0]) | st.floats(
    -1000, 1000, allow_nan=False
)
scores_and_order = st.lists(score_values, max_size=12).flatmap(
    lambda values: st.tuples(st.just(values), st.permutations(range(len(values))))
)


@given(scores_and_order)
def test_rank_property(scoring, scores_and_order):
    values, order = scores_and_order
    scores = dict(enumerate(values))
    ranks = scoring.rank(scores)
    assert scoring.rank({key: scores[key] for key in order}) == ranks
    assert set(ranks) == set(scores)
    for key, value in scores.items():
        assert 1 <= ranks[key] <= len(scores)
        assert ranks[key] == 1 + sum(other > value for other in scores.values())
    if scores:
        top = max(scores.values())
        assert all(ranks[key] == 1 for key, value in scores.items() if value == top)


@given(
    st.floats(-1e12, 1e12, allow_nan=False),
    st.integers(1, 10**8).map(lambda units: units / 10**4),
    st.sampled_from(["linear", "gate"]),
)
def test_capped_score_property(scoring, achievement, cap, method):
    result = scoring.score(achievement, method, cap=cap, gate=None)
    assert 0.0 <= result <= cap
    if 0 <= achievement <= cap:
        assert abs(result - achievement) <= 0.00005 + 1e-9 * achievement


def test_gate_compares_the_unrounded_achievement(scoring):
    line = scoring.score_line(79999.99, 100000, method="gate", weight=100, gate=80)
    assert line["achievement"] == 80.0
    assert line["score"] == 0.0
    bands = [(80, 100)]
    assert scoring.score_line(79999.99, 100000, method="bands", bands=bands)["score"] == 0.0


# --- scorecards with lines without target ------------------------------------


def test_scorecard_without_target_rescales_weights(scoring):
    # 40 / 60 / 0-without-target: the two lines with a target weigh 40 and 60
    lines, total = scoring.scorecard([(80.0, 40.0), (None, 30.0), (100.0, 30.0)])
    assert lines == [(57.1429, 45.7143), (None, None), (42.8571, 42.8571)]
    assert total == 88.57


def test_scorecard_all_with_target_is_weighted_and_total(scoring):
    lines, total = scoring.scorecard([(80.0, 40.0), (90.0, 60.0)])
    assert lines == [(40.0, scoring.weighted(80.0, 40.0)), (60.0, scoring.weighted(90.0, 60.0))]
    assert total == scoring.total([32.0, 54.0]) == 86.0


def test_scorecard_without_any_target_has_no_total(scoring):
    lines, total = scoring.scorecard([(None, 50.0), (None, 50.0)])
    assert lines == [(None, None), (None, None)]
    assert total is None
    assert scoring.scorecard([]) == ([], None)


def test_scorecard_counted_weights_zero(scoring):
    assert scoring.scorecard([(80.0, 0.0), (None, 100.0)]) == ([(0.0, 0.0), (None, None)], 0.0)


def test_scorecard_refuses_bad_numbers(scoring):
    with pytest.raises(scoring.ScoringError):
        scoring.scorecard([(80.0, float("nan"))])
    with pytest.raises(scoring.ScoringError):
        scoring.scorecard([(80.0, -10.0), (50.0, 110.0)])


_weights = st.floats(min_value=0.01, max_value=100, allow_nan=False)
_scores = st.one_of(st.none(), st.floats(min_value=0, max_value=500, allow_nan=False))


@given(st.lists(st.tuples(_scores, _weights), min_size=1, max_size=12))
def test_scorecard_counted_weights_sum_100(scoring, lines):
    result, total = scoring.scorecard(lines)
    counted = [weight for weight, _weighted in result if weight is not None]
    if not counted:
        assert total is None
        return
    assert abs(sum(counted) - 100) < 0.0001 * len(counted) + 1e-9
    # every line without target is left out, every other one counts
    assert [w is None for w, _ws in result] == [points is None for points, _w in lines]


@given(st.lists(st.tuples(_scores, _weights), min_size=1, max_size=12))
def test_scorecard_total_between_lowest_and_highest_score(scoring, lines):
    """The total is a weighted mean of the scores that count."""
    _result, total = scoring.scorecard(lines)
    scores = [points for points, _w in lines if points is not None]
    if scores:
        assert min(scores) - 0.01 * len(scores) <= total <= max(scores) + 0.01 * len(scores)


@given(st.lists(st.tuples(st.floats(min_value=0, max_value=500, allow_nan=False), _weights),
                min_size=1, max_size=12), st.floats(min_value=0, max_value=500, allow_nan=False))
def test_scorecard_line_without_target_never_moves_total_by_itself(scoring, lines, weight):
    """Adding a line without target is the same as leaving it out."""
    assert scoring.scorecard(lines)[1] == scoring.scorecard([*lines, (None, weight)])[1]


# --- forced distribution ------------------------------------------------------


def _ranked(scoring, scores_grades):
    """[(key, score, grade)] → [(key, rank, grade)] with competition ranks."""
    ranks = scoring.rank({key: score for key, score, _grade in scores_grades})
    return [(key, ranks[key], grade) for key, _score, grade in scores_grades]


def test_distribution_caps_best_grade_and_drops_to_next(scoring):
    # 10 evaluations, A at most 20 %: the two best keep A, the third drops to B
    people = [(f"p{i}", 100 - i, "a" if i < 4 else "b") for i in range(10)]
    result = scoring.distribute(_ranked(scoring, people), ["a", "b", "c"], {"a": 20})
    assert [result[f"p{i}"] for i in range(10)] == ["a", "a"] + ["b"] * 8


def test_distribution_tie_at_boundary_drops_whole_group_and_closes_grade(scoring):
    # capacity of A: floor(30 % × 10) = 3; p0 fits, p1 and p2 tie for 2nd with p3:
    # 1 + 3 > 3, so the tied three drop, and p4 (ranked below) cannot take A
    people = [("p0", 99, "a"), ("p1", 95, "a"), ("p2", 95, "a"), ("p3", 95, "a"),
              ("p4", 92, "a")] + [(f"q{i}", 50, "c") for i in range(5)]
    result = scoring.distribute(_ranked(scoring, people), ["a", "b", "c"], {"a": 30})
    assert result["p0"] == "a"
    assert {result[k] for k in ("p1", "p2", "p3", "p4")} == {"b"}
    assert {result[f"q{i}"] for i in range(5)} == {"c"}


def test_distribution_dropped_ones_count_in_next_grade(scoring):
    # A 10 %, B 20 % of 10: 1 A, 2 B; five A-scores: 1 A, 2 B, 2 C
    people = [(f"p{i}", 100 - i, "a") for i in range(5)] + \
        [(f"q{i}", 50 - i, "c") for i in range(5)]
    result = scoring.distribute(_ranked(scoring, people), ["a", "b", "c"], {"a": 10, "b": 20})
    assert [result[f"p{i}"] for i in range(5)] == ["a", "b", "b", "c", "c"]


def test_distribution_lowest_grade_and_ungraded_have_no_cap(scoring):
    people = [("p0", 10, "d"), ("p1", 5, "d"), ("p2", 1, None)]
    result = scoring.distribute(_ranked(scoring, people), ["a", "d"], {"d": 0})
    assert result == {"p0": "d", "p1": "d", "p2": None}


def test_distribution_refuses_bad_percent(scoring):
    with pytest.raises(scoring.ScoringError):
        scoring.distribute([("p", 1, "a")], ["a", "b"], {"a": 120})
    with pytest.raises(scoring.ScoringError):
        scoring.distribute([("p", 1, "a")], ["a", "b"], {"a": float("nan")})


_grade_keys = ["a", "b", "c", "d"]


@given(st.lists(st.integers(0, 20), max_size=40),
       st.dictionaries(st.sampled_from(_grade_keys[:-1]), st.integers(0, 100)))
def test_distribution_quota_and_order_hold(scoring, scores, quotas):
    """No capped grade exceeds its quota, grades only ever drop, and rank
    order is kept: a better rank never ends in a worse grade than a worse
    rank, and tied ranks share their grade."""
    thresholds = [("a", 15), ("b", 10), ("c", 5), ("d", 0)]
    people = [(f"k{i}", score, scoring.grade(score, thresholds)) for i, score in enumerate(scores)]
    ranked = _ranked(scoring, people)
    result = scoring.distribute(ranked, _grade_keys, quotas)
    for grade, percent in quotas.items():
        assert sum(1 for held in result.values() if held == grade) <= percent * len(ranked) // 100
    order = {grade: index for index, grade in enumerate(_grade_keys)}
    for key, _rank, grade in ranked:
        assert order[result[key]] >= order[grade]
    by_rank = sorted(ranked, key=lambda item: item[1])
    for (key1, rank1, _g1), (key2, rank2, _g2) in zip(by_rank, by_rank[1:]):
        if rank1 < rank2:
            assert order[result[key1]] <= order[result[key2]]
        else:
            assert result[key1] == result[key2]
