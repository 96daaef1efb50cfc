"""The value semantics of the rule language, one function per operation.

Both Python engines call these: the closure interpreter (the reference semantics) and the code
generated from the syntax tree. ``None`` is a missing or unknown value; every operation on one
is unknown, except where noted.

- Texts compare case-insensitively, with repeated and surrounding spaces ignored and ``&`` read
  as ``and`` (:func:`norm`).
- Arithmetic that overflows, or divides by zero, is unknown. Dates move by durations and
  ``date - date`` counts days (:mod:`govrules.dates`).
- ``count`` of a missing list is 0; ``min``/``max``/``sum`` of a list holding a missing value
  are unknown.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import BaseModel

from .dates import Duration
from .dates import shift

_NORMALISED: dict[str, str] = {}


def norm(value: Any) -> Any:
    """The comparison key of a value: texts case-folded with whitespace collapsed and ``&``
    read as ``and``.

    Examples:
        >>> norm("  Northshire   County Council ")
        'northshire county council'
        >>> norm("Health & Wellbeing Board") == norm("health and wellbeing board")
        True
        >>> norm(3)
        3
    """
    if type(value) is not str:
        return value
    key = _NORMALISED.get(value)
    if key is None:
        key = " ".join(value.replace("&", " and ").split()).casefold()
        if len(_NORMALISED) < 100_000:  # names recur across declarations; bound the memory
            _NORMALISED[value] = key
    return key


# ---------------------------------------------------------------- arithmetic

_DATED = (dt.date, Duration)


def finite(value: Any) -> Any:
    """A number, or ``None`` for a float that overflowed to infinity: too large is unknown,
    as division by zero is."""
    if value.__class__ is float and not math.isfinite(value):
        return None
    return value


def calendar(op: str, a: Any, b: Any) -> Any:
    """Date arithmetic (``date ± duration``, ``date - date`` in days); ``None`` off the
    calendar or for operands the checker would not have let through."""
    try:
        if type(a) is dt.date:
            if type(b) is Duration:
                return shift(a, b if op == "+" else b.negated())
            if type(b) is dt.date and op == "-":
                return (a - b).days
        elif type(a) is Duration and type(b) is dt.date and op == "+":
            return shift(b, a)
    except OverflowError:
        return None
    return None


def add(a: Any, b: Any) -> Any:
    """``a + b``: numbers, texts, lists (a missing right side adds nothing), date ± duration."""
    if type(a) is list:
        return a + (b if type(b) is list else [] if b is None else [b])
    if a is None or b is None:
        return None
    if isinstance(a, _DATED) or isinstance(b, _DATED):
        return calendar("+", a, b)
    try:
        return finite(a + b)
    except (OverflowError, TypeError):
        return None


def sub(a: Any, b: Any) -> Any:
    """``a - b``: numbers, ``date - duration``, ``date - date`` (days)."""
    if a is None or b is None:
        return None
    if isinstance(a, _DATED) or isinstance(b, _DATED):
        return calendar("-", a, b)
    try:
        return finite(a - b)
    except (OverflowError, TypeError):
        return None


def mul(a: Any, b: Any) -> Any:
    """``a * b``; unknown when it overflows."""
    if a is None or b is None:
        return None
    try:
        return finite(a * b)
    except (OverflowError, TypeError):
        return None


def div(a: Any, b: Any) -> Any:
    """``a / b``; unknown when ``b`` is 0 or it overflows."""
    if a is None or b is None or b == 0:
        return None
    try:
        return finite(a / b)
    except (OverflowError, TypeError):
        return None


def negate(a: Any) -> Any:
    """``-a``."""
    return None if a is None else -a


# ---------------------------------------------------------------- comparison


def eq(a: Any, b: Any) -> bool | None:
    """``a == b`` (texts by :func:`norm`)."""
    if a is None or b is None:
        return None
    if a.__class__ is str and b.__class__ is str:  # the common case, without two calls
        get = _NORMALISED.get
        return (get(a) or norm(a)) == (get(b) or norm(b))
    return bool(norm(a) == norm(b))


def eq_key(a: Any, key: str) -> bool | None:
    """``a == text`` where ``key`` is ``norm(text)``, worked out once (generated code).

    Examples:
        >>> eq_key("Place Board", norm("place board")), eq_key(None, "x"), eq_key(3, "3")
        (True, None, False)
    """
    if a is None:
        return None
    if a.__class__ is str:
        return (_NORMALISED.get(a) or norm(a)) == key
    return bool(norm(a) == key)


def ne_key(a: Any, key: str) -> bool | None:
    """``a != text``, as :func:`eq_key`."""
    found = eq_key(a, key)
    return None if found is None else not found


def ne(a: Any, b: Any) -> bool | None:
    """``a != b``."""
    if a is None or b is None:
        return None
    return bool(norm(a) != norm(b))


def lt(a: Any, b: Any) -> bool | None:
    """``a < b`` (texts order as they compare)."""
    if a is None or b is None:
        return None
    if type(a) is str:
        return bool(norm(a) < norm(b))
    return bool(a < b)


def le(a: Any, b: Any) -> bool | None:
    """``a <= b``."""
    if a is None or b is None:
        return None
    if type(a) is str:
        return bool(norm(a) <= norm(b))
    return bool(a <= b)


def gt(a: Any, b: Any) -> bool | None:
    """``a > b``."""
    if a is None or b is None:
        return None
    if type(a) is str:
        return bool(norm(a) > norm(b))
    return bool(a > b)


def ge(a: Any, b: Any) -> bool | None:
    """``a >= b``."""
    if a is None or b is None:
        return None
    if type(a) is str:
        return bool(norm(a) >= norm(b))
    return bool(a >= b)


COMPARISONS = {"==": eq, "!=": ne, "<": lt, "<=": le, ">": gt, ">=": ge}


def member(item: Any, container: Any) -> bool | None:
    """``item in container`` (a list, or text in text)."""
    if item is None or container is None:
        return None
    if type(container) is str:
        return bool(norm(item) in norm(container))
    key = norm(item)
    get = _NORMALISED.get
    for x in container:
        if (get(x) or norm(x) if x.__class__ is str else x) == key:
            return True
    return False


def not_member(item: Any, container: Any) -> bool | None:
    """``item not in container``."""
    found = member(item, container)
    return None if found is None else not found


# ---------------------------------------------------------------- aggregates


def count(v: Any) -> int:
    """``count(list)``; a missing list counts 0."""
    return 0 if v is None else len(v)


def total(v: Any) -> Any:
    """``sum(list)``."""
    if v is None or None in v:
        return None
    try:
        return finite(sum(v))
    except (OverflowError, TypeError):
        return None


def least(v: Any) -> Any:
    """``min(list)`` (numbers or dates); unknown for an empty list or a missing item."""
    return min(v) if v and None not in v else None


def greatest(v: Any) -> Any:
    """``max(list)``."""
    return max(v) if v and None not in v else None


def financial_year(date: Any) -> str | None:
    """The label of the financial year (1 April to 31 March) that holds a date.

    Examples:
        >>> financial_year(dt.date(2024, 3, 31)), financial_year(dt.date(2024, 4, 1))
        ('2023/24', '2024/25')
        >>> financial_year(dt.date(1999, 12, 31))
        '1999/00'
    """
    if type(date) is not dt.date:
        return None
    start = date.year if date.month >= 4 else date.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


CALLS = {"count": count, "sum": total, "min": least, "max": greatest}


# ---------------------------------------------------------------- facts


_NAMED: dict[type, bool] = {}


def _named(model: type[BaseModel]) -> bool:
    """Whether a model has a ``name`` field (cached: pydantic's class lookup is slow)."""
    named = _NAMED.get(model)
    if named is None:
        named = _NAMED[model] = "name" in model.model_fields
    return named


def fact_view(value: Any) -> Any:
    """How a value read by a rule is shown among a finding's facts.

    A list of named items is shown by their names; a group of fields as a mapping; anything
    else as it is. Declarations may be read as mappings or as validated models: both give the
    same view.

    Examples:
        >>> fact_view([{"name": "A", "tier": "upper"}, {"name": "B", "tier": "lower"}])
        ['A', 'B']
    """
    if type(value) is list and value:
        first = value[0]
        if type(first) is dict:
            if all(type(v) is dict and "name" in v for v in value):
                return [v["name"] for v in value]
        elif isinstance(first, BaseModel):
            if all(isinstance(v, BaseModel) and _named(type(v)) for v in value):
                return [v.name for v in value]
            return [v.model_dump() if isinstance(v, BaseModel) else v for v in value]
        return value
    if isinstance(value, BaseModel):
        return value.model_dump()
    return value
