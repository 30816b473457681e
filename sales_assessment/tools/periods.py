"""Assessment periods: bounds, fiscal years, labels, previous period, prorating.

Pure functions on :class:`datetime.date`, without Odoo.

Contract:

* Periods are ranges of days with both ends included.
* Month, quarter, half and year periods are aligned on the fiscal year, which
  starts on the 1st of ``fiscal_start_month`` (1 = January, the calendar
  year). Fiscal year ``N`` is the one that *starts* in calendar year ``N``:
  with ``fiscal_start_month=4``, fiscal year 2026 runs from 2026-04-01 to
  2027-03-31 and its first quarter is April to June. Months are always
  calendar months.
* Labels: "2026-03" (month), "2026-Q1", "2026-H1", "2026" for calendar years;
  "FY2026-Q1", "FY2026-H1", "FY2026" when the fiscal year does not start in
  January (numbered from the fiscal year's start); "2026-01-05 → 2026-02-10"
  for any other range.
* Prorated values are rounded half away from zero to 2 decimals, on the
  decimal value of the input (as Odoo's ``float_round`` does).
* Datetime sources are cut at local midnight: :func:`utc_bounds` turns a
  range of local days into the half-open range of naive UTC datetimes
  [first midnight, midnight after the last day) in an IANA timezone, across
  daylight-saving changes.
* Ramps of new salespeople count tenure in calendar months: month 1 is the
  month holding the start date. A ramp is a list of (month, percent) lines;
  a month takes the line with the greatest month not above it (the first
  line before it), and 100 after the last line or without lines or start.
* Invalid input (unknown period type, end before start, dates out of the
  supported range, unknown timezone) raises :class:`PeriodError`.
"""

import calendar
import math
import re
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Context, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

PERIOD_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_LETTERS = {"quarter": "Q", "half": "H"}
_CONTEXT = Context(prec=1000, rounding=ROUND_HALF_UP)


class PeriodError(ValueError):
    """A period input is invalid: unknown type, end before start, etc."""


def _months_of(period_type):
    """Return the number of months of ``period_type``."""
    try:
        return PERIOD_MONTHS[period_type]
    except KeyError:
        raise PeriodError(f'Unknown period type "{period_type}".') from None


def _start_month(fiscal_start_month):
    """Return ``fiscal_start_month`` as an int from 1 to 12."""
    try:
        month = int(fiscal_start_month or 1)
    except (TypeError, ValueError) as error:
        raise PeriodError(
            f"Invalid fiscal year start month {fiscal_start_month!r}."
        ) from error
    if not 1 <= month <= 12:
        raise PeriodError(f"Fiscal year start month must be 1 to 12 (got {month}).")
    return month


def _first_of(year, month):
    """Return the 1st of ``month`` of ``year``."""
    try:
        return date(year, month, 1)
    except (ValueError, OverflowError, TypeError) as error:
        raise PeriodError(f"Date out of range: {year}-{month}.") from error


def _add_months(day, months):
    """Return the 1st of the month ``months`` months after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return _first_of(index // 12, index % 12 + 1)


def _shift(day, days):
    """Return ``day`` moved by ``days`` days."""
    try:
        return day + timedelta(days=days)
    except OverflowError as error:
        raise PeriodError(f"Date out of range: {day} + {days} days.") from error


def _period_end(start, months):
    """Return the last day of the ``months``-month period starting on ``start``."""
    last_month = _add_months(start, months - 1)
    last_day = calendar.monthrange(last_month.year, last_month.month)[1]
    return last_month.replace(day=last_day)


def _check_order(date_start, date_end):
    """Raise :class:`PeriodError` when ``date_end`` is before ``date_start``."""
    if date_end < date_start:
        raise PeriodError(
            f"The period ends ({date_end}) before it starts ({date_start})."
        )


def _fiscal_year_start(day, start_month):
    """Return the first day of the fiscal year containing ``day``."""
    year = day.year if day.month >= start_month else day.year - 1
    return _first_of(year, start_month)


def period_bounds(period_type, day, fiscal_start_month=1):
    """Return (date_start, date_end) of the ``period_type`` period containing ``day``.

    Periods are aligned on the fiscal year starting on ``fiscal_start_month``.
    """
    months = _months_of(period_type)
    year_start = _fiscal_year_start(day, _start_month(fiscal_start_month))
    elapsed = (day.year - year_start.year) * 12 + day.month - year_start.month
    date_start = _add_months(year_start, elapsed // months * months)
    return date_start, _period_end(date_start, months)


def fiscal_year_periods(fiscal_year, period_type, fiscal_start_month=1):
    """Return the (date_start, date_end) of every ``period_type`` period of a year.

    The fiscal year is the one starting in calendar year ``fiscal_year`` on the
    1st of ``fiscal_start_month``; the periods tile it in order.
    """
    months = _months_of(period_type)
    year_start = _first_of(fiscal_year, _start_month(fiscal_start_month))
    starts = (_add_months(year_start, offset) for offset in range(0, 12, months))
    return [(start, _period_end(start, months)) for start in starts]


def _standard_label(period_type, date_start, start_month):
    """Return the label of a month, quarter, half or year starting on ``date_start``."""
    if period_type == "month":
        return f"{date_start.year}-{date_start.month:02d}"
    year = _fiscal_year_start(date_start, start_month).year
    prefix = "FY" if start_month != 1 else ""
    if period_type == "year":
        return f"{prefix}{year}"
    elapsed = (date_start.year - year) * 12 + date_start.month - start_month
    number = elapsed // PERIOD_MONTHS[period_type] + 1
    return f"{prefix}{year}-{_LETTERS[period_type]}{number}"


def period_label(period_type, date_start, date_end, fiscal_start_month=1):
    """Return the display label of a period (see the module docstring).

    A range that is not exactly one ``period_type`` period of the fiscal year
    starting on ``fiscal_start_month`` (or of type "custom") is labelled
    "date_start → date_end" in ISO format.
    """
    _check_order(date_start, date_end)
    start_month = _start_month(fiscal_start_month)
    if period_type in PERIOD_MONTHS:
        bounds = period_bounds(period_type, date_start, start_month)
        if bounds == (date_start, date_end):
            return _standard_label(period_type, date_start, start_month)
    return f"{date_start.isoformat()} → {date_end.isoformat()}"


_LABEL_RE = re.compile(
    r"^(FY)?\d{4}(-\d{2}|-Q[1-4]|-H[12])?$|^\d{4}-\d{2}-\d{2} → \d{4}-\d{2}-\d{2}$")


def is_period_label(text):
    """Return whether ``text`` is a label :func:`period_label` gives (a name
    that still names a period, not one a user chose)."""
    return bool(_LABEL_RE.match(text or ""))


def _is_whole_months(date_start, date_end):
    """Return whether the range starts on a 1st and ends on a month's last day."""
    last_day = calendar.monthrange(date_end.year, date_end.month)[1]
    return date_start.day == 1 and date_end.day == last_day


