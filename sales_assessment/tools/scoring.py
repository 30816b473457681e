"""Scoring engine: achievement, score, weighting, total, grade and rank.

Pure functions on numbers, without Odoo, so they can be tested alone.

Contract:

* An *achievement* is a percentage of the target reached: ``actual / target``
  for "higher is better" KPIs, ``target / actual`` for "lower is better" ones.
  It is not capped (capping is the job of :func:`score`), except in the
  special cases where no ratio exists, which give 100 or the cap (see
  :func:`achievement`).
* A *score* turns an achievement into points with a method: ``linear``
  (the achievement, up to the cap), ``gate`` (linear, but 0 under the gate)
  or ``bands`` (fixed points from an achievement on).
* A *weighted score* is ``score * weight / 100``; the *total* of a scorecard
  is the sum of its weighted scores.

Arithmetic is decimal: every number is taken at its shortest decimal form
(``repr``) and results are rounded half away from zero, as Odoo's
``float_round`` does, so ``total([0.125]) == 0.13`` and
``total([1.005]) == 1.01`` (Python's ``round`` would give 0.12 and 1.0).
Achievements, scores and weighted scores have 4 decimals, totals 2.
Numbers that are not finite are refused with :class:`ScoringError`.
"""

import math
from decimal import ROUND_HALF_UP, Context, Decimal

DIRECTIONS = ("higher", "lower")
METHODS = ("linear", "gate", "bands")
_HUNDRED = Decimal(100)
_CONTEXT = Context(prec=1000, rounding=ROUND_HALF_UP)


class ScoringError(ValueError):
    """A scoring input is invalid: negative target, unknown method, etc."""


