"""Calendar arithmetic over symbolic dates, exactly as :mod:`govrules.dates` computes it.

A date is its proleptic Gregorian ordinal (``date.toordinal()``: 1 January of year 1 is day 1),
so ordering and ``date - date`` are integer arithmetic. Shifting by months or years needs the
year, month and day of a symbolic date: :class:`Decomposition` introduces them as fresh
integers tied to the ordinal by the civil-calendar formula (linear integer arithmetic with one
division by a constant). Month shifts then clamp to the month's last day,
as :func:`govrules.dates.add_months` does.
"""

from __future__ import annotations

import datetime as dt
import itertools

import z3

#: The first and last day a date may take (years 1 to 9999).
MIN_DAY = dt.date.min.toordinal()
MAX_DAY = dt.date.max.toordinal()

_fresh = itertools.count()


#: The years the calendar formulas below are exact for. Declared dates lie in 1900-2199 and
#: evaluation dates in 2000-2099 (:mod:`~govrules.analysis.space`), so every date the rules
#: compute from them by a shift of up to :data:`MAX_SHIFT_YEARS` years lies in this range.
YEARS = (1600, 2400)
MAX_SHIFT_YEARS = 200

_CUMULATIVE = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)


def _steps(x: z3.ArithRef, bounds: list[int], first: int) -> z3.ArithRef:
    """``first + (number of bounds <= x)``: a small integer division without dividing."""
    out: z3.ArithRef = z3.IntVal(first + len(bounds))
    for k in range(len(bounds) - 1, -1, -1):
        out = z3.If(x < bounds[k], first + k, out)
    return out


def is_leap(year: z3.ArithRef) -> z3.BoolRef:
    """Whether a (symbolic) year in :data:`YEARS` is a leap year."""
    centuries = [y for y in range(YEARS[0], YEARS[1] + 1, 100) if y % 400]
    return z3.And(year % 4 == 0, *[year != c for c in centuries])


def days_in_month(year: z3.ArithRef, month: z3.ArithRef) -> z3.ArithRef:
    """The number of days of a (symbolic) month, 28 to 31."""
    return z3.If(
        month == 2,
        z3.If(is_leap(year), 29, 28),
        z3.If(z3.Or(month == 4, month == 6, month == 9, month == 11), 30, 31),
    )


def ordinal(year: z3.ArithRef, month: z3.ArithRef, day: z3.ArithRef) -> z3.ArithRef:
    """The ordinal of a (symbolic) year, month and day, for years in :data:`YEARS`.

    The Gregorian count of leap days before a year, ``p/4 - p/100 + p/400`` with ``p`` the
    previous year, is written with one division by 4 and the century terms as steps over the
    range, which the solver handles far better than three divisions.
    """
    p = year - 1
    lo, hi = YEARS
    hundreds = _steps(p, list(range(lo, hi + 1, 100)), lo // 100 - 1)
    four_hundreds = _steps(p, [y for y in range(lo, hi + 1, 100) if y % 400 == 0], lo // 400 - 1)
    before = z3.IntVal(_CUMULATIVE[11])
    for k in range(10, -1, -1):
        before = z3.If(month == k + 1, _CUMULATIVE[k], before)
    leap_day = z3.If(z3.And(month > 2, is_leap(year)), 1, 0)
    return 365 * p + p / 4 - hundreds + four_hundreds + before + leap_day + day


class Parts:
    """Year, month and day of a date, as solver integers."""

    def __init__(self, year: z3.ArithRef, month: z3.ArithRef, day: z3.ArithRef) -> None:
        self.year, self.month, self.day = year, month, day
        self.constraints: list[z3.BoolRef] = []


class Decomposition(Parts):
    """Year, month and day of a symbolic ordinal, with the constraints that define them."""

    def __init__(self, day_number: z3.ArithRef) -> None:  # noqa: D107
        n = next(_fresh)
        self.year = z3.Int(f"year!{n}")
        self.month = z3.Int(f"month!{n}")
        self.day = z3.Int(f"day!{n}")
        self.constraints = [
            self.year >= YEARS[0],
            self.year <= YEARS[1] - 1,
            self.month >= 1,
            self.month <= 12,
            self.day >= 1,
            self.day <= days_in_month(self.year, self.month),
            ordinal(self.year, self.month, self.day) == day_number,
        ]


def add_months(parts: Parts, months: int) -> tuple[z3.ArithRef, Parts]:
    """The ordinal of a date moved by whole months, and the parts of the date it gives.

    A day the target month lacks becomes its last day (:func:`govrules.dates.add_months`).
    Shifts of more than :data:`MAX_SHIFT_YEARS` years are not expressed (the caller checks).
    """
    index = parts.year * 12 + (parts.month - 1) + months
    year = index / 12
    month = index % 12 + 1
    last = days_in_month(year, month)
    day = z3.If(parts.day < last, parts.day, last)
    return ordinal(year, month, day), Parts(year, month, day)


def financial_year_start(parts: Parts) -> z3.ArithRef:
    """The calendar year in which the financial year holding the date starts (1 April)."""
    return z3.If(parts.month >= 4, parts.year, parts.year - 1)


def label_year(label: str) -> int | None:
    """The start year of a financial-year label such as ``2023/24``, or ``None``.

    Examples:
        >>> label_year("2023/24"), label_year("1999/00"), label_year("2023/25")
        (2023, 1999, None)
    """
    if len(label) != 7 or label[4] != "/" or not (label[:4] + label[5:]).isdigit():
        return None
    start = int(label[:4])
    if start < 1 or (start + 1) % 100 != int(label[5:]):
        return None
    return start
