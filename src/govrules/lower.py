"""Lowering checked rules to an engine plan (:mod:`govrules.ir`) plus the atoms that feed it.

For each rule the compiler derives four conditions from ``applies when`` and ``require`` in
three-valued logic (true, not true, false, not false) and splits every expression into

- *structure* the rule engine evaluates itself: ``and``/``or``/``not``, comparisons
  (``==``, ``<``, …) and other rules' outcomes (forward chaining), and
- *atoms* computed in Python from the declaration: field paths, counts, sums, list membership,
  quantifiers. Each atom is one typed field of the rule's input fact; a scalar atom ``aN`` has a
  presence flag ``pN``; a condition atom ``bN`` is 1 (true), 0 (false) or -1 (unknown).

So the engine sees only normalised, typed, complete facts the compiler built.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from . import ast
from . import ir
from .checker import CheckedRule
from .checker import Program
from .errors import EvaluationError
from .interpreter import Compiler
from .interpreter import Ctx
from .interpreter import Fn
from .interpreter import norm

_NEGATE: dict[ir.CmpOp, ir.CmpOp] = {
    "==": "!=",
    "!=": "==",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
}
_FLIP: dict[ir.CmpOp, ir.CmpOp] = {
    "==": "==",
    "!=": "!=",
    "<": ">",
    ">": "<",
    "<=": ">=",
    ">=": "<=",
}


def fact_value(value: Any) -> ir.AtomValue:
    """A Python value as an engine sees it: dates as ordinals, texts normalised."""
    if isinstance(value, dt.date):
        return value.toordinal()
    if isinstance(value, str):
        return str(norm(value))
    if isinstance(value, bool | int | float):
        return value
    raise TypeError(f"not a scalar: {value!r}")


#: Largest magnitude a number may have for an engine to compare it exactly as Python does.
EXACT_LIMIT = 2**53


def engine_safe(value: ir.AtomValue) -> bool:
    """Whether an engine reads ``value`` and compares it exactly as Python does.

    Measured on durable_rules 2.0.28: integers beyond 2**53 are compared as doubles (so
    2**63 - 1 "equals" 2**63), and a float whose shortest form has an exponent but no decimal
    point (1e+16, 1e-05, 5e-324) crashes the process when it is asserted in a fact, or is
    refused in a rule. Floats from 1e-4 to 2**53 are written without an exponent. Texts reach an
    engine only after validation, which refuses lone surrogates.

    Examples:
        >>> engine_safe(2**53), engine_safe(2**53 + 1), engine_safe(1e16), engine_safe(0.25)
        (True, False, False, True)
        >>> engine_safe(1e-5), engine_safe(float("nan")), engine_safe("text"), engine_safe(False)
        (False, False, True, True)
    """
    kind = value.__class__
    if kind is int:
        return -EXACT_LIMIT <= value <= EXACT_LIMIT  # type: ignore[operator]
    if kind is float:
        return value == 0.0 or 1e-4 <= abs(value) < EXACT_LIMIT  # type: ignore[arg-type]
    return kind is str or kind is bool


@dataclass(frozen=True, slots=True)
class Atom:
    """One field of a rule's input fact and how to compute it."""

    name: str
    fn: Fn
    kind: str  # "scalar" (aN with presence pN) | "cond" (bN: 1/0/-1)


@dataclass(frozen=True, slots=True)
class _Forms:
    t: ir.Cond
    nt: ir.Cond
    f: ir.Cond
    nf: ir.Cond


def _all(*items: ir.Cond) -> ir.Cond:
    flat: list[ir.Cond] = []
    for i in items:
        if isinstance(i, ir.Const):
            if not i.value:
                return ir.Const(False)
            continue
        flat.extend(i.items if isinstance(i, ir.AllOf) else [i])
    if not flat:
        return ir.Const(True)
    return flat[0] if len(flat) == 1 else ir.AllOf(tuple(flat))


def _any(*items: ir.Cond) -> ir.Cond:
    flat: list[ir.Cond] = []
    for i in items:
        if isinstance(i, ir.Const):
            if i.value:
                return ir.Const(True)
            continue
        flat.extend(i.items if isinstance(i, ir.AnyOf) else [i])
    if not flat:
        return ir.Const(False)
    return flat[0] if len(flat) == 1 else ir.AnyOf(tuple(flat))


