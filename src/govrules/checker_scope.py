"""Type inference of the expressions of one rule, against the declaration model it checks.

A :class:`Scope` knows the names visible in a rule (its ``let`` bindings, loop variables,
parameters and the declaration's fields) and infers the type of each expression, reporting
every mismatch through the checker it belongs to.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from pydantic import BaseModel

from . import ast
from . import types as T
from .dates import Duration
from .program import ParamValue
from .source import Source
from .source import Span

if TYPE_CHECKING:
    from .checker import _Checker


def type_of_value(value: ParamValue) -> T.Type:
    if isinstance(value, bool):
        return T.BOOL
    if isinstance(value, int | float):
        return T.NUMBER
    if isinstance(value, str):
        return T.STRING
    if isinstance(value, dt.date):
        return T.DATE
    if isinstance(value, Duration):
        return T.DURATION
    items = [type_of_value(v) for v in value]
    kinds = {i.kind for i in items}
    return T.list_of(items[0] if len(kinds) == 1 else T.ANY)


#: Most diagnostics reported for one load; past it checking stops (a text of thousands of
#: errors needs its first ones fixed, and the rest would only cost time).
MAX_DIAGNOSTICS = 200
#: Most names a "did you mean" compares against (the nearest in length are kept).
_MAX_SUGGESTION_OPTIONS = 400


def close_match(word: str, options: Sequence[str]) -> str | None:
    """``did you mean 'x'?`` for the closest option, or None.

    difflib compares every pair; with many options only those of a similar length (the only
    ones that can reach the cutoff) are compared, at most a few hundred.
    """
    candidates = list(options)
    if len(candidates) > _MAX_SUGGESTION_OPTIONS:
        candidates = [o for o in candidates if abs(len(o) - len(word)) <= 3]
        candidates.sort(key=lambda o: (abs(len(o) - len(word)), o))
        candidates = candidates[:_MAX_SUGGESTION_OPTIONS]
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else None


class Scope:
    """Names visible in one rule, and type inference of its expressions."""

    def __init__(self, checker: _Checker, source: Source, model: type[BaseModel]) -> None:
        self.c = checker
        self.source = source
        self.root = T.model_fields(model)
        self.lets: dict[str, T.Type] = {}
        self.vars: list[tuple[str, T.Type]] = []
        self.rule_refs: list[str] = []
        self.in_loop = 0

    def has_name(self, name: str) -> bool:
        """Whether ``name`` is already visible (without building the set of every name)."""
        return (
            name in self.lets
            or name in self.c.params
            or name in self.root
            or any(v == name for v, _ in self.vars)
        )

    def describe_name(self, name: str) -> str:
        if name in self.lets:
            return f"an earlier 'let {name}'"
        if any(v == name for v, _ in self.vars):
            return f"the variable {name}"
        if name in self.c.params:
            return f"parameter {name}"
        return f"declaration field {name}"

    def err(self, span: Span, code: str, message: str, hint: str | None = None) -> T.Type:
        self.c.error(self.source, span, code, message, hint)
        return T.ANY

    def expect_bool(self, expr: ast.Expr, where: str) -> None:
        t = self.infer(expr)
        if t.kind not in ("bool", "any"):
            self.err(
                expr.span,
                "type_error",
                f"'{where}' needs a condition (true or false), but this is {t.describe()}",
                hint="compare it, e.g. '… exists' or '… == …'",
            )

    def infer(self, e: ast.Expr) -> T.Type:
        """The type of ``e``, reporting every mismatch inside it."""
        infer = _INFER.get(type(e))
        if infer is None:  # pragma: no cover - every node kind has an entry in _INFER
            return T.ANY
        return infer(self, e)

    def _literal(self, e: ast.Literal) -> T.Type:
        return type_of_value(e.value)

    def _as_of(self, e: ast.AsOf) -> T.Type:
        return T.DATE

    def _list_literal(self, e: ast.ListLiteral) -> T.Type:
        items = [self.infer(i) for i in e.items]
        kinds = {i.kind for i in items} - {"any"}
        if len(kinds) > 1:
            return self.err(e.span, "type_error", "a list mixes values of different kinds")
        return T.list_of(next((i for i in items if i.kind != "any"), T.ANY))

    def _negate(self, e: ast.Negate) -> T.Type:
        t = self.infer(e.operand)
        if t.kind not in ("number", "any"):
            return self.err(e.span, "type_error", f"cannot negate {t.describe()}")
        return T.NUMBER

    def _test(self, e: ast.Test) -> T.Type:
        t = self.infer(e.operand)
        if e.kind in ("empty", "not empty") and t.kind not in ("list", "string", "any"):
            self.err(
                e.span,
                "type_error",
                f"'is {e.kind}' applies to lists and texts, not {t.describe()}",
            )
        if e.kind in ("exists", "missing") and not isinstance(e.operand, ast.Path):
            self.err(e.span, "type_error", f"'{e.kind}' applies to a field path")
        return T.BOOL

    def _and_or(self, e: ast.And | ast.Or) -> T.Type:
        word = "and" if isinstance(e, ast.And) else "or"
        for op in e.operands:
            t = self.infer(op)
            if t.kind not in ("bool", "any"):
                self.err(
                    op.span,
                    "type_error",
                    f"'{word}' joins conditions, but this is {t.describe()}",
                )
        return T.BOOL

    def _not(self, e: ast.Not) -> T.Type:
        t = self.infer(e.operand)
        if t.kind not in ("bool", "any"):
            self.err(e.span, "type_error", f"'not' needs a condition, not {t.describe()}")
        return T.BOOL

    def _call(self, e: ast.Call) -> T.Type:
        t = self.infer(e.arg)
        if e.func == "financial_year":
            if t.kind not in ("date", "any"):
                return self.err(
                    e.span,
                    "type_error",
                    f"financial_year() needs a date, but this is {t.describe()}",
                    hint="e.g. financial_year(as_of) is the label, such as 2023/24, of "
                    "the financial year holding the evaluation date",
                )
            return T.STRING
        if t.kind not in ("list", "any"):
            return self.err(
                e.span,
                "type_error",
                f"{e.func}() needs a list, but this is {t.describe()}",
                hint="use a path with [*], e.g. accountable_persons[*].name",
            )
        if e.func == "count":
            return T.NUMBER
        item = t.item or T.ANY
        allowed = ("number", "any") if e.func == "sum" else ("number", "date", "any")
        if item.kind not in allowed:
            return self.err(
                e.span,
                "type_error",
                f"{e.func}() needs {'numbers' if e.func == 'sum' else 'numbers or dates'}, "
                f"but this is {t.describe()}",
            )
        return item.required() if item.kind != "any" else T.ANY

    def _if_else(self, e: ast.IfElse) -> T.Type:
        self.expect_bool(e.cond, "if")
        a, b = self.infer(e.then), self.infer(e.otherwise)
        if "any" not in (a.kind, b.kind) and a.kind != b.kind:
            return self.err(
                e.span,
                "type_error",
                f"'if' gives {a.describe()} or {b.describe()}; both branches must be of one kind",
            )
        return a if a.kind != "any" else b

    def _rule_list(self, e: ast.RuleList) -> T.Type:
        for rid in e.rule_ids:
            if rid not in self.c.rule_sites:
                self.err(
                    e.span,
                    "unknown_rule",
                    f"no rule has ID {rid}",
                    hint=close_match(rid, list(self.c.rule_sites)),
                )
            else:
                self.rule_refs.append(rid)
        return T.list_of(T.STRING)

    def _rule_ref(self, e: ast.RuleRef) -> T.Type:
        if e.rule_id not in self.c.rule_sites:
            return self.err(
                e.span,
                "unknown_rule",
                f"no rule has ID {e.rule_id}",
                hint=close_match(e.rule_id, list(self.c.rule_sites)),
            )
        if self.in_loop:
            self.err(
                e.span,
                "rule_ref_in_loop",
                "another rule's outcome cannot be tested inside all/any/[… for …]",
                hint="test it outside the loop, joined with 'and'/'or'",
            )
        self.rule_refs.append(e.rule_id)
        return T.BOOL

    def _path(self, e: ast.Path) -> T.Type:
        var = next((t for v, t in reversed(self.vars) if v == e.root), None)
        if var is not None:
            t = var
        elif e.root in self.lets:
            t = self.lets[e.root]
        elif e.root in self.c.params:
            p = self.c.params[e.root]
            t = type_of_value(p.value)
        elif e.root in self.root:
            t = self.root[e.root]
        else:
            options = list(self.root) + list(self.c.params) + list(self.lets)
            options += [v for v, _ in self.vars]
            return self.err(
                e.span,
                "unknown_name",
                f"unknown name '{e.root}'",
                hint=close_match(e.root, options)
                or "a path starts at a declaration field, a parameter, a 'let' or a loop variable",
            )
        mapped = False  # after [*], later steps apply to every item
        for step in e.steps:
            base = t.item if mapped and t.kind == "list" and t.item else t
            if isinstance(step, ast.FieldStep):
                if base.kind == "list":
                    return self.err(
                        step.span,
                        "type_error",
                        f"'{e.text()}' reads a field of a list",
                        hint="pick items first: [0] for the first, [*] for all",
                    )
                if base.kind != "object":
                    if base.kind == "any":
                        return T.ANY
                    return self.err(
                        step.span,
                        "type_error",
                        f"'{step.name}' is read from {base.describe()}, which has no fields",
                    )
                fields = base.fields()
                if step.name not in fields:
                    return self.err(
                        step.span,
                        "unknown_field",
                        f"unknown field '{step.name}'",
                        hint=close_match(step.name, list(fields))
                        or "fields here: " + ", ".join(fields),
                    )
                nt = fields[step.name]
            elif isinstance(step, ast.IndexStep | ast.WildcardStep):
                if base.kind != "list":
                    if base.kind == "any":
                        return T.ANY
                    sym = "[*]" if isinstance(step, ast.WildcardStep) else f"[{step.index}]"
                    return self.err(
                        step.span,
                        "type_error",
                        f"'{sym}' applies to a list, but this is {base.describe()}",
                    )
                nt = base.item or T.ANY
                if isinstance(step, ast.WildcardStep):
                    if mapped:
                        t = T.list_of(nt)  # flatten a list of lists
                        continue
                    mapped = True
                    t = T.list_of(nt)
                    continue
            if mapped:
                if nt.kind == "list":
                    nt = nt.item or T.ANY  # projections flatten
                t = T.list_of(nt)
            else:
                t = nt
        return t

    def _binary(self, e: ast.Binary) -> T.Type:
        lt, rt = self.infer(e.left), self.infer(e.right)
        if e.op == "+" and lt.kind == "list" and rt.kind in ("list", "any"):
            return T.list_of(lt.item or T.ANY)
        if e.op == "+" and lt.kind == "string" and rt.kind in ("string", "any"):
            return T.STRING
        dated = self._calendar(e, lt, rt)
        if dated is not None:
            return dated
        for t, side in ((lt, e.left), (rt, e.right)):
            if t.kind not in ("number", "any"):
                hint = None
                if t.kind == "date":
                    hint = "add or subtract a duration, e.g. as_of - 15 months"
                elif t.kind == "duration":
                    hint = "a duration is added to or subtracted from a date"
                return self.err(
                    side.span,
                    "type_error",
                    f"'{e.op}' needs numbers, but this is {t.describe()}",
                    hint=hint,
                )
        return T.NUMBER

    def _calendar(self, e: ast.Binary, lt: T.Type, rt: T.Type) -> T.Type | None:
        """Date arithmetic: ``date ± duration`` is a date, ``date - date`` a number of days."""
        kinds = (lt.kind, rt.kind)
        if e.op == "+" and kinds in (("date", "duration"), ("duration", "date")):
            return T.DATE
        if e.op == "-" and kinds == ("date", "duration"):
            return T.DATE
        if e.op == "-" and kinds == ("date", "date"):
            return T.NUMBER
        if e.op in ("+", "-") and "date" in kinds and "number" in kinds:
            return self.err(
                e.span,
                "type_error",
                f"'{e.op}' with a date needs a duration, not a plain number",
                hint="say what the number counts, e.g. + 30 days or - 15 months",
            )
        if e.op in ("+", "-") and "date" in kinds and "any" in kinds:
            return T.ANY
        return None

    def _compare(self, e: ast.Compare) -> T.Type:
        lt, rt = self.infer(e.left), self.infer(e.right)
        if "duration" in (lt.kind, rt.kind):
            return self.err(
                e.span,
                "type_error",
                "durations are not compared",
                hint="compare dates instead, e.g. r.period_end >= as_of - 15 months",
            )
        if e.op in ("in", "not in", "contains"):
            container, item, item_expr = (
                (rt, lt, e.left) if e.op != "contains" else (lt, rt, e.right)
            )
            if container.kind == "string" and item.kind in ("string", "any"):
                return T.BOOL
            if container.kind not in ("list", "any"):
                return self.err(
                    e.span,
                    "type_error",
                    f"'{e.op}' needs a list (or a text), but this is {container.describe()}",
                )
            inner = container.item or T.ANY
            if "any" not in (inner.kind, item.kind) and inner.kind != item.kind:
                return self.err(
                    e.span, "type_error", f"looking for {item.describe()} in {container.describe()}"
                )
            self._check_choice(inner, item_expr)
            return T.BOOL
        if "any" in (lt.kind, rt.kind):
            return T.BOOL
        if lt.kind != rt.kind:
            return self.err(
                e.span,
                "type_error",
                f"'{e.op}' compares {lt.describe()} with {rt.describe()}",
                hint="both sides must be of one kind (dates with dates, numbers with numbers)",
            )
        if e.op not in ("==", "!=") and lt.kind not in ("number", "date", "string"):
            return self.err(
                e.span,
                "type_error",
                f"'{e.op}' orders numbers, dates and texts, not {_plural_kind(lt)}",
                hint="use == or != here",
            )
        if lt.kind == "list":
            return self.err(
                e.span,
                "type_error",
                "lists cannot be compared with == or !=",
                hint="use 'in', 'contains', count() or all/any",
            )
        self._check_choice(lt, e.right)
        self._check_choice(rt, e.left)
        return T.BOOL

    def _check_choice(self, t: T.Type, other: ast.Expr) -> None:
        """A literal compared with an enumerated field must be one of its values."""
        if not t.choices:
            return
        literals = [other] if isinstance(other, ast.Literal) else []
        if isinstance(other, ast.ListLiteral):
            literals = [i for i in other.items if isinstance(i, ast.Literal)]
        for lit in literals:
            keys = {" ".join(c.split()).casefold() for c in t.choices}
            if isinstance(lit.value, str) and " ".join(lit.value.split()).casefold() not in keys:
                self.err(
                    lit.span,
                    "unknown_value",
                    f'"{lit.value}" is never a value of this field',
                    hint=close_match(lit.value, t.choices) or "values: " + ", ".join(t.choices),
                )

    def _loop(self, e: ast.Quantifier | ast.Collect) -> T.Type:
        it = self.infer(e.iterable)
        if it.kind not in ("list", "any"):
            self.err(
                e.iterable.span,
                "type_error",
                f"'{e.var} in …' needs a list, but this is {it.describe()}",
            )
        if self.has_name(e.var):
            self.err(
                e.span,
                "name_clash",
                f"loop variable '{e.var}' hides {self.describe_name(e.var)}",
                hint="choose another name",
            )
        self.vars.append((e.var, (it.item or T.ANY).required() if it.item else T.ANY))
        self.in_loop += 1
        try:
            if e.where is not None:
                self.expect_bool(e.where, "where")
            if isinstance(e, ast.Quantifier):
                self.expect_bool(e.body, "satisfy")
                return T.BOOL
            return T.list_of(self.infer(e.item))
        finally:
            self.in_loop -= 1
            self.vars.pop()


#: How :meth:`Scope.infer` types each kind of expression node.
_INFER: dict[type[ast.Expr], Callable[[Scope, Any], T.Type]] = {
    ast.Literal: Scope._literal,
    ast.AsOf: Scope._as_of,
    ast.ListLiteral: Scope._list_literal,
    ast.Path: Scope._path,
    ast.Negate: Scope._negate,
    ast.Binary: Scope._binary,
    ast.Compare: Scope._compare,
    ast.Test: Scope._test,
    ast.And: Scope._and_or,
    ast.Or: Scope._and_or,
    ast.Not: Scope._not,
    ast.Call: Scope._call,
    ast.Quantifier: Scope._loop,
    ast.Collect: Scope._loop,
    ast.IfElse: Scope._if_else,
    ast.RuleList: Scope._rule_list,
    ast.RuleRef: Scope._rule_ref,
}


def _plural_kind(t: T.Type) -> str:
    return {"string": "texts", "bool": "true/false values", "object": "groups of fields"}.get(
        t.kind, t.kind
    )
