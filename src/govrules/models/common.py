"""Types every declaration format shares: bounded counts and money, dates, names, identities.

Every model of every format uses :data:`STRICT_CONFIG`: unknown keys are refused (a typo must not
silently pass a rule), models are frozen, and NaN and infinity are rejected. Numbers are strict:
``true`` is not a count and ``"3"`` is not a number. Dates are ISO ``YYYY-MM-DD`` text or
:class:`datetime.date` objects, never timestamps or datetimes.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated

from pydantic import BeforeValidator
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StrictInt
from pydantic import StrictStr
from pydantic_core import PydanticCustomError

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""A place id: lowercase letters, digits and hyphens, not starting with a hyphen."""

FINANCIAL_YEAR_PATTERN = (
    r"^(?:19|20|21)(?:" + "|".join(f"{n:02d}/{(n + 1) % 100:02d}" for n in range(100)) + r")$"
)
"""A financial year from ``1900/01`` to ``2199/00``, such as ``2023/24`` (it starts on 1 April of
the first year): the second part is the year after the first. Written out as one pattern, so
the JSON Schema of the format says exactly what is accepted."""

NON_BLANK_PATTERN = r"\S"
"""Text that has at least one character other than whitespace."""

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

STRICT_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
"""The configuration of every declaration model: no unknown keys, frozen, finite numbers."""


def describe_value(value: object) -> str:
    """A short rendering of a received value for an error message, in YAML/JSON spelling.

    Examples:
        >>> describe_value(True), describe_value(None), describe_value("county")
        ('true', 'null', "'county'")
        >>> describe_value({"a": 1}), describe_value([1])
        ('a mapping', 'a list')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list | tuple):
        return "a list" if value else "an empty list"
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, datetime.date):
        return repr(value.isoformat())
    if isinstance(value, int) and value.bit_length() > 64:
        return "a very large number"
    if isinstance(value, int | float | str):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return f"a value of type {type(value).__name__}"


def _coerce_date(value: object) -> object:
    """Accept a ``date`` or ``YYYY-MM-DD`` text; refuse datetimes, numbers and other shapes.

    Pydantic's own lax date parsing would take Unix timestamps and midnight datetimes; a
    declaration states calendar dates only.

    Examples:
        >>> _coerce_date("2023-04-01")
        datetime.date(2023, 4, 1)
    """
    if isinstance(value, datetime.datetime):
        raise PydanticCustomError(
            "date_type",
            "expected a date as YYYY-MM-DD without a time, got {received}",
            {"received": describe_value(value)},
        )
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        if not _DATE_TEXT.fullmatch(value):
            raise PydanticCustomError(
                "date_format",
                "expected a date as YYYY-MM-DD, got {received}",
                {"received": describe_value(value)},
            )
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_invalid",
                "expected a real calendar date as YYYY-MM-DD, got {received}",
                {"received": describe_value(value)},
            ) from None
    raise PydanticCustomError(
        "date_type",
        "expected a date as YYYY-MM-DD, got {received}",
        {"received": describe_value(value)},
    )


def check_financial_year(value: str) -> str:
    """Check that the second half of ``YYYY/YY`` is the year after the first (mod 100)."""
    first, second = value.split("/")
    if (int(first) + 1) % 100 != int(second):
        raise PydanticCustomError(
            "financial_year_invalid",
            "expected a financial year such as '2023/24' whose second part is the next year,"
            " got {received}",
            {"received": describe_value(value)},
        )
    return value


Date = Annotated[datetime.date, BeforeValidator(_coerce_date)]
"""A calendar date given as ``YYYY-MM-DD`` text (or a ``date`` object)."""

MAX_COUNT = 1_000_000_000
"""The largest count a declaration may state (a billion: far above any real count)."""

MAX_MONEY = 10_000_000_000_000
"""The largest amount of money a declaration may state: ten trillion pounds."""

MAX_PLACES = 1_000
"""The most places a system may have."""

Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]
"""A whole number of things, from zero to :data:`MAX_COUNT`."""

Money = Annotated[float, Field(ge=0, le=MAX_MONEY, strict=True)]
"""Pounds as a finite number from 0 to :data:`MAX_MONEY` (an int or a float; never a bool or
text)."""

NetMoney = Annotated[float, Field(ge=-MAX_MONEY, le=MAX_MONEY, strict=True)]
"""Pounds as a finite number that may be negative (a deficit); never a bool or text."""

Name = Annotated[StrictStr, Field(min_length=1, pattern=NON_BLANK_PATTERN)]
"""Required, non-blank text such as an organisation or person name."""

Text = Annotated[StrictStr, Field(min_length=1, pattern=NON_BLANK_PATTERN)]
"""Free text that must not be blank."""
