"""Static types of rule expressions, and the types of declaration fields read off the models.

Types are small frozen values. Object types list their fields, taken once from the pydantic
models, so the checker can say "unknown field … did you mean …" and "a date compared with a
number" before a rule ever runs.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Literal

from pydantic import BaseModel

Kind = Literal["number", "string", "bool", "date", "duration", "list", "object", "any"]


@dataclass(frozen=True, slots=True)
class Type:
    """A static type; ``optional`` means the value may be missing in a valid declaration."""

    kind: Kind
    item: Type | None = None
    choices: tuple[str, ...] | None = None
    model: type[BaseModel] | None = field(default=None, compare=False)
    optional: bool = False

    def describe(self) -> str:
        """Plain words for messages: ``a list of strings``, ``a date``."""
        if self.kind == "list":
            inner = self.item.describe() if self.item else "values"
            return f"a list of {_plural(inner)}"
        if self.kind == "object":
            return "a group of fields"
        if self.kind == "any":
            return "a value"
        return {
            "number": "a number",
            "string": "a text",
            "bool": "true or false",
            "date": "a date",
            "duration": "a duration",
        }[self.kind]

    def fields(self) -> dict[str, Type]:
        """The fields of an object type."""
        if self.model is None:
            return {}
        return model_fields(self.model)

    def required(self) -> Type:
        """The same type, never missing."""
        return Type(self.kind, self.item, self.choices, self.model, False)


def _plural(word: str) -> str:
    for article in ("a ", "an "):
        if word.startswith(article):
            word = word[len(article) :]
    if word == "text":
        return "texts"
    if word == "group of fields":
        return "groups of fields"
    if word == "true or false":
        return "true/false values"
    return word + "s"


NUMBER = Type("number")
STRING = Type("string")
BOOL = Type("bool")
DATE = Type("date")
DURATION = Type("duration")
ANY = Type("any")


def list_of(item: Type) -> Type:
    """``list[item]``."""
    return Type("list", item=item)


def _from_annotation(annotation: Any) -> Type:
    optional = False
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _from_annotation(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        kinds = [_from_annotation(a) for a in args]
        if all(k.kind == "number" for k in kinds):
            base = NUMBER
        elif len(kinds) == 1:
            base = kinds[0]
        else:
            base = ANY
        return Type(base.kind, base.item, base.choices, base.model, optional)
    if origin is Literal:
        values = typing.get_args(annotation)
        if all(isinstance(v, str) for v in values):
            return Type("string", choices=tuple(values))
        return ANY
    if origin in (list, tuple, typing.Sequence):
        items = typing.get_args(annotation)
        return list_of(_from_annotation(items[0]) if items else ANY)
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return Type("object", model=annotation)
        if issubclass(annotation, bool):
            return BOOL
        if issubclass(annotation, int | float):
            return NUMBER
        if issubclass(annotation, str):
            return STRING
        if issubclass(annotation, dt.date):
            return DATE
    return ANY


@functools.cache
def model_fields(model: type[BaseModel]) -> dict[str, Type]:
    """Field name → type for a pydantic model (optional when it may be absent or None)."""
    out: dict[str, Type] = {}
    for name, info in model.model_fields.items():
        t = _from_annotation(info.annotation)
        if not info.is_required() and info.default is None:
            t = Type(t.kind, t.item, t.choices, t.model, True)
        out[name] = t
    return out


def declaration_type(model: type[BaseModel]) -> Type:
    """The root object type of a declaration format."""
    return Type("object", model=model)
