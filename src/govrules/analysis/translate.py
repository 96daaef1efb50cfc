"""Rule expressions as solver formulas, with the interpreter's semantics.

:class:`Translator` turns each rule's ``applies when`` and ``require`` (and the ``let``\\ s and
other rules they read) into three formulas over a :class:`~govrules.analysis.space.Space`:
*applicable* (the condition is not definitely false), *passes* (applicable, and the
requirement definitely true) and *fails* (applicable, and not passes -- an unknown requirement
fails, as in the interpreter). Each construct follows :mod:`govrules.interpreter`: missing facts
are unknown, ``count`` of a missing list is 0, ``[*]`` skips missing values and flattens, and so
on. A construct it cannot express exactly raises :class:`NotAnalysed`, with the reason and
where it is; the rule is then reported as not analysed, never silently passed over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field

import z3

from .. import ast
from ..checker import CheckedRule
from ..checker import Program
from ..dates import Duration
from ..dates import shift
from ..interpreter import financial_year
from ..source import Span
from .calendar import MAX_DAY
from .calendar import MAX_SHIFT_YEARS
from .calendar import MIN_DAY
from .calendar import add_months
from .calendar import financial_year_start
from .space import Space
from .values import FALSE
from .values import SV
from .values import TRUE
from .values import ListV
from .values import ObjV
from .values import Texts
from .values import Val
from .values import cond
from .values import constant


class NotAnalysed(Exception):
    """A construct the translation does not express exactly."""

    def __init__(self, reason: str, span: Span, rule_id: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.span = span
        self.rule_id = rule_id


@dataclass
class RuleFormulas:
    """One rule over the symbolic declaration."""

    checked: CheckedRule
    space: Space
    applicable: z3.BoolRef
    passes: z3.BoolRef
    fails: z3.BoolRef
    #: top-level declaration fields the rule reads (with the rules it reads)
    reads: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        """The rule's ID."""
        return self.checked.id


@dataclass
class _Scope:
    checked: CheckedRule
    space: Space
    lets: dict[str, ast.Expr]
    let_values: dict[str, SV] = field(default_factory=dict)
    vars: dict[str, SV] = field(default_factory=dict)
    reads: set[str] = field(default_factory=set)


def _is_const(v: SV) -> bool:
    return isinstance(v, Val) and z3.is_true(v.defined) and _const(v) is not None


def _const(v: Val) -> object | None:
    """The Python value of a constant date or number, if it is one."""
    if v.kind == "duration":
        return v.value  # type: ignore[no-any-return]
    if v.kind == "date" and z3.is_int_value(v.value):
        return dt.date.fromordinal(v.value.as_long())
    return None


