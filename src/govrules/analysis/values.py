"""Symbolic values of rule expressions, and the universe of texts they compare.

Every value carries ``defined``, a solver condition that holds when the interpreter's value is
not ``None`` (a fact that is declared, an arithmetic result that exists). Conditions are values
of kind ``bool``: true when ``defined and value``, false when ``defined and not value``,
unknown otherwise -- the interpreter's three-valued (Kleene) logic in two solver literals.

Texts are uninterpreted values with the language's equality, encoded as integers: a text
written in a rule is one code per *comparison key* (:func:`govrules.interpreter.norm`:
case-folded, spaces collapsed, ``&`` read as ``and``), so two spellings the language calls equal
are one code, and distinct keys are distinct codes. A declared text is an integer variable: it
may equal any key, or none. Only equality is used on texts, except that financial-year labels
(``2023/24``) are coded by their start year, so ``financial_year(as_of)`` can be compared with,
and ordered against, the years a declaration states.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from fractions import Fraction
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

import z3

from ..dates import Duration
from ..interpreter import norm
from .calendar import label_year

if TYPE_CHECKING:
    from .space import ObjNode

ScalarKind = Literal["number", "date", "bool", "text", "duration"]

TRUE = z3.BoolVal(True)
FALSE = z3.BoolVal(False)


@dataclass(frozen=True)
class Val:
    """A scalar: a number (real), date (ordinal), condition, text or a constant duration."""

    kind: ScalarKind
    defined: z3.BoolRef
    value: Any  # z3 expression; a Duration for kind "duration"
    #: a text known never to be empty (declared texts are non-blank)
    nonblank: bool = True
    #: for a financial-year label, its start year: labels order as their years do
    start: Any = None

    @property
    def true(self) -> z3.BoolRef:
        """The condition is definitely true."""
        return z3.And(self.defined, self.value)

    @property
    def false(self) -> z3.BoolRef:
        """The condition is definitely false."""
        return z3.And(self.defined, z3.Not(self.value))


@dataclass(frozen=True)
class ListV:
    """A list of at most a few items: each slot is an item when its ``member`` condition holds.

    ``ordered`` lists (declared lists, literals) have their members first, in order, so an
    index ``[n]`` is slot ``n``; filtered lists are not ordered that way.
    """

    defined: z3.BoolRef
    slots: tuple[tuple[z3.BoolRef, SV], ...]
    ordered: bool = False


@dataclass(frozen=True)
class ObjV:
    """A group of fields of the declaration (a block, or an item of a declared list)."""

    defined: z3.BoolRef
    node: ObjNode


SV = Val | ListV | ObjV


def cond(t: z3.BoolRef, f: z3.BoolRef) -> Val:
    """A condition from "definitely true" and "definitely false" (never both)."""
    return Val("bool", z3.Or(t, f), t)


def simplify(e: Any) -> Any:
    """A smaller solver expression with the same meaning."""
    return z3.simplify(e)


#: Texts are numbers: a key written in a rule is a small positive code, a financial-year
#: label is this offset plus its start year (so labels order as their years do), and a text
#: of a known declaration that no rule writes is a negative code.
LABEL_OFFSET = 1_000_000


@dataclass
class Texts:
    """The texts of one analysis: a code per comparison key, variables for declared texts."""

    #: key -> (code, a spelling of it to show)
    keys: dict[str, tuple[int, str]] = field(default_factory=dict)

    def literal(self, text: str) -> Val:
        """A text written in a rule (or a parameter), by its comparison key."""
        key = norm(text)
        start = label_year(key)
        if start is not None:
            year = z3.IntVal(start)
            return Val("text", TRUE, self.label_of(year), bool(text), year)
        if key not in self.keys:
            self.keys[key] = (len(self.keys) + 1, text)
        return Val("text", TRUE, z3.IntVal(self.keys[key][0]), bool(text))

    def variable(self, name: str) -> z3.ArithRef:
        """A declared text: any key at all."""
        return z3.Int(name)

    def label_of(self, start: z3.ArithRef) -> z3.ArithRef:
        """The label of the financial year starting in a (symbolic) year."""
        return LABEL_OFFSET + start

    def show(self, model: z3.ModelRef, value: z3.ExprRef, fresh: dict[str, str]) -> str:
        """A spelling of a text value of a model (a fresh name for a text no rule writes)."""
        code = model.eval(value, model_completion=True).as_long()
        for known, spelling in self.keys.values():
            if known == code:
                return spelling
        if 1000 <= code - LABEL_OFFSET <= 9998:
            y = code - LABEL_OFFSET
            return f"{y:04d}/{(y + 1) % 100:02d}"
        return fresh.setdefault(str(code), f"example-{len(fresh) + 1}")

    def bind(self, text: str, extra: dict[str, int]) -> z3.ArithRef:
        """The text value of a concrete string (for checking a known declaration)."""
        key = norm(text)
        start = label_year(key)
        if start is not None:
            return self.label_of(z3.IntVal(start))
        if key in self.keys:
            return z3.IntVal(self.keys[key][0])
        return z3.IntVal(extra.setdefault(key, -1 - len(extra)))


def constant(value: Any, texts: Texts) -> SV:
    """A rule literal or parameter value as a symbolic value."""
    if isinstance(value, bool):
        return Val("bool", TRUE, z3.BoolVal(value))
    if isinstance(value, int | float):
        # The decimal a person wrote (0.8 is 4/5), not the nearest binary float.
        return Val("number", TRUE, z3.RealVal(str(Fraction(repr(value)))))
    if isinstance(value, str):
        return texts.literal(value)
    if isinstance(value, dt.date):
        return Val("date", TRUE, z3.IntVal(value.toordinal()))
    if isinstance(value, Duration):
        return Val("duration", TRUE, value)
    items = tuple((TRUE, constant(v, texts)) for v in value)
    return ListV(TRUE, items, ordered=True)
