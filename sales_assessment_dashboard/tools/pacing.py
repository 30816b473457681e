"""Pacing of an open cycle, pure Python (no odoo import).

``elapsed_share`` says how much of a cycle has passed; ``pacing_status``
compares an achievement with what is expected at that point.
"""

from datetime import timedelta

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"


def count_days(date_from, date_to, working=True):
    """Days from ``date_from`` to ``date_to``, both included; only Monday to
    Friday when ``working``. 0 when ``date_to`` is before ``date_from``."""
    if date_to < date_from:
        return 0
    total = (date_to - date_from).days + 1
    if not working:
        return total
    weeks, rest = divmod(total, 7)
    days = weeks * 5
    for offset in range(rest):
        if (date_from + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            days += 1
    return days


def elapsed_share(date_start, date_end, today, working=True):
    """Percentage (0-100) of the cycle elapsed at the end of ``today``."""
    if today < date_start:
        return 0.0
    if today >= date_end:
        return 100.0
    total = count_days(date_start, date_end, working)
    if not total:
        return 100.0
    return round(100.0 * count_days(date_start, today, working) / total, 2)


def pacing_status(achievement, expected, on_track=95.0, off_track=75.0):
    """``on_track`` when the achievement reaches ``on_track`` percent of the
    expected achievement, ``off_track`` below ``off_track`` percent, else
    ``at_risk``. Nothing expected yet: on track."""
    if expected <= 0:
        return ON_TRACK
    ratio = 100.0 * achievement / expected
    if ratio >= on_track:
        return ON_TRACK
    if ratio < off_track:
        return OFF_TRACK
    return AT_RISK
