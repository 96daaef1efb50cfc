"""Coverage of rules by their tests: statuses reached, and conditions decided both ways.

Two kinds of coverage point, per rule:

- **statuses**: each status the rule can have (``pass`` and ``fail``; ``not_applicable`` when
  it has ``applies when``; ``not_yet_due`` when it has ``due``) is a point, covered when a case
  that states an expectation for the rule sees it;
- **conditions** (MC/DC, modified condition/decision coverage): every ``and``, ``or`` and
  quantifier (``all``/``any``) in the rule's ``require`` or ``applies when``, including those
  nested in other conditions, quantifier bodies and ``if``. Each operand of an ``and``/``or``
  has two points: it was seen *deciding* the result true, and deciding it false. An operand
  decides an ``and`` when every other operand is true (then the result is the operand's
  value), and an ``or`` when every other operand is false. A quantifier's body decides the
  result true and false when the quantifier is true, and false, over at least one item (a
  vacuous ``all`` over no items decides nothing). Unknown values (missing facts) decide
  nothing. ``and``/``or`` inside a value (a ``[… where …]`` list, an argument of ``count``)
  are part of that value, not conditions.

Only rules a case states an expectation for are counted in that case: coverage measures what
the tests check, not what they happen to run.

The conditions are evaluated here, beside the engine, from the syntax tree: leaves with the
interpreter's compiled closures, the logic by this module. A rule's result here must agree
with the engine's finding; if it ever does not, coverage stops with an error rather than
report numbers it cannot vouch for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from . import ast
from . import ir
from .checker import CheckedRule
from .checker import Program
from .errors import EvaluationError
from .interpreter import Compiler
from .interpreter import Ctx
from .report import Report

Fn = Callable[[Ctx], Any]
#: A rule's identity across programs: its file and its ID.
RuleKey = tuple[str, str]


def _where(span: Any) -> tuple[int, int, int, int]:
    return (span.line, span.column, span.end_line, span.end_column)


@dataclass
class Operand:
    """One operand of a condition and the ways it was seen deciding the result."""

    text: str
    line: int
    column: int
    seen: set[bool] = field(default_factory=set)
    excused: dict[bool, str] = field(default_factory=dict)


@dataclass
class Condition:
    """An ``and``, ``or`` or quantifier of a rule's ``require`` or ``applies when``."""

    kind: str
    clause: str
    text: str
    line: int
    column: int
    operands: list[Operand]


@dataclass
class RuleCoverage:
    """The coverage points of one rule."""

    rule: str
    file: str
    line: int
    statuses: tuple[str, ...]
    reached: set[str] = field(default_factory=set)
    excused: dict[str, str] = field(default_factory=dict)
    conditions: list[Condition] = field(default_factory=list)
    index: dict[tuple[int, int, int, int], Condition] = field(default_factory=dict)

    def points(self) -> tuple[int, int, int]:
        """``(total, covered, excused)``: excused points are those not covered but excused."""
        total = len(self.statuses)
        covered = len(self.reached & set(self.statuses))
        excused = len([s for s in self.excused if s not in self.reached])
        for c in self.conditions:
            for o in c.operands:
                total += 2
                covered += len(o.seen)
                excused += len([w for w in o.excused if w not in o.seen])
        return total, covered, excused


# ---------------------------------------------------------------- the shape of a rule


def _conditions(e: ast.Expr | None) -> Iterator[ast.And | ast.Or | ast.Quantifier]:
    """The conditions of an expression, outermost first, as :func:`_plan` evaluates them."""
    if e is None:
        return
    if isinstance(e, ast.And | ast.Or):
        yield e
        for o in e.operands:
            yield from _conditions(o)
    elif isinstance(e, ast.Not):
        yield from _conditions(e.operand)
    elif isinstance(e, ast.Quantifier):
        yield e
        yield from _conditions(e.where)
        yield from _conditions(e.body)
    elif isinstance(e, ast.IfElse):
        for part in (e.cond, e.then, e.otherwise):
            yield from _conditions(part)