def _decimal(value):
    """Return ``value`` as the Decimal of its shortest repr; refuse non-finite."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise ScoringError(f"Not a number: {value!r}.") from error
    if not math.isfinite(number):
        raise ScoringError(f"Not a finite number: {value!r}.")
    return Decimal(repr(number))


# the quanta of the usual digits, made once (a close rounds every line thrice)
_QUANTA = {digits: Decimal(1).scaleb(-digits) for digits in range(9)}


def _round(value, digits):
    """Return the Decimal ``value`` as a float rounded half up to ``digits``."""
    quantum = _QUANTA.get(digits) or Decimal(1).scaleb(-digits)
    rounded = float(value.quantize(quantum, context=_CONTEXT))
    if not math.isfinite(rounded):
        raise ScoringError(f"Result out of range: {value}.")
    return rounded + 0.0


def _special_achievement(actual, target, direction, cap):
    """Return the achievement when no ratio exists, else None.

    Target 0: 100 when the actual is 0 too; otherwise the cap (or 100) for
    "higher is better" and 0 for "lower is better". "Lower is better" with
    a positive target and an actual of 0 or less: the cap (or 100).
    """
    full = _decimal(cap) if cap else _HUNDRED
    if target == 0:
        if actual == 0:
            return _HUNDRED
        return full if direction == "higher" else Decimal(0)
    if direction == "lower" and actual <= 0:
        return full
    return None


def achievement(actual, target, direction="higher", cap=None):
    """Return the achievement percentage of ``actual`` against ``target``.

    ``direction`` is "higher" (actual / target * 100) or "lower"
    (target / actual * 100). ``cap`` is only used when no ratio exists (see
    :func:`_special_achievement`); the result is not capped otherwise.
    Raise :class:`ScoringError` for a negative target or an unknown direction.
    """
    return _round(_exact_achievement(actual, target, direction, cap), 4)


def _exact_achievement(actual, target, direction, cap):
    """Return the unrounded achievement as a Decimal (see :func:`achievement`)."""
    if direction not in DIRECTIONS:
        raise ScoringError(f'Unknown direction "{direction}".')
    actual, target = _decimal(actual), _decimal(target)
    if target < 0:
        raise ScoringError(f"Target must not be negative (got {target}).")
    result = _special_achievement(actual, target, direction, cap)
    if result is None:
        ratio = (actual, target) if direction == "higher" else (target, actual)
        result = ratio[0] * _HUNDRED / ratio[1]
    return result


def _highest_at_most(pairs, value):
    """Return the first item of the pair with the highest threshold <= value.

    ``pairs`` is an iterable of (item, threshold); None when no threshold is
    at most ``value``. Between equal thresholds the first pair wins.
    """
    best = None
    for item, threshold in pairs:
        if threshold <= value and (best is None or threshold > best[1]):
            best = (item, threshold)
    return best[0] if best else None


def _linear(value, cap):
    """Return ``value`` limited to ``cap`` (no cap when falsy), never below 0."""
    if cap:
        cap = _decimal(cap)
        if cap < 0:
            raise ScoringError(f"Cap must not be negative (got {cap}).")
        value = min(value, cap)
    return max(value, Decimal(0))


def score(achievement, method="linear", cap=None, gate=None, bands=None):
    """Return the score of an achievement with a scoring method.

    * linear: the achievement, limited to ``cap`` when set (None or 0: no cap),
      never below 0; the cap counts at 4 decimals, like the score;
    * gate: as linear, but 0 when the achievement is below ``gate``
      (None or 0: no gate);
    * bands: ``bands`` is an iterable of (from_achievement, band_score); the
      score of the band with the highest from_achievement not above the
      achievement, 0 below the lowest band or without bands.

    Raise :class:`ScoringError` for an unknown method.
    """
    if method not in METHODS:
        raise ScoringError(f'Unknown scoring method "{method}".')
    value = _decimal(achievement)
    if method == "bands":
        pairs = ((band_score, start) for start, band_score in bands or ())
        result = _highest_at_most(pairs, value)
        return _round(_decimal(result or 0), 4)
    if method == "gate" and gate and value < _decimal(gate):
        return 0.0
    return _round(_linear(value, cap), 4)


def weighted(score, weight):
    """Return ``score * weight / 100``, rounded to 4 decimals."""
    return _round(_decimal(score) * _decimal(weight) / _HUNDRED, 4)


def total(weighted_scores):
    """Return the sum of ``weighted_scores``, rounded half up to 2 decimals.

    The sum is exact on the decimal values, so ``total([0.1, 0.025]) == 0.13``.
    """
    return _round(sum((_decimal(value) for value in weighted_scores), Decimal(0)), 2)


def score_line(
    actual,
    target,
    *,
    direction="higher",
    method="linear",
    weight=0.0,
    cap=None,
    gate=None,
    bands=None,
):
    """Score one KPI line: return {"achievement", "score", "weighted_score"}.

    The gate and the bands compare the exact achievement (79.99999 % is below
    a gate at 80 %); only the returned achievement is rounded to 4 decimals.
    """
    exact = _exact_achievement(actual, target, direction, cap)
    points = score(float(exact), method=method, cap=cap, gate=gate, bands=bands)
    return {
        "achievement": _round(exact, 4),
        "score": points,
        "weighted_score": weighted(points, weight),
    }


def grade(total_score, grades):
    """Return the grade key reached by ``total_score``, or None.

    ``grades`` is an iterable of (key, min_score): the grade with the highest
    min_score not above the total wins (the first one between equal minimums).
    """
    return _highest_at_most(grades, total_score)


def rank(scores):
    """Return {key: competition rank} for ``scores`` ({key: score}).

    The highest score ranks 1; equal scores share a rank and the next rank
    skips as many places (90, 80, 80, 70 rank 1, 2, 2, 4). The result depends
    on the scores only, never on the order of the keys.
    """
    first_place = {}
    for place, value in enumerate(sorted(scores.values(), reverse=True), start=1):
        first_place.setdefault(value, place)
    return {key: first_place[value] for key, value in scores.items()}


def check_weights(weights, total=100.0, tolerance=0.01):
    """Return whether ``weights`` add up to ``total``, give or take ``tolerance``.

    The comparison is exact on the decimal values: 100.01 is within 0.01 of 100.
    """
    weights_sum = sum((_decimal(weight) for weight in weights), Decimal(0))
    return abs(weights_sum - _decimal(total)) <= _decimal(tolerance)


def scorecard(lines):
    """Weigh the scored lines of one scorecard and return (lines, total).

    ``lines`` is a sequence of (score, weight) where ``score`` is None for a
    line *without target*: it has no score and does not count. The weights of
    the lines that count are scaled to sum 100, so the result is a list of
    (weight, weighted_score) per line, both None for a line without target,
    and the total of the weighted scores (see :func:`total`). A scorecard
    none of whose lines counts has no total (None). When every line counts
    and the weights sum 100, this is :func:`weighted` and :func:`total`
    unchanged; when the counted weights sum 0, every weighted score is 0.
    """
    counted = [_decimal(weight) for points, weight in lines if points is not None]
    if not counted:
        return [(None, None)] * len(lines), None
    weight_sum = sum(counted, Decimal(0))
    if weight_sum < 0 or any(weight < 0 for weight in counted):
        raise ScoringError("Weights must not be negative.")
    result = []
    for points, weight in lines:
        if points is None:
            result.append((None, None))
            continue
        weight = _decimal(weight)
        if not weight_sum:
            result.append((_round(weight, 4), 0.0))
            continue
        result.append((
            _round(weight * _HUNDRED / weight_sum, 4),
            _round(_decimal(points) * weight / weight_sum, 4),
        ))
    return result, total(weighted_score for _weight, weighted_score in result
                         if weighted_score is not None)


def distribute(ranked, grades, max_percents):
    """Apply a forced distribution (强制分布) to graded, ranked evaluations.

    ``ranked`` is an iterable of (key, rank, grade key or None): each
    evaluation with its competition rank and the grade its score earns.
    ``grades`` lists the grade keys from the best down. ``max_percents`` is
    {grade key: max percent}; grades without one, and the lowest grade,
    have no cap. Return {key: distributed grade key}.

    The capacity of a capped grade is floor(max percent × evaluations /
    100). From the best grade down, evaluations in rank order keep their
    grade while it has capacity; the others drop to the next grade down and
    are counted there. A group tied in rank that does not fit entirely drops
    entirely, and once a grade has turned someone away it is closed to
    everyone ranked below.
    """
    ranked = list(ranked)
    grades = list(grades)
    result = {key: grade for key, _rank, grade in ranked}
    rank_of = {key: rank for key, rank, _grade in ranked}
    for position, grade in enumerate(grades[:-1]):
        percent = max_percents.get(grade)
        if percent is None:
            continue
        percent = _decimal(percent)
        if not 0 <= percent <= _HUNDRED:
            raise ScoringError(f"A grade's maximum share is 0 to 100 % (got {percent}).")
        capacity = int((percent * len(ranked) / _HUNDRED).to_integral_value(rounding="ROUND_FLOOR"))
        holders = sorted((key for key, held in result.items() if held == grade), key=rank_of.get)
        kept, closed = 0, False
        for _rank, group in _groupby_rank(holders, rank_of):
            if not closed and kept + len(group) <= capacity:
                kept += len(group)
                continue
            closed = True
            for key in group:
                result[key] = grades[position + 1]
    return result


def _groupby_rank(keys, rank_of):
    """Yield (rank, [keys]) of ``keys`` (sorted by rank), tied keys together."""
    group, current = [], None
    for key in keys:
        if group and rank_of[key] != current:
            yield current, group
            group = []
        current = rank_of[key]
        group.append(key)
    if group:
        yield current, group