class _RuleLowering:
    def __init__(self, checked: CheckedRule, closures: Compiler) -> None:
        self.checked = checked
        self.closures = closures
        self.atoms: list[Atom] = []
        rule = checked.rule
        self.let_exprs = {let.name: let.value for let in rule.lets}
        self.let_names = frozenset(self.let_exprs)
        self.params = closures.params

    def atom(self, e: ast.Expr, kind: str) -> str:
        prefix = "a" if kind == "scalar" else "b"
        name = f"{prefix}{len(self.atoms)}"
        self.atoms.append(Atom(name, self.closures.expr(e, self.let_names, frozenset()), kind))
        return name

    def constant(self, e: ast.Expr) -> tuple[bool, Any]:
        if isinstance(e, ast.Literal):
            return True, e.value
        if isinstance(e, ast.Path) and not e.steps and e.root not in self.let_names:
            if e.root in self.params:
                return True, self.params[e.root]
        return False, None

    def forms(self, e: ast.Expr) -> _Forms:
        if isinstance(e, ast.Literal) and isinstance(e.value, bool):
            c = ir.Const(e.value)
            n = ir.Const(not e.value)
            return _Forms(c, n, n, c)
        if isinstance(e, ast.Path) and not e.steps and e.root in self.let_names:
            let = self.let_exprs[e.root]
            if _is_structural(let):
                return self.forms(let)
        if isinstance(e, ast.And):
            parts = [self.forms(o) for o in e.operands]
            return _Forms(
                _all(*(p.t for p in parts)),
                _any(*(p.nt for p in parts)),
                _any(*(p.f for p in parts)),
                _all(*(p.nf for p in parts)),
            )
        if isinstance(e, ast.Or):
            parts = [self.forms(o) for o in e.operands]
            return _Forms(
                _any(*(p.t for p in parts)),
                _all(*(p.nt for p in parts)),
                _all(*(p.f for p in parts)),
                _any(*(p.nf for p in parts)),
            )
        if isinstance(e, ast.Not):
            p = self.forms(e.operand)
            return _Forms(p.f, p.nf, p.t, p.nt)
        if isinstance(e, ast.RuleRef):
            yes = ir.OutcomeLit(e.rule_id, e.prop, not e.negated)
            no = ir.OutcomeLit(e.rule_id, e.prop, e.negated)
            return _Forms(yes, no, no, yes)
        if isinstance(e, ast.Compare) and e.op in _NEGATE:
            return self.comparison(e)
        return self.condition(e)

    def condition(self, e: ast.Expr) -> _Forms:
        """The forms of a condition Python evaluates whole: an atom of 1, 0 or -1."""
        name = self.atom(e, "cond")
        return _Forms(
            ir.Cmp(name, "==", 1),
            ir.Cmp(name, "!=", 1),
            ir.Cmp(name, "==", 0),
            ir.Cmp(name, "!=", 0),
        )

    def comparison(self, e: ast.Compare) -> _Forms:
        op: ir.CmpOp = e.op  # type: ignore[assignment]
        lconst, lval = self.constant(e.left)
        rconst, rval = self.constant(e.right)
        if (lconst and not engine_safe(fact_value(lval))) or (
            rconst and not engine_safe(fact_value(rval))
        ):
            # A literal the engine cannot read exactly: Python decides this comparison.
            return self.condition(e)
        if lconst and rconst:
            fn = self.closures.expr(e, self.let_names, frozenset())
            v = fn(Ctx({}, dt.date.today(), {}))
            c = ir.Const(v is True)
            n = ir.Const(v is not True)
            return _Forms(c, n, n, c)
        if lconst:
            op, e_left, rval = _FLIP[op], e.right, lval
            left_atom = self.atom(e_left, "scalar")
            right_atom = None
        else:
            left_atom = self.atom(e.left, "scalar")
            right_atom = None if rconst else self.atom(e.right, "scalar")
        present = [ir.Cmp("p" + left_atom[1:], "==", True)]
        absent = [ir.Cmp("p" + left_atom[1:], "==", False)]
        if right_atom is not None:
            present.append(ir.Cmp("p" + right_atom[1:], "==", True))
            absent.append(ir.Cmp("p" + right_atom[1:], "==", False))
            yes = ir.Cmp(left_atom, op, other=right_atom)
            no = ir.Cmp(left_atom, _NEGATE[op], other=right_atom)
        else:
            yes = ir.Cmp(left_atom, op, fact_value(rval))
            no = ir.Cmp(left_atom, _NEGATE[op], fact_value(rval))
        return _Forms(
            _all(*present, yes),
            _any(*absent, no),
            _all(*present, no),
            _any(*absent, yes),
        )