def previous_period(date_start, date_end):
    """Return (start, end) of the period of equal length just before this one.

    Whole calendar months give the same number of whole months before (Q2 gives
    Q1, March gives February); other ranges the same number of days before.
    """
    _check_order(date_start, date_end)
    if _is_whole_months(date_start, date_end):
        months = (date_end.year - date_start.year) * 12
        months += date_end.month - date_start.month + 1
        start = _add_months(date_start, -months)
        return start, _period_end(start, months)
    length = days_between(date_start, date_end)
    return _shift(date_start, -length), _shift(date_start, -1)


def days_between(date_start, date_end):
    """Return the number of days from ``date_start`` to ``date_end``, both included."""
    _check_order(date_start, date_end)
    return (date_end - date_start).days + 1


def _cents(value):
    """Return the Decimal ``value`` as a float rounded half up to 2 decimals."""
    return float(value.quantize(Decimal("0.01"), context=_CONTEXT)) + 0.0


def _decimal(value):
    """Return ``value`` as the Decimal of its shortest repr; refuse non-finite."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError) as error:
        raise PeriodError(f"Not a number: {value!r}.") from error
    if not math.isfinite(number):
        raise PeriodError(f"Not a finite number: {value!r}.")
    return Decimal(repr(number))


def prorate(value, date_start, date_end, present_start=None, present_end=None):
    """Return ``value`` times the share of the period spent present.

    The share is the number of days of [present_start, present_end] within
    [date_start, date_end] over the number of days of the period; a missing
    (None or False) presence bound is unbounded. No overlap gives 0.0. The
    result is rounded to 2 decimals, so it never exceeds ``value`` rounded
    to 2 decimals.
    """
    period_days = days_between(date_start, date_end)
    first = max(date_start, present_start or date_start)
    last = min(date_end, present_end or date_end)
    if last < first:
        return 0.0
    present_days = (last - first).days + 1
    return _cents(_decimal(value) * present_days / period_days)


def overlaps(a_start, a_end, b_start, b_end):
    """Return whether the ranges [a_start, a_end] and [b_start, b_end] share a day."""
    return a_start <= b_end and b_start <= a_end


def _zone(tz_name):
    """Return the ZoneInfo of ``tz_name``; refuse unknown names."""
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise PeriodError(f"Unknown timezone: {tz_name!r}.") from error


def _utc_midnight(day, zone):
    """Return the naive UTC datetime of local midnight starting ``day`` in ``zone``."""
    local = datetime.combine(day, time.min, tzinfo=zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def utc_bounds(date_start, date_end, tz_name="UTC"):
    """Return (start, stop) naive UTC datetimes bounding the local days
    [date_start, date_end] of timezone ``tz_name``: start included, stop
    excluded. In Asia/Shanghai, January 2025 is
    [2024-12-31 16:00, 2025-01-31 16:00)."""
    _check_order(date_start, date_end)
    zone = _zone(tz_name)
    return _utc_midnight(date_start, zone), _utc_midnight(_shift(date_end, 1), zone)


def local_date(utc_datetime, tz_name="UTC"):
    """Return the local day, in ``tz_name``, of a naive UTC datetime."""
    aware = utc_datetime.replace(tzinfo=timezone.utc)
    return aware.astimezone(_zone(tz_name)).date()


def tenure_month(start_date, day):
    """Return the month of tenure, counted from 1, that ``day`` falls in for
    a salesperson who started on ``start_date``: 1 in the calendar month of
    the start (and for a start after ``day``), 2 in the next month, and so
    on. No start date (None or False) gives None: no ramp applies."""
    if not start_date:
        return None
    months = (day.year - start_date.year) * 12 + day.month - start_date.month
    return max(months, 0) + 1


def ramp_percent(ramps, month):
    """Return the percent of the target a salesperson carries in month
    ``month`` of tenure under ``ramps``, a list of (month, percent) lines in
    any order: the line with the greatest month not above ``month`` (the
    first line for a month before it). 100 after the last line, without
    lines, or for a ``month`` of None."""
    lines = sorted(ramps)
    if month is None or not lines or month > lines[-1][0]:
        return 100.0
    reached = [percent for line_month, percent in lines if line_month <= month]
    return float(reached[-1] if reached else lines[0][1])
