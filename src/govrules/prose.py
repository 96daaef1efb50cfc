"""Values in words: how a rule's explanation templates show what they read.

Both Python engines fill templates through :func:`fill`, so the reference interpreter and the
generated code word a finding the same way:

- a list reads as ``A, B and C`` (``none`` when empty); yes/no for booleans; a missing value
  as ``(not declared)``;
- a number is shown without float noise (at most four decimals);
- a value of a declaration field with a fixed set of choices is shown by its label
  (``joint_committee`` reads ``joint committee``; the labels come from the declaration models,
  so a new choice needs no code here);
- a word written ``outcome(s)`` right after a number takes the number's grammatical number:
  ``1 outcome``, ``3 outcomes`` (``person(s)`` gives ``people``);
- a number right before a ``%`` is a percentage, shown with at most one decimal
  (``{share * 100}%`` reads ``78.1%``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from . import types as T
from .dates import Duration

#: Irregular plurals of the words rule texts write with ``(s)``.
_IRREGULAR = {"person": "people"}
#: `` word(s)`` (up to three words before the ``(s)``) at the start of a literal part.
_COUNTED = re.compile(r"^(\s+(?:[A-Za-z-]+\s+){0,2}?)([A-Za-z-]+)\(s\)")


_LABELS: dict[str, str] = {}


def _labels() -> dict[str, str]:
    """Choice value → label, for every field with fixed choices in every declaration format."""
    from .formats import DECLARATION_FORMATS

    labels: dict[str, str] = {}
    seen: set[type[BaseModel]] = set()

    def visit(t: T.Type) -> None:
        if t.choices:
            for choice in t.choices:
                if "_" in choice:
                    labels[choice] = choice.replace("_", " ")
        if t.item is not None:
            visit(t.item)
        if t.model is not None and t.model not in seen:
            seen.add(t.model)
            for field in T.model_fields(t.model).values():
                visit(field)

    for model in DECLARATION_FORMATS.values():
        visit(T.declaration_type(model))
    _LABELS.update(labels)
    return _LABELS


def label(value: str) -> str:
    """The label of a choice value (the value itself when it has no other label).

    Examples:
        >>> label("joint_committee"), label("alliance"), label("Northshire")
        ('joint committee', 'alliance', 'Northshire')
    """
    return _labels().get(value, value)


def show(value: Any) -> str:
    """A value as a person reads it in an explanation.

    Examples:
        >>> show(["Northshire County Council", "NHS Northshire ICB"])
        'Northshire County Council and NHS Northshire ICB'
        >>> show(None)
        '(not declared)'
        >>> show(0.8), show(0.83891)
        ('0.8', '0.8389')
        >>> show(["dual_role", "lead_of_place_arrangement"])
        'dual role and lead of place arrangement'
    """
    kind = value.__class__
    if kind is str:
        text: str = value
        return (_LABELS or _labels()).get(text, text)
    if kind is int:
        return str(value)
    if value is None:
        return "(not declared)"
    if kind is bool:
        return "yes" if value else "no"
    if kind is dt.date:
        return value.isoformat()  # type: ignore[no-any-return]
    if kind is Duration:
        return str(value)
    if kind is float:
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text if text != "-0" else "0"
    if kind is list:
        shown = [show(v) for v in value]
        if not shown:
            return "none"
        if len(shown) == 1:
            return shown[0]
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    if isinstance(value, dict):
        return str(value.get("name", "(details)"))
    return str(value)


def _counted(text: str, number: Any) -> str:
    """``text`` with a leading `` word(s)`` agreeing with ``number``."""
    match = _COUNTED.match(text)
    if match is None:
        return text
    word = match.group(2)
    if number == 1:
        chosen = word
    else:
        chosen = _IRREGULAR.get(word.lower(), word + "s")
    return match.group(1) + chosen + text[match.end() :]


class Shape:
    """A template's literal texts, with ``None`` where a hole is, prepared once per template:
    :meth:`fill` is called for every finding of every evaluation."""

    __slots__ = ("parts", "literals", "plain")

    def __init__(self, parts: tuple[str | None, ...]) -> None:
        self.parts = parts
        # literal text before each hole, and after the last one
        literals: list[str] = [""]
        for part in parts:
            if part is None:
                literals.append("")
            else:
                literals[-1] += part
        self.literals = tuple(literals)
        # no literal right after a hole needs a look at the value before it
        self.plain = not any("(s)" in text or text.startswith("%") for text in self.literals[1:])

    def __repr__(self) -> str:
        return f"Shape({self.parts!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shape) and other.parts == self.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def fill(self, holes: Sequence[Any]) -> str:
        """The text, with each hole shown (:func:`show`) and agreed (see the module's notes)."""
        literals = self.literals
        if self.plain:
            out = [literals[0]]
            for value, text in zip(holes, literals[1:], strict=True):
                out.append(show(value))
                out.append(text)
            return "".join(out)
        return fill(self.parts, holes)


def fill(shape: tuple[str | None, ...], holes: Sequence[Any]) -> str:
    """A template's text: ``shape`` holds its literal texts, with ``None`` where a hole is, and
    ``holes`` the holes' values in order.

    Examples:
        >>> fill(("", None, " outcome(s) declared"), [1])
        '1 outcome declared'
        >>> fill(("", None, " accountable person(s) named"), [2])
        '2 accountable people named'
        >>> fill(("a share of ", None, "%"), [78.0952])
        'a share of 78.1%'
    """
    out: list[str] = []
    previous: Any = None
    values = iter(holes)
    for part in shape:
        if part is None:
            previous = next(values)
            out.append(show(previous))
        elif part.startswith("%") and previous.__class__ is float:
            out[-1] = show(round(previous, 1))
            out.append(part)
            previous = None
        else:
            if previous is not None and previous.__class__ in (int, float) and "(s)" in part:
                part = _counted(part, previous)
            out.append(part)
            previous = None
    return "".join(out)