def _is_structural(e: ast.Expr) -> bool:
    return isinstance(e, ast.And | ast.Or | ast.Not | ast.RuleRef | ast.Compare)


@dataclass(frozen=True, slots=True)
class LoweredRule:
    """A rule's engine conditions and the atoms of its input fact."""

    plan: ir.RulePlan
    atoms: tuple[Atom, ...]

    def input_fact(self, ctx: Ctx) -> dict[str, ir.AtomValue]:
        """Compute the rule's input fact (``ctx.lets`` must already hold its lets, and
        ``ctx.outcomes`` the rule's own outcome on the Python side).

        A guarded rule's fact says whether every value is :func:`engine_safe`. If one is not,
        no value is sent (each reads 0) and the fact carries Python's verdict instead, which
        the engine then concludes from (see :class:`~govrules.ir.RulePlan`).
        """
        rule_id = self.plan.rule_id
        fact: dict[str, ir.AtomValue] = {"kind": "input", "rule": rule_id}
        safe = True
        for atom in self.atoms:
            v = atom.fn(ctx)
            if atom.kind == "cond":
                fact[atom.name] = -1 if v is None else int(v is True)
                continue
            present = v is not None and not isinstance(v, list | dict)
            fact["p" + atom.name[1:]] = present
            value = fact[atom.name] = fact_value(v) if present else 0
            if not engine_safe(value):
                safe = False
        if self.plan.guarded:
            fact[ir.SAFE_FIELD] = int(safe)
            fact[ir.VERDICT_FIELD] = -1
            if not safe:
                for atom in self.atoms:
                    if atom.kind == "scalar":
                        fact[atom.name] = 0
                fact[ir.VERDICT_FIELD] = ir.verdict_code(ctx.outcomes[rule_id])
        elif not safe:  # pragma: no cover - every rule with a value atom is guarded
            raise EvaluationError(f"rule {rule_id}: a value the engine cannot compare exactly")
        return fact


def lower(
    program: Program, closures: Compiler, rules: tuple[CheckedRule, ...], declaration_format: str
) -> tuple[ir.EnginePlan, dict[str, LoweredRule]]:
    """The engine plan for the rules of one declaration format, and each rule's atoms."""
    lowered: dict[str, LoweredRule] = {}
    plans: list[ir.RulePlan] = []
    for checked in rules:
        lw = _RuleLowering(checked, closures)
        rule = checked.rule
        when = lw.forms(rule.when) if rule.when is not None else None
        assert rule.require is not None
        req = lw.forms(rule.require)
        plan = ir.RulePlan(
            rule_id=rule.id,
            # "applies when" switches a rule off only when it is false; unknown keeps it on,
            # so that a missing fact is reported as a failure, not hidden.
            applicable=when.nf if when else ir.Const(True),
            inapplicable=when.f if when else ir.Const(False),
            met=req.t,
            unmet=req.nt,
            depends_on=checked.depends_on,
            guarded=any(a.kind == "scalar" for a in lw.atoms),
        )
        plans.append(plan)
        lowered[rule.id] = LoweredRule(plan, tuple(lw.atoms))
    digest = hashlib.sha256(
        declaration_format.encode()
        + "|".join(i.digest for i in program.rulesets).encode()
        + repr(sorted((k, repr(v.value)) for k, v in program.params.items())).encode()
    ).hexdigest()[:16]
    return ir.EnginePlan(f"govrules_{digest}", tuple(plans)), lowered