def rule_coverage(checked: CheckedRule) -> RuleCoverage:
    """The coverage points of a checked rule, none covered yet."""
    rule = checked.rule
    statuses = ["pass", "fail"]
    if rule.when is not None:
        statuses.append("not_applicable")
    if rule.due is not None:
        statuses.append("not_yet_due")
    rc = RuleCoverage(rule.id, checked.source.name, rule.span.line, tuple(statuses))
    for clause, expr in (("applies when", rule.when), ("require", rule.require)):
        for node in _conditions(expr):
            kind: str = node.kind if isinstance(node, ast.Quantifier) else "and"
            parts: tuple[ast.Expr, ...] = (node.body,) if isinstance(node, ast.Quantifier) else ()
            if isinstance(node, ast.And | ast.Or):
                kind, parts = ("and" if isinstance(node, ast.And) else "or"), node.operands
            operands = [Operand(_text(checked, p.span), p.span.line, p.span.column) for p in parts]
            cond = Condition(
                kind, clause, _text(checked, node.span), node.span.line, node.span.column, operands
            )
            rc.conditions.append(cond)
            rc.index[_where(node.span)] = cond
    return rc


def _text(checked: CheckedRule, span: Any) -> str:
    return " ".join(checked.text_of(span).split())


# ---------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class _Leaf:
    fn: Fn


@dataclass(frozen=True, slots=True)
class _Logic:
    key: tuple[int, int, int, int]
    is_and: bool
    operands: tuple[_Node, ...]


@dataclass(frozen=True, slots=True)
class _Not:
    operand: _Node


@dataclass(frozen=True, slots=True)
class _Quant:
    key: tuple[int, int, int, int]
    is_all: bool
    iterable: Fn
    slot: str
    where: _Node | None
    body: _Node


@dataclass(frozen=True, slots=True)
class _If:
    cond: _Node
    then: _Node
    otherwise: _Node


_Node = _Leaf | _Logic | _Not | _Quant | _If


def _substitute(e: Any, var: str, slot: str) -> Any:
    """``e`` with the loop variable ``var`` read from the let ``slot`` instead."""
    if isinstance(e, ast.Path):
        return dataclasses.replace(e, root=slot) if e.root == var else e
    if isinstance(e, tuple):
        return tuple(_substitute(x, var, slot) for x in e)
    if not isinstance(e, ast.Expr):
        return e
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(e):  # type: ignore[arg-type]
        value = getattr(e, f.name)
        inner = isinstance(e, ast.Quantifier | ast.Collect) and f.name != "iterable"
        if inner and e.var == var:  # type: ignore[attr-defined]
            continue  # the name is bound again inside: not ours
        if isinstance(value, ast.Expr | tuple):
            changes[f.name] = _substitute(value, var, slot)
    return dataclasses.replace(e, **changes)  # type: ignore[type-var]


class _Planner:
    """Builds the evaluation plan of a rule's conditions."""

    def __init__(self, compiler: Compiler, lets: frozenset[str]) -> None:
        self.compiler = compiler
        self.lets = lets
        self.slots = 0

    def plan(self, e: ast.Expr, scope: frozenset[str]) -> _Node:
        if isinstance(e, ast.And | ast.Or):
            return _Logic(
                _where(e.span),
                isinstance(e, ast.And),
                tuple(self.plan(o, scope) for o in e.operands),
            )
        if isinstance(e, ast.Not):
            return _Not(self.plan(e.operand, scope))
        if isinstance(e, ast.IfElse):
            return _If(
                self.plan(e.cond, scope), self.plan(e.then, scope), self.plan(e.otherwise, scope)
            )
        if isinstance(e, ast.Quantifier):
            self.slots += 1
            slot = f"<item {self.slots}>"  # never a name a rule can write
            inner = scope | {slot}
            where = _substitute(e.where, e.var, slot) if e.where is not None else None
            return _Quant(
                _where(e.span),
                e.kind == "all",
                self.leaf(e.iterable, scope),
                slot,
                self.plan(where, inner) if where is not None else None,
                self.plan(_substitute(e.body, e.var, slot), inner),
            )
        return _Leaf(self.leaf(e, scope))

    def leaf(self, e: ast.Expr, scope: frozenset[str]) -> Fn:
        return self.compiler.expr(e, self.lets | scope, frozenset())


def _safe(fn: Fn, ctx: Ctx) -> Any:
    try:
        return fn(ctx)
    except Exception:  # an operand the engine never evaluated here (short-circuit)
        return None


_Seen = Callable[[tuple[int, int, int, int], int, bool], None]


