"""Pay plans engine: tiered commission (阶梯提成) and pay curves.

Pure functions on numbers, without Odoo, tested alone (see DESIGN.md "Pay
curves").

* *Tiers* and *curve points* are (from_achievement, rate) pairs:
  ``from_achievement`` a percent of the KPI's target, ``rate`` a percent.
* ``tiered`` cuts the actual at each tier's ``from_achievement`` × target /
  100 and pays each part at its tier's rate (``marginal``), or pays all of
  the actual at the rate of the highest tier reached (``whole``). Target
  100,000, actual 150,000, tiers 0 → 3 %, 100 → 5 %, 120 → 8 %: marginal
  3,000 + 1,000 + 2,400 = 6,400; whole 12,000.
* ``curve`` pays an on-target amount × the payout percent interpolated
  linearly between the points, 0 below the first point and flat after the
  last. Amount 10,000, points 50 → 0, 100 → 100, 150 → 200: achievement 75
  pays 5,000, 150 and above 20,000.

Rates never decrease from one tier (point) to the next, so a marginal
payout is never above the whole one and every payout grows with the
actual. Arithmetic is decimal, results rounded half up to 2 decimals.
"""

import math
from decimal import ROUND_HALF_UP, Context, Decimal

TIER_MODES = ("marginal", "whole")
_HUNDRED = Decimal(100)
_CONTEXT = Context(prec=1000, rounding=ROUND_HALF_UP)


class PayPlanError(ValueError):
    """A pay plan is invalid. ``code`` names the problem for a translated
    message: ``not_finite``, ``negative``, ``duplicate_start``, ``decreasing``,
    ``empty``, ``mode``."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def _decimal(value):
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise PayPlanError("not_finite", repr(value)) from error
    if not math.isfinite(number):
        raise PayPlanError("not_finite", repr(value))
    return Decimal(repr(number))


def _money(value):
    return float(value.quantize(Decimal("0.01"), context=_CONTEXT)) + 0.0


def check_tiers(tiers):
    """Return the tiers as sorted (Decimal start, Decimal rate) pairs, or
    raise :class:`PayPlanError`: no tier, a number not finite or negative,
    two tiers starting at the same achievement, a rate lower than the one
    of the tier below."""
    pairs = sorted((_decimal(start), _decimal(rate)) for start, rate in tiers)
    if not pairs:
        raise PayPlanError("empty")
    if any(start < 0 or rate < 0 for start, rate in pairs):
        raise PayPlanError("negative")
    for (start, rate), (next_start, next_rate) in zip(pairs, pairs[1:]):
        if start == next_start:
            raise PayPlanError("duplicate_start", str(start))
        if next_rate < rate:
            raise PayPlanError("decreasing", f"{next_start}: {next_rate} < {rate}")
    return pairs


def tiered_amount(actual, target, tiers, mode="marginal"):
    """Return the commission on ``actual`` against ``target`` with ``tiers``.

    ``marginal``: each part of the actual between two tiers' thresholds
    (``from_achievement`` × target / 100) at its tier's rate; ``whole``: the
    whole actual at the rate of the highest tier reached. Nothing below the
    first tier; an actual of 0 or less earns 0.
    """
    if mode not in TIER_MODES:
        raise PayPlanError("mode", repr(mode))
    pairs = check_tiers(tiers)
    actual, target = _decimal(actual), _decimal(target)
    if target < 0:
        raise PayPlanError("negative", f"target {target}")
    if actual <= 0:
        return 0.0
    cuts = [(start * target / _HUNDRED, rate) for start, rate in pairs]
    if mode == "whole":
        reached = [rate for cut, rate in cuts if cut <= actual]
        return _money(actual * reached[-1] / _HUNDRED) if reached else 0.0
    total = Decimal(0)
    for index, (cut, rate) in enumerate(cuts):
        if cut >= actual:
            break
        upper = cuts[index + 1][0] if index + 1 < len(cuts) else actual
        total += (min(upper, actual) - cut) * rate / _HUNDRED
    return _money(total)


def curve_percent(achievement, points):
    """Return the payout percent of ``achievement`` on the curve ``points``:
    linear between points, 0 below the first, flat after the last."""
    pairs = check_tiers(points)
    achievement = _decimal(achievement)
    if achievement < pairs[0][0]:
        return Decimal(0)
    for (start, rate), (next_start, next_rate) in zip(pairs, pairs[1:]):
        if achievement < next_start:
            return rate + (next_rate - rate) * (achievement - start) / (next_start - start)
    return pairs[-1][1]


def curve_amount(amount, achievement, points):
    """Return ``amount`` (the on-target incentive) × the payout percent of
    ``achievement`` on the curve / 100."""
    amount = _decimal(amount)
    if amount < 0:
        raise PayPlanError("negative", f"amount {amount}")
    return _money(amount * curve_percent(achievement, points) / _HUNDRED)


def cap(amount, amount_cap):
    """Return ``amount`` limited to ``amount_cap`` (no cap when falsy)."""
    if amount_cap and amount > amount_cap:
        return _money(_decimal(amount_cap))
    return amount