class Translator:
    """Translates the rules of a checked program, each once."""

    def __init__(self, program: Program, spaces: dict[str, Space], texts: Texts) -> None:
        self.program = program
        self.spaces = spaces
        self.texts = texts
        self.by_id = {r.id: r for r in program.rules}
        self.done: dict[str, RuleFormulas | NotAnalysed] = {}

    def rule(self, rule_id: str) -> RuleFormulas:
        """The formulas of a rule.

        Raises:
            NotAnalysed: the rule (or a rule it reads) uses a construct not expressed.
        """
        if rule_id not in self.done:
            try:
                self.done[rule_id] = self._rule(self.by_id[rule_id])
            except NotAnalysed as err:
                if not err.rule_id:
                    err.rule_id = rule_id
                self.done[rule_id] = err
        found = self.done[rule_id]
        if isinstance(found, NotAnalysed):
            raise found
        return found

    def _rule(self, checked: CheckedRule) -> RuleFormulas:
        rule = checked.rule
        space = self.spaces[checked.declaration_format]
        scope = _Scope(checked, space, {let.name: let.value for let in rule.lets})
        applicable: z3.BoolRef = TRUE
        if rule.when is not None:
            applicable = z3.Not(self.condition(rule.when, scope).false)
        assert rule.require is not None  # the checker guarantees it
        holds = self.condition(rule.require, scope).true
        return RuleFormulas(
            checked,
            space,
            z3.simplify(applicable),
            z3.simplify(z3.And(applicable, holds)),
            z3.simplify(z3.And(applicable, z3.Not(holds))),
            scope.reads,
        )

    # ------------------------------------------------------------ expressions
    def condition(self, e: ast.Expr, scope: _Scope) -> Val:
        """A condition (a value of kind bool)."""
        v = self.expr(e, scope)
        if not isinstance(v, Val) or v.kind != "bool":
            raise NotAnalysed("a condition whose kind the checker could not tell", e.span)
        return v

    def expr(self, e: ast.Expr, scope: _Scope) -> SV:
        """The symbolic value of an expression."""
        method: Callable[[ast.Expr, _Scope], SV] = getattr(self, "_" + type(e).__name__)
        return method(e, scope)

    def _Literal(self, e: ast.Literal, scope: _Scope) -> SV:  # noqa: N802
        return constant(e.value, self.texts)

    def _AsOf(self, e: ast.AsOf, scope: _Scope) -> SV:  # noqa: N802
        return scope.space.as_of

    def _ListLiteral(self, e: ast.ListLiteral, scope: _Scope) -> SV:  # noqa: N802
        return ListV(TRUE, tuple((TRUE, self.expr(i, scope)) for i in e.items), ordered=True)

    def _Path(self, e: ast.Path, scope: _Scope) -> SV:  # noqa: N802
        base: SV
        if e.root in scope.vars:
            base = scope.vars[e.root]
        elif e.root in scope.lets:
            if e.root not in scope.let_values:
                # A let sees the rule's names, never the loop variables around its use.
                saved, scope.vars = scope.vars, {}
                try:
                    scope.let_values[e.root] = self.expr(scope.lets[e.root], scope)
                finally:
                    scope.vars = saved
            base = scope.let_values[e.root]
        elif e.root in self.program.params:
            base = constant(self.program.params[e.root].value, self.texts)
        else:
            scope.reads.add(e.root)
            base = scope.space.root.get(e.root)
        return self._steps(base, e.steps, e)

    def _steps(self, value: SV, steps: tuple[ast.Step, ...], e: ast.Path) -> SV:
        for k, step in enumerate(steps):
            if isinstance(step, ast.FieldStep):
                if not isinstance(value, ObjV):
                    return Val("bool", FALSE, FALSE)  # a field of a non-group is missing
                value = _field(value, step.name)
            elif isinstance(step, ast.IndexStep):
                value = self._index(value, step, e)
            else:
                return self._project(value, steps[k + 1 :], e)
        return value

    def _index(self, value: SV, step: ast.IndexStep, e: ast.Path) -> SV:
        if not isinstance(value, ListV):
            return Val("bool", FALSE, FALSE)
        if not value.ordered:
            raise NotAnalysed(f"'[{step.index}]' of a filtered list in '{e.text()}'", step.span)
        if step.index >= len(value.slots):
            if not all(z3.is_true(m) for m, _ in value.slots):
                raise NotAnalysed(
                    f"'[{step.index}]' is beyond the {len(value.slots)} items a list has in "
                    "the analysis",
                    step.span,
                )
            return Val("bool", FALSE, FALSE)
        member, item = value.slots[step.index]
        return _with_defined(item, z3.And(value.defined, member))

    def _project(self, value: SV, rest: tuple[ast.Step, ...], e: ast.Path) -> SV:
        if not isinstance(value, ListV):
            return ListV(FALSE, ())
        slots: list[tuple[z3.BoolRef, SV]] = []
        for member, item in value.slots:
            got = self._steps(item, rest, e) if rest else item
            if isinstance(got, ListV):
                slots += [(z3.And(member, got.defined, m), v) for m, v in got.slots]
            else:
                slots.append((z3.And(member, got.defined), got))
        return ListV(value.defined, tuple(slots))

    def _Negate(self, e: ast.Negate, scope: _Scope) -> SV:  # noqa: N802
        v = self._number(e.operand, scope)
        return Val("number", v.defined, -v.value)

    def _number(self, e: ast.Expr, scope: _Scope) -> Val:
        v = self.expr(e, scope)
        if not isinstance(v, Val) or v.kind != "number":
            raise NotAnalysed("arithmetic on a value that is not a number", e.span)
        return v

    def _Binary(self, e: ast.Binary, scope: _Scope) -> SV:  # noqa: N802
        a, b = self.expr(e.left, scope), self.expr(e.right, scope)
        if e.op == "+" and isinstance(a, ListV):
            if isinstance(b, ListV):
                extra = tuple((z3.And(b.defined, m), v) for m, v in b.slots)
            else:
                extra = ((b.defined, b),)
            return ListV(a.defined, a.slots + extra, a.ordered and _all_true(b))
        if not isinstance(a, Val) or not isinstance(b, Val):
            raise NotAnalysed(f"'{e.op}' on lists or groups of fields", e.span)
        if "date" in (a.kind, b.kind) or "duration" in (a.kind, b.kind):
            return self._calendar(e, a, b, scope)
        if a.kind == "text" or b.kind == "text":
            raise NotAnalysed("joining texts (texts are compared, not built)", e.span)
        if a.kind != "number" or b.kind != "number":
            raise NotAnalysed(f"'{e.op}' on {a.kind} and {b.kind}", e.span)
        defined = z3.And(a.defined, b.defined)
        if e.op == "+":
            return Val("number", defined, a.value + b.value)
        if e.op == "-":
            return Val("number", defined, a.value - b.value)
        if e.op == "*":
            return Val("number", defined, a.value * b.value)
        return Val("number", z3.And(defined, b.value != 0), a.value / b.value)

    def _calendar(self, e: ast.Binary, a: Val, b: Val, scope: _Scope) -> Val:
        if a.kind == "duration" and b.kind == "date" and e.op == "+":
            a, b = b, a
        if a.kind == "date" and b.kind == "date" and e.op == "-":
            return Val("number", z3.And(a.defined, b.defined), z3.ToReal(a.value - b.value))
        if a.kind != "date" or b.kind != "duration" or e.op not in ("+", "-"):
            raise NotAnalysed(f"'{e.op}' on {a.kind} and {b.kind}", e.span)
        d: Duration = b.value if e.op == "+" else b.value.negated()
        start = _const(a)
        if isinstance(start, dt.date):
            try:
                moved_to = constant(shift(start, d), self.texts)
                assert isinstance(moved_to, Val)
                return moved_to
            except OverflowError:
                return Val("date", FALSE, a.value)
        if d.unit in ("day", "week"):
            moved = a.value + d.amount * (7 if d.unit == "week" else 1)
            ok = z3.And(moved >= MIN_DAY, moved <= MAX_DAY)
            return Val("date", z3.And(a.defined, ok), moved)
        months = d.amount * (12 if d.unit == "year" else 1)
        if abs(months) > 12 * MAX_SHIFT_YEARS:
            raise NotAnalysed(f"a shift of more than {MAX_SHIFT_YEARS} years", e.span)
        moved, parts = add_months(scope.space.decompose(a.value), months)
        scope.space.remember(moved, parts)
        return Val("date", a.defined, moved)

    def _Compare(self, e: ast.Compare, scope: _Scope) -> SV:  # noqa: N802
        a, b = self.expr(e.left, scope), self.expr(e.right, scope)
        if e.op in ("in", "not in", "contains"):
            item, container = (a, b) if e.op != "contains" else (b, a)
            found = self._member(item, container, e)
            return found if e.op != "not in" else Val("bool", found.defined, z3.Not(found.value))
        if not isinstance(a, Val) or not isinstance(b, Val):
            raise NotAnalysed(f"'{e.op}' between lists or groups of fields", e.span)
        defined = z3.And(a.defined, b.defined)
        if e.op in ("==", "!="):
            same = _equal(a, b, e)
            return Val("bool", defined, same if e.op == "==" else z3.Not(same))
        x, y = a.value, b.value
        if a.kind == b.kind == "text" and a.start is not None and b.start is not None:
            x, y = a.start, b.start  # financial years, "2022/23" < "2023/24", order by year
        elif a.kind != b.kind or a.kind not in ("number", "date"):
            what = "texts other than financial years" if a.kind == "text" else a.kind + "s"
            raise NotAnalysed(f"'{e.op}' ordering {what}", e.span)
        rel = {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[e.op]
        return Val("bool", defined, rel)

    def _member(self, item: SV, container: SV, e: ast.Compare) -> Val:
        if isinstance(container, Val):
            raise NotAnalysed("looking for a text inside a text", e.span)
        if not isinstance(container, ListV) or not isinstance(item, Val):
            raise NotAnalysed("membership of a group of fields", e.span)
        hits = [
            z3.And(m, v.defined, _equal(item, v, e))
            for m, v in container.slots
            if isinstance(v, Val)
        ]
        if len(hits) != len(container.slots):
            raise NotAnalysed("membership in a list of groups of fields", e.span)
        return Val("bool", z3.And(item.defined, container.defined), z3.Or(FALSE, *hits))

    def _Test(self, e: ast.Test, scope: _Scope) -> SV:  # noqa: N802
        v = self.expr(e.operand, scope)
        if e.kind in ("exists", "missing"):
            there = v.defined
            return Val("bool", TRUE, there if e.kind == "exists" else z3.Not(there))
        if isinstance(v, ListV):
            empty = z3.Or(z3.Not(v.defined), z3.Not(z3.Or(FALSE, *[m for m, _ in v.slots])))
        elif isinstance(v, Val) and v.kind == "text":
            empty = z3.Not(v.defined) if v.nonblank else TRUE
        else:
            raise NotAnalysed(f"'is {e.kind}' of a {type(v).__name__}", e.span)
        return Val("bool", TRUE, empty if e.kind == "empty" else z3.Not(empty))

    def _And(self, e: ast.And, scope: _Scope) -> SV:  # noqa: N802
        parts = [self.condition(o, scope) for o in e.operands]
        return cond(z3.And(*[p.true for p in parts]), z3.Or(*[p.false for p in parts]))

    def _Or(self, e: ast.Or, scope: _Scope) -> SV:  # noqa: N802
        parts = [self.condition(o, scope) for o in e.operands]
        return cond(z3.Or(*[p.true for p in parts]), z3.And(*[p.false for p in parts]))

    def _Not(self, e: ast.Not, scope: _Scope) -> SV:  # noqa: N802
        v = self.condition(e.operand, scope)
        return Val("bool", v.defined, z3.Not(v.value))

    def _Call(self, e: ast.Call, scope: _Scope) -> SV:  # noqa: N802
        v = self.expr(e.arg, scope)
        if e.func == "financial_year":
            if not isinstance(v, Val) or v.kind != "date":
                raise NotAnalysed("financial_year() of a value that is not a date", e.span)
            day = _const(v)
            if isinstance(day, dt.date):
                return self.texts.literal(str(financial_year(day)))
            start = financial_year_start(scope.space.decompose(v.value))
            return Val("text", v.defined, self.texts.label_of(start), start=start)
        if not isinstance(v, ListV):
            raise NotAnalysed(f"{e.func}() of a value that is not a list", e.span)
        if e.func == "count":
            n = z3.Sum(z3.RealVal(0), *[z3.If(m, z3.RealVal(1), z3.RealVal(0)) for m, _ in v.slots])
            return Val("number", TRUE, z3.If(v.defined, n, z3.RealVal(0)))
        items = [(m, x) for m, x in v.slots if isinstance(x, Val) and x.kind in ("number", "date")]
        if len(items) != len(v.slots):
            raise NotAnalysed(f"{e.func}() of values that are not numbers or dates", e.span)
        known = z3.And(v.defined, *[z3.Implies(m, x.defined) for m, x in items])
        kind = items[0][1].kind if items else "number"
        if e.func == "sum":
            zero = z3.RealVal(0)
            total = z3.Sum(zero, *[z3.If(m, x.value, zero) for m, x in items])
            return Val("number", known, total)
        pick_min = e.func == "min"
        best: z3.ExprRef | None = None
        seen: z3.BoolRef = FALSE
        for m, x in items:
            xv = x.value
            if best is None:
                best = xv
            else:
                better = xv < best if pick_min else xv > best
                best = z3.If(z3.And(m, z3.Or(z3.Not(seen), better)), xv, best)
            seen = z3.Or(seen, m)
        if best is None:
            return Val(kind, FALSE, z3.RealVal(0))
        return Val(kind, z3.And(known, seen), best)

    def _loop_items(
        self, e: ast.Quantifier | ast.Collect, scope: _Scope
    ) -> tuple[ListV, list[tuple[z3.BoolRef, SV]]]:
        it = self.expr(e.iterable, scope)
        if not isinstance(it, ListV):
            raise NotAnalysed("a loop over a value that is not a list", e.iterable.span)
        return it, list(it.slots)

    def _Quantifier(self, e: ast.Quantifier, scope: _Scope) -> SV:  # noqa: N802
        it, slots = self._loop_items(e, scope)
        cases: list[tuple[z3.BoolRef, Val]] = []
        for member, item in slots:
            with _bound(scope, e.var, item):
                chosen = member
                if e.where is not None:
                    chosen = z3.And(member, self.condition(e.where, scope).true)
                cases.append((chosen, self.condition(e.body, scope)))
        if e.kind == "all":
            t = z3.And(TRUE, *[z3.Implies(c, b.true) for c, b in cases])
            f = z3.Or(FALSE, *[z3.And(c, b.false) for c, b in cases])
        else:
            t = z3.Or(FALSE, *[z3.And(c, b.true) for c, b in cases])
            f = z3.And(TRUE, *[z3.Implies(c, b.false) for c, b in cases])
        return cond(z3.And(it.defined, t), z3.And(it.defined, f))

    def _Collect(self, e: ast.Collect, scope: _Scope) -> SV:  # noqa: N802
        it, slots = self._loop_items(e, scope)
        out: list[tuple[z3.BoolRef, SV]] = []
        for member, item in slots:
            with _bound(scope, e.var, item):
                chosen = member
                if e.where is not None:
                    chosen = z3.And(member, self.condition(e.where, scope).true)
                value = self.expr(e.item, scope)
                out.append((z3.And(chosen, value.defined), value))
        return ListV(it.defined, tuple(out))

    def _IfElse(self, e: ast.IfElse, scope: _Scope) -> SV:  # noqa: N802
        c = self.condition(e.cond, scope).true
        return _ite(c, self.expr(e.then, scope), self.expr(e.otherwise, scope), e.span)

    def _RuleList(self, e: ast.RuleList, scope: _Scope) -> SV:  # noqa: N802
        slots = []
        for rid in e.rule_ids:
            other = self._other(rid, scope, e.span)
            slots.append((other.passes if e.met else z3.Not(other.passes), self.texts.literal(rid)))
        return ListV(TRUE, tuple(slots))

    def _RuleRef(self, e: ast.RuleRef, scope: _Scope) -> SV:  # noqa: N802
        other = self._other(e.rule_id, scope, e.span)
        v = other.passes if e.prop == "met" else other.applicable
        return Val("bool", TRUE, z3.Not(v) if e.negated else v)

    def _other(self, rule_id: str, scope: _Scope, span: Span) -> RuleFormulas:
        target = self.by_id[rule_id]
        if target.declaration_format != scope.checked.declaration_format:
            raise NotAnalysed(f"{rule_id} checks another declaration format", span)
        try:
            other = self.rule(rule_id)
        except NotAnalysed as err:
            raise NotAnalysed(f"it reads {rule_id}, which is not analysed", span) from err
        scope.reads |= other.reads
        return other


class _bound:  # noqa: N801 - used as a context manager, reads like a keyword
    def __init__(self, scope: _Scope, var: str, value: SV) -> None:
        self.scope, self.var, self.value = scope, var, value

    def __enter__(self) -> None:
        self.saved = self.scope.vars.get(self.var)
        self.scope.vars[self.var] = self.value

    def __exit__(self, *exc: object) -> None:
        if self.saved is None:
            self.scope.vars.pop(self.var, None)
        else:
            self.scope.vars[self.var] = self.saved


def _all_true(v: SV) -> bool:
    return isinstance(v, ListV) and all(z3.is_true(m) for m, _ in v.slots) and z3.is_true(v.defined)


def _field(obj: ObjV, name: str) -> SV:
    return _with_defined(obj.node.get(name), obj.defined)


def _with_defined(v: SV, outer: z3.BoolRef) -> SV:
    """A value read inside something that may be missing."""
    if z3.is_true(outer):
        return v
    if isinstance(v, Val):
        return Val(v.kind, z3.And(outer, v.defined), v.value, v.nonblank, v.start)
    if isinstance(v, ListV):
        return ListV(z3.And(outer, v.defined), v.slots, v.ordered)
    return ObjV(z3.And(outer, v.defined), v.node)


def _equal(a: Val, b: Val, e: ast.Expr) -> z3.BoolRef:
    if a.kind != b.kind:
        raise NotAnalysed(f"comparing {a.kind} with {b.kind}", e.span)
    if a.kind == "duration":
        raise NotAnalysed("comparing durations", e.span)
    return a.value == b.value


def _ite(c: z3.BoolRef, a: SV, b: SV, span: Span) -> SV:
    if isinstance(a, Val) and isinstance(b, Val) and a.kind == b.kind != "duration":
        return Val(
            a.kind,
            z3.If(c, a.defined, b.defined),
            z3.If(c, a.value, b.value),
            a.nonblank and b.nonblank,
            z3.If(c, a.start, b.start) if a.start is not None and b.start is not None else None,
        )
    if isinstance(a, ListV) and isinstance(b, ListV):
        slots: list[tuple[z3.BoolRef, SV]] = []
        for i in range(max(len(a.slots), len(b.slots))):
            if i < len(a.slots) and i < len(b.slots):
                (ma, va), (mb, vb) = a.slots[i], b.slots[i]
                slots.append((z3.If(c, ma, mb), _ite(c, va, vb, span)))
            elif i < len(a.slots):
                slots.append((z3.And(c, a.slots[i][0]), a.slots[i][1]))
            else:
                slots.append((z3.And(z3.Not(c), b.slots[i][0]), b.slots[i][1]))
        return ListV(z3.If(c, a.defined, b.defined), tuple(slots), a.ordered and b.ordered)
    raise NotAnalysed("'if' choosing between values of different shapes", span)
