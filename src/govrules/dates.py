"""Calendar arithmetic of the rule language: durations, date shifts, dates in words.

A :class:`Duration` is a whole number of days, weeks, months or years, written in a rule as
``90 days`` or ``15 months``. Adding one to a date follows one documented rule for month ends
(``docs/language.md``, "Dates and durations"):

- days and weeks move the date by that many days (a week is 7 days);
- months and years move the month (a year is 12 months) and keep the day of the month, except
  that a day the target month does not have becomes that month's last day: 31 January plus one
  month is 28 February (29 in a leap year), and 29 February plus one year is 28 February.

So month shifts are not always reversible (31 March − 1 month + 1 month is 28 April), which is
the same rule as PostgreSQL's intervals, Java's ``plusMonths`` and ``dateutil``'s
``relativedelta``. A shift that leaves the calendar (before year 1 or after 9999) has no answer:
the engine treats it as unknown, like a division by zero.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal

Unit = Literal["day", "week", "month", "year"]
UNITS: tuple[Unit, ...] = ("day", "week", "month", "year")

#: The largest amount a duration literal or parameter may state (about 270 years in days).
MAX_AMOUNT = 100_000


@dataclass(frozen=True, slots=True)
class Duration:
    """A length of calendar time: ``amount`` days, weeks, months or years.

    Examples:
        >>> Duration(15, "month")
        Duration(amount=15, unit='month')
        >>> str(Duration(1, "year")), str(Duration(90, "day"))
        ('1 year', '90 days')
    """

    amount: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}{'' if self.amount == 1 else 's'}"

    @classmethod
    def parse(cls, text: str) -> Duration:
        """A duration from its written form (``15 months``, ``1 year``, ``90days``).

        Examples:
            >>> Duration.parse("15 months")
            Duration(amount=15, unit='month')

        Raises:
            ValueError: the text is not a number followed by a unit.
        """
        digits = text.rstrip("abcdefghijklmnopqrstuvwxyz")
        word = text[len(digits) :]
        unit = word[:-1] if word.endswith("s") else word
        if unit not in UNITS or not digits.strip().isdigit():
            raise ValueError(f"not a duration: {text!r}")
        return cls(int(digits.strip()), unit)

    def negated(self) -> Duration:
        """The same length, backwards in time."""
        return Duration(-self.amount, self.unit)


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` moved by whole months; a day the target month lacks becomes its last day.

    Examples:
        >>> add_months(dt.date(2024, 1, 31), 1)
        datetime.date(2024, 2, 29)
        >>> add_months(dt.date(2023, 3, 31), -1)
        datetime.date(2023, 2, 28)

    Raises:
        OverflowError: the result is outside years 1 to 9999.
    """
    index = date.year * 12 + (date.month - 1) + months
    year, month0 = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError("date value out of range")
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(date.day, last))


def shift(date: dt.date, duration: Duration) -> dt.date:
    """``date + duration`` under the month-end rule of this module.

    Examples:
        >>> shift(dt.date(2024, 2, 29), Duration(1, "year"))
        datetime.date(2025, 2, 28)
        >>> shift(dt.date(2023, 12, 25), Duration(2, "week"))
        datetime.date(2024, 1, 8)

    Raises:
        OverflowError: the result is outside years 1 to 9999.
    """
    unit, n = duration.unit, duration.amount
    if unit == "day":
        return date + dt.timedelta(days=n)
    if unit == "week":
        return date + dt.timedelta(days=7 * n)
    return add_months(date, n * 12 if unit == "year" else n)


def in_words(date: dt.date) -> str:
    """A date as people write it in prose.

    Examples:
        >>> in_words(dt.date(2026, 1, 15))
        '15 January 2026'
    """
    return f"{date.day} {calendar.month_name[date.month]} {date.year}"