def _run(node: _Node, ctx: Ctx, seen: _Seen) -> Any:
    """The value of a condition (True, False or None for unknown), recording decisions."""
    if isinstance(node, _Leaf):
        return _safe(node.fn, ctx)
    if isinstance(node, _Not):
        v = _run(node.operand, ctx, seen)
        return None if v is None else not v
    if isinstance(node, _If):
        return _run(node.then if _run(node.cond, ctx, seen) is True else node.otherwise, ctx, seen)
    if isinstance(node, _Logic):
        values = [_run(o, ctx, seen) for o in node.operands]
        neutral = node.is_and  # the value the others must have for one operand to decide
        for i, v in enumerate(values):
            if isinstance(v, bool) and all(w is neutral for j, w in enumerate(values) if j != i):
                seen(node.key, i, v)
        if any(v is (not neutral) for v in values):
            return not neutral  # Kleene logic: false decides an `and`, true an `or`
        return None if any(v is None for v in values) else neutral
    items = _safe(node.iterable, ctx)
    if not isinstance(items, list):
        return None
    result: bool | None = node.is_all
    considered = 0
    unknown = False
    for item in items:
        ctx.lets[node.slot] = item
        if node.where is not None and _run(node.where, ctx, seen) is not True:
            continue
        considered += 1
        v = _run(node.body, ctx, seen)
        if v is None:
            unknown = True
        elif v is not node.is_all:
            result = not node.is_all
            break
    ctx.lets.pop(node.slot, None)
    if result is node.is_all and unknown:
        result = None
    if considered and isinstance(result, bool):
        seen(node.key, 0, result)
    return result


class _RulePlan:
    def __init__(self, checked: CheckedRule, compiler: Compiler) -> None:
        rule = checked.rule
        names: set[str] = set()
        self.lets: dict[str, Fn] = {}
        for let in rule.lets:
            self.lets[let.name] = compiler.expr(let.value, frozenset(names), frozenset())
            names.add(let.name)
        planner = _Planner(compiler, frozenset(names))
        self.when = planner.plan(rule.when, frozenset()) if rule.when is not None else None
        assert rule.require is not None  # the checker guarantees it
        self.require = planner.plan(rule.require, frozenset())


def _seen(rc: RuleCoverage, key: tuple[int, int, int, int], i: int, value: bool) -> None:
    cond = rc.index.get(key)
    if cond is not None:
        cond.operands[i].seen.add(value)


class Coverage:
    """Coverage gathered over many evaluations, of many programs (keyed by rule file and ID)."""

    def __init__(self) -> None:
        self.rules: dict[RuleKey, RuleCoverage] = {}
        self._plans: dict[tuple[int, str], tuple[Program, _RulePlan]] = {}
        self._compilers: dict[int, tuple[Program, Compiler]] = {}

    def add_program(self, program: Program) -> None:
        """Count the rules of a program, tested or not."""
        for r in program.rules:
            key = (r.source.name, r.id)
            if key not in self.rules:
                self.rules[key] = rule_coverage(r)

    def _plan(self, program: Program, checked: CheckedRule) -> _RulePlan:
        hit = self._plans.get((id(program), checked.id))
        if hit is not None and hit[0] is program:
            return hit[1]
        comp = self._compilers.get(id(program))
        if comp is None or comp[0] is not program:
            comp = (program, Compiler(program))
            self._compilers[id(program)] = comp
        plan = _RulePlan(checked, comp[1])
        self._plans[(id(program), checked.id)] = (program, plan)
        return plan

    def record(
        self,
        program: Program,
        doc: dict[str, Any],
        as_of: dt.date,
        report: Report,
        rule_ids: set[str],
    ) -> None:
        """Count what one evaluation showed of the rules in ``rule_ids``."""
        self.add_program(program)
        findings = {f.rule: f for f in report.findings}
        outcomes = {
            f.rule: ir.Outcome(
                f.status != "not_applicable",
                f.status == "pass" or (f.status == "not_yet_due" and f.would_pass is True),
            )
            for f in report.findings
        }
        for checked in program.rules:
            finding = findings.get(checked.id)
            if checked.id not in rule_ids or finding is None:
                continue
            rc = self.rules[(checked.source.name, checked.id)]
            rc.reached.add(finding.status)
            plan = self._plan(program, checked)
            ctx = Ctx(doc, as_of, outcomes)
            ctx.lets = {}
            ctx.let_fns = plan.lets
            seen = functools.partial(_seen, rc)
            applicable = True
            if plan.when is not None:
                applicable = _run(plan.when, ctx, seen) is not False
            met = applicable and _run(plan.require, ctx, seen) is True
            if ir.Outcome(applicable, met) != outcomes[checked.id]:
                raise EvaluationError(
                    f"coverage reads {checked.id} as applicable={applicable}, met={met}, but the "
                    f"engine found it {finding.status}; the coverage figures would be wrong"
                )
