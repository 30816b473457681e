"""Numbers typed by users or API clients: finite, and at most 1e12 in size.

Pure Python, without Odoo: the ORM layer turns a refusal into a translated
``ValidationError`` naming the field (see ``sales.assessment.number.mixin``).
"""

import math

MAX_ABS = 1e12
# the largest value of an integer column (PostgreSQL int4)
MAX_INTEGER = 2**31 - 1


def number_problem(value):
    """Return why ``value`` is not an acceptable typed number, or None.

    The reasons are ``"not_a_number"`` (not a real number, NaN or infinite)
    and ``"too_large"`` (beyond ±1e12). Empty values (None, False) are fine:
    they are the field's zero.
    """
    if value is None or value is False:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(value)
        except (TypeError, ValueError, OverflowError):
            return "not_a_number"
    try:
        number = float(value)
    except OverflowError:
        return "too_large"
    if not math.isfinite(number):
        return "not_a_number"
    if abs(number) > MAX_ABS:
        return "too_large"
    return None
