"""The syntax tree of the rule language: frozen, slotted dataclasses with source spans.

Nothing here knows about Lark. Every node carries a :class:`~govrules.source.Span`; spans never
take part in equality, so two trees that say the same thing compare equal wherever they were
written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Literal as TLiteral

from .dates import Duration
from .source import UNKNOWN_SPAN
from .source import Span

Scalar = int | float | str | bool | dt.date | Duration


def _span() -> Span:
    return field(default=UNKNOWN_SPAN, repr=False, compare=False)


class Node:
    """Abstract root of every tree node (never instantiated)."""

    __slots__ = ()
    span: Span


class Expr(Node):
    """Abstract root of expressions."""

    __slots__ = ()


# ---------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Literal(Expr):
    """A number, string, boolean, date or duration (``15 months``) written in the rule."""

    value: Scalar
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class AsOf(Expr):
    """The evaluation date (``as_of``)."""

    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ListLiteral(Expr):
    """``[a, b, c]``."""

    items: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class FieldStep(Node):
    """``.name``."""

    name: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class IndexStep(Node):
    """``[0]``."""

    index: int
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class WildcardStep(Node):
    """``[*]``: every item of a list."""

    span: Span = _span()


Step = FieldStep | IndexStep | WildcardStep


@dataclass(frozen=True, slots=True)
class Path(Expr):
    """A name, then fields, indexes and wildcards: ``accountable_persons[0].agreed_by``.

    The root names a quantifier variable, a ``let`` binding, a parameter, or a top-level field
    of the declaration, looked up in that order.
    """

    root: str
    steps: tuple[Step, ...] = ()
    span: Span = _span()

    def text(self) -> str:
        """The path as written."""
        out = [self.root]
        for s in self.steps:
            if isinstance(s, FieldStep):
                out.append("." + s.name)
            elif isinstance(s, IndexStep):
                out.append(f"[{s.index}]")
            else:
                out.append("[*]")
        return "".join(out)


BinaryOp = TLiteral["+", "-", "*", "/"]
CompareOp = TLiteral["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains"]
Aggregate = TLiteral["count", "sum", "min", "max", "financial_year"]
Presence = TLiteral["exists", "missing", "empty", "not empty"]
RuleProp = TLiteral["met", "applicable"]


@dataclass(frozen=True, slots=True)
class Negate(Expr):
    """``-x``."""

    operand: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    """Arithmetic: ``a + b``, ``a / b``."""

    op: BinaryOp
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Compare(Expr):
    """A comparison or membership test; strings compare case-insensitively, trimmed."""

    op: CompareOp
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Test(Expr):
    """``x exists``, ``x is missing``, ``x is empty``, ``x is not empty``."""

    kind: Presence
    operand: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class And(Expr):
    """``a and b and …``."""

    operands: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Or(Expr):
    """``a or b or …``."""

    operands: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Not(Expr):
    """``not a``."""

    operand: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Call(Expr):
    """``count(list)``, ``sum(list)``, ``min(list)``, ``max(list)``; ``financial_year(date)``,
    the label (``2023/24``) of the financial year, starting 1 April, that holds a date."""

    func: Aggregate
    arg: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Quantifier(Expr):
    """``all x in list where cond satisfy body`` (or ``any``)."""

    kind: TLiteral["all", "any"]
    var: str
    iterable: Expr
    where: Expr | None
    body: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Collect(Expr):
    """``[expr for x in list where cond]``: a list built from another."""

    item: Expr
    var: str
    iterable: Expr
    where: Expr | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RuleRef(Expr):
    """``GOV-2 is met``, ``GOV-2 is not applicable``: another rule's outcome."""

    rule_id: str
    prop: RuleProp
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class IfElse(Expr):
    """``if cond then a else b``: ``a`` when ``cond`` is true, else ``b``."""

    cond: Expr
    then: Expr
    otherwise: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RuleList(Expr):
    """``met(A-1, B-2)`` / ``unmet(A-1, B-2)``: the IDs of the listed rules that are (not) met."""

    met: bool
    rule_ids: tuple[str, ...]
    span: Span = _span()


# ---------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class Template(Node):
    """Plain-English text with ``{expression}`` holes filled from the facts."""

    parts: tuple[str | Expr, ...]
    span: Span = _span()

    def raw(self) -> str:
        """The text with holes shown as ``{…}``."""
        return "".join(p if isinstance(p, str) else "{…}" for p in self.parts)


@dataclass(frozen=True, slots=True)
class Citation(Node):
    """Where a rule or parameter comes from: a declared source, a section, our own words."""

    source: str
    section: str
    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class SourceDecl(Node):
    """``source "004" "NHS Providers briefing…"``."""

    key: str
    title: str
    span: Span = _span()


ParamType = TLiteral["date", "duration", "number", "string", "bool", "list"]


@dataclass(frozen=True, slots=True)
class Param(Node):
    """A named value a policy team can change without touching a rule."""

    name: str
    type: ParamType
    value: Expr
    reason: str | None
    citation: Citation | None
    override: bool = False
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Let(Node):
    """``let name = expr`` inside a rule."""

    name: str
    value: Expr
    span: Span = _span()


Severity = TLiteral["must", "should"]


@dataclass(frozen=True, slots=True)
class Rule(Node):
    """One criterion: what it requires, when, why, and what would fix it.

    Optional parts are ``None`` when absent; the checker reports required parts that are missing.
    ``met_on`` is the date the criterion was met (``met on …``), compared with the due date to
    tell a late pass from a timely one.
    """

    id: str
    title: str | None
    severity: Severity | None
    due: Literal | Path | None
    decisions: tuple[str, ...]
    when: Expr | None
    lets: tuple[Let, ...]
    require: Expr | None
    met_on: Expr | None
    citation: Citation | None
    explain: Template | None
    explain_met: Template | None
    explain_na: Template | None
    remedy: Template | None
    text: str = field(default="", compare=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Header(Node):
    """``ruleset "name" version "v" for "govrules/place/v1"``.

    ``declaration_format`` is ``None`` when the header names no format; the checker then uses
    the default of the format registry it is handed.
    """

    name: str
    version: str
    declaration_format: str | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Module(Node):
    """One parsed rule file."""

    header: Header
    sources: tuple[SourceDecl, ...]
    params: tuple[Param, ...]
    rules: tuple[Rule, ...]
    span: Span = _span()
