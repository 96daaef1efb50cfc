"""The plain-Python back-end: rule expressions compiled to closures, evaluated in Kleene logic.

This is the reference semantics of the language, the explainer of every finding and the oracle
the durable_rules back-end is tested against. Missing facts are ``None`` and make a condition
*unknown*; a requirement is met only when it is *true*, so a missing fact is a failure that can
name what is missing, never a crash.

Semantics in brief:

- strings compare case-insensitively, with surrounding and repeated whitespace ignored;
- ``and``/``or``/``not``, ``all``/``any`` follow three-valued (Kleene) logic;
- comparisons, arithmetic and ``in`` with a missing operand are unknown; division by zero is
  unknown;
- ``count`` of a missing list is 0; ``x is empty`` holds for a missing or empty list or text;
- a ``[*]`` projection skips missing values and flattens lists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from . import ast
from . import values
from .checker import CheckedRule
from .checker import Program
from .prose import Shape
from .values import fact_view as fact_view
from .values import financial_year as financial_year
from .values import norm as norm

Fn = Callable[["Ctx"], Any]


class Ctx:
    """The state of one rule's evaluation."""

    __slots__ = ("doc", "as_of", "lets", "let_fns", "vars", "outcomes", "record")

    def __init__(self, doc: dict[str, Any], as_of: dt.date, outcomes: dict[str, Any]) -> None:
        self.doc = doc
        self.as_of = as_of
        self.lets: dict[str, Any] = {}
        self.let_fns: dict[str, Fn] = {}
        self.vars: dict[str, tuple[Any, str, Any]] = {}
        self.outcomes = outcomes
        self.record: dict[str, Any] | None = None


Step = tuple[str, Any]  # ("f", name) | ("i", index) | ("w", None)


def walk(value: Any, steps: tuple[Step, ...]) -> Any:
    """Follow path steps from a value; ``None`` when anything on the way is missing."""
    for k, (kind, arg) in enumerate(steps):
        if value is None:
            return None
        if kind == "f":
            value = value.get(arg) if type(value) is dict else None
        elif kind == "i":
            if type(value) is not list or not -len(value) <= arg < len(value):
                return None
            value = value[arg]
        else:
            if type(value) is not list:
                return None
            rest = steps[k + 1 :]
            out: list[Any] = []
            for item in value:
                v = walk(item, rest) if rest else item
                if v is None:
                    continue
                if type(v) is list:
                    out.extend(v)
                else:
                    out.append(v)
            return out
    return value


def walker(steps: tuple[Step, ...]) -> Callable[[Any], Any]:
    """A function that follows ``steps`` from a value, specialised for plain field paths.

    Most paths are fields only (``governance.decision_making.documented``); they need no
    generic step dispatch, which keeps evaluation close to hand-written attribute access.
    """
    if not steps:
        return lambda value: value
    if all(kind == "f" for kind, _ in steps):
        keys = tuple(arg for _, arg in steps)
        if len(keys) == 1:
            (only,) = keys
            return lambda value: value.get(only) if type(value) is dict else None

        def fields(value: Any) -> Any:
            for key in keys:
                if type(value) is not dict:
                    return None
                value = value.get(key)
            return value

        return fields
    return lambda value: walk(value, steps)


def steps_text(steps: tuple[ast.Step, ...]) -> str:
    """Path steps as written (``.name[0][*]``)."""
    return ast.Path("", steps).text()


def compile_steps(steps: tuple[ast.Step, ...]) -> tuple[Step, ...]:
    """Path steps as ``(kind, argument)`` pairs, as :func:`walk` follows them."""
    out: list[Step] = []
    for s in steps:
        if isinstance(s, ast.FieldStep):
            out.append(("f", s.name))
        elif isinstance(s, ast.IndexStep):
            out.append(("i", s.index))
        else:
            out.append(("w", None))
    return tuple(out)


class Compiler:
    """Compiles the expressions of one program to closures."""

    def __init__(self, program: Program) -> None:
        self.params = {name: p.value for name, p in program.params.items()}

    def expr(self, e: ast.Expr, lets: frozenset[str], loop_vars: frozenset[str]) -> Fn:
        """A closure computing ``e`` (``None`` for missing or unknown)."""
        c = self.expr
        if isinstance(e, ast.Literal):
            value = e.value
            return lambda ctx: value
        if isinstance(e, ast.AsOf):
            return lambda ctx: ctx.as_of
        if isinstance(e, ast.ListLiteral):
            items = [c(i, lets, loop_vars) for i in e.items]
            return lambda ctx: [f(ctx) for f in items]
        if isinstance(e, ast.Path):
            return self._path(e, lets, loop_vars)
        if isinstance(e, ast.Negate):
            f = c(e.operand, lets, loop_vars)
            return lambda ctx: values.negate(f(ctx))
        if isinstance(e, ast.Binary):
            return _binary(e.op, c(e.left, lets, loop_vars), c(e.right, lets, loop_vars))
        if isinstance(e, ast.Compare):
            return _compare(e.op, c(e.left, lets, loop_vars), c(e.right, lets, loop_vars))
        if isinstance(e, ast.Test):
            test = _test(e.kind, c(e.operand, lets, loop_vars))
            op = e.operand
            if isinstance(op, ast.Path) and op.root not in lets and op.root not in self.params:
                return _quiet(test)  # a declaration field (or a loop item's field) itself
            return test
        if isinstance(e, ast.And):
            return _and([c(o, lets, loop_vars) for o in e.operands])
        if isinstance(e, ast.Or):
            return _or([c(o, lets, loop_vars) for o in e.operands])
        if isinstance(e, ast.Not):
            f = c(e.operand, lets, loop_vars)

            def not_(ctx: Ctx) -> Any:
                v = f(ctx)
                return None if v is None else not v

            return not_
        if isinstance(e, ast.Call):
            return _call(e.func, c(e.arg, lets, loop_vars))
        if isinstance(e, ast.Quantifier | ast.Collect):
            return self._loop(e, lets, loop_vars)
        if isinstance(e, ast.IfElse):
            cond, then, otherwise = (c(x, lets, loop_vars) for x in (e.cond, e.then, e.otherwise))
            return lambda ctx: then(ctx) if cond(ctx) is True else otherwise(ctx)
        if isinstance(e, ast.RuleList):
            ids, want = e.rule_ids, e.met
            return lambda ctx: [r for r in ids if ctx.outcomes[r].met is want]
        if isinstance(e, ast.RuleRef):
            rid, prop, neg = e.rule_id, e.prop, e.negated

            def ref(ctx: Ctx) -> Any:
                outcome = ctx.outcomes[rid]
                v = outcome.met if prop == "met" else outcome.applicable
                return (not v) if neg else v

            return ref
        raise TypeError(f"cannot compile {type(e).__name__}")  # pragma: no cover

    def _path(self, e: ast.Path, lets: frozenset[str], loop_vars: frozenset[str]) -> Fn:
        steps = compile_steps(e.steps)
        root = e.root
        if root in loop_vars:
            rest = steps_text(e.steps)

            follow = walker(steps)

            def var_path(ctx: Ctx) -> Any:
                item, prefix, whole = ctx.vars[root]
                value = follow(item)
                rec = ctx.record
                if rec is not None and prefix:
                    key = prefix + "[*]" + rest
                    if key not in rec:
                        rec[key] = fact_view(walk(whole, (("w", None), *steps)))
                    if value is None:
                        # A missing field of one item is named with the item's index.
                        at = next(i for i, x in enumerate(whole) if x is item)
                        rec[f"{prefix}[{at}]{rest}"] = None
                return value

            return var_path
        follow = walker(steps)
        if root in lets:
            # A let is computed when first needed: many exist only for the explanation text,
            # which is rendered only for the outcome that needs it.
            def let_path(ctx: Ctx) -> Any:
                known = ctx.lets
                if root in known:
                    return follow(known[root])
                value = known[root] = ctx.let_fns[root](ctx)
                return follow(value)

            return let_path
        if root in self.params:
            value = _param_value(self.params[root])
            return lambda ctx: follow(value)
        text = e.text()
        from_doc = walker((("f", root), *steps))

        def doc_path(ctx: Ctx) -> Any:
            value = from_doc(ctx.doc)
            rec = ctx.record
            if rec is not None and text not in rec:  # a path read again is recorded once
                if value is None:
                    # Name what is really absent: "risk_management", not a field inside it.
                    rec[_missing_prefix(ctx.doc, e)] = None
                else:
                    rec[text] = fact_view(value)
            return value

        return doc_path

    def _loop(
        self, e: ast.Quantifier | ast.Collect, lets: frozenset[str], loop_vars: frozenset[str]
    ) -> Fn:
        inner = loop_vars | {e.var}
        iterable = self.expr(e.iterable, lets, loop_vars)
        where = self.expr(e.where, lets, inner) if e.where is not None else None
        # Items of a declaration list are recorded as facts under "list[*].field".
        prefix = ""
        if isinstance(e.iterable, ast.Path) and e.iterable.root not in loop_vars | lets:
            if e.iterable.root not in self.params:
                prefix = e.iterable.text()
        var = e.var
        if isinstance(e, ast.Collect):
            item_fn = self.expr(e.item, lets, inner)

            def collect(ctx: Ctx) -> Any:
                items = iterable(ctx)
                if items is None:
                    return None
                saved = ctx.vars.get(var)
                out = []
                for item in items:
                    ctx.vars[var] = (item, prefix, items)
                    if where is not None and where(ctx) is not True:
                        continue
                    v = item_fn(ctx)
                    if v is not None:
                        out.append(v)
                _restore(ctx, var, saved)
                return out

            return collect
        body = self.expr(e.body, lets, inner)
        is_all = e.kind == "all"

        def quantify(ctx: Ctx) -> Any:
            items = iterable(ctx)
            if items is None:
                return None
            saved = ctx.vars.get(var)
            unknown = False
            result = is_all
            for item in items:
                ctx.vars[var] = (item, prefix, items)
                if where is not None and where(ctx) is not True:
                    continue
                v = body(ctx)
                if v is None:
                    unknown = True
                elif v is not is_all:
                    result = not is_all
                    break
            _restore(ctx, var, saved)
            if result is not is_all:
                return result
            return None if unknown else result

        return quantify


def _missing_prefix(doc: dict[str, Any], path: ast.Path) -> str:
    """The shortest prefix of ``path`` that is missing from ``doc`` (the path if none is)."""
    for n in range(len(path.steps) + 1):
        prefix = ast.Path(path.root, path.steps[:n])
        if walk(doc, (("f", path.root), *compile_steps(prefix.steps))) is None:
            return prefix.text()
    return path.text()


def _restore(ctx: Ctx, var: str, saved: Any) -> None:
    if saved is None:
        ctx.vars.pop(var, None)
    else:
        ctx.vars[var] = saved


def _param_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


_BINARY = {"+": values.add, "-": values.sub, "*": values.mul, "/": values.div}


def _binary(op: str, left: Fn, right: Fn) -> Fn:
    apply = _BINARY[op]
    return lambda ctx: apply(left(ctx), right(ctx))


def _compare(op: str, left: Fn, right: Fn) -> Fn:
    if op == "contains":
        return lambda ctx: values.member(right(ctx), left(ctx))
    apply: Callable[[Any, Any], bool | None] = values.COMPARISONS.get(op) or (
        values.member if op == "in" else values.not_member
    )
    return lambda ctx: apply(left(ctx), right(ctx))


def _test(kind: str, operand: Fn) -> Fn:
    if kind == "exists":
        return lambda ctx: operand(ctx) is not None
    if kind == "missing":
        return lambda ctx: operand(ctx) is None
    if kind == "empty":
        return lambda ctx: not operand(ctx)
    return lambda ctx: bool(operand(ctx))


def _quiet(test: Fn) -> Fn:
    """A presence test records the value it finds, but never "not declared": asking whether
    something is there is not a need for it to be there."""

    def quiet(ctx: Ctx) -> Any:
        rec = ctx.record
        if rec is None:
            return test(ctx)
        ctx.record = {}
        try:
            result = test(ctx)
        finally:
            seen, ctx.record = ctx.record, rec
        for key, value in seen.items():
            if value is not None:
                rec[key] = value
        return result

    return quiet


def _and(fs: list[Fn]) -> Fn:
    def and_(ctx: Ctx) -> Any:
        unknown = False
        for f in fs:
            v = f(ctx)
            if v is False:
                return False
            if v is None:
                unknown = True
        return None if unknown else True

    return and_


def _or(fs: list[Fn]) -> Fn:
    def or_(ctx: Ctx) -> Any:
        unknown = False
        for f in fs:
            v = f(ctx)
            if v is True:
                return True
            if v is None:
                unknown = True
        return None if unknown else False

    return or_


def _call(func: str, arg: Fn) -> Fn:
    apply = values.financial_year if func == "financial_year" else values.CALLS[func]
    return lambda ctx: apply(arg(ctx))


class CompiledRule:
    """One rule's closures: lets, condition, requirement and explanation templates."""

    __slots__ = ("checked", "lets", "when", "require", "met_on", "templates")

    lets: dict[str, Fn]

    def __init__(self, checked: CheckedRule, compiler: Compiler) -> None:
        rule = checked.rule
        self.checked = checked
        names: set[str] = set()
        lets: list[tuple[str, Fn]] = []
        for let in rule.lets:
            lets.append((let.name, compiler.expr(let.value, frozenset(names), frozenset())))
            names.add(let.name)
        scope = frozenset(names)
        self.lets = dict(lets)
        self.when = compiler.expr(rule.when, scope, frozenset()) if rule.when else None
        assert rule.require is not None  # the checker guarantees it
        self.require = compiler.expr(rule.require, scope, frozenset())
        self.met_on = compiler.expr(rule.met_on, scope, frozenset()) if rule.met_on else None
        self.templates: dict[str, tuple[Shape, tuple[Fn, ...]]] = {}
        for key, tmpl in (
            ("explain", rule.explain),
            ("met", rule.explain_met),
            ("na", rule.explain_na),
            ("remedy", rule.remedy),
        ):
            if tmpl is not None:
                self.templates[key] = (
                    Shape(tuple(p if isinstance(p, str) else None for p in tmpl.parts)),
                    tuple(
                        compiler.expr(p, scope, frozenset())
                        for p in tmpl.parts
                        if not isinstance(p, str)
                    ),
                )

    def evaluate(self, ctx: Ctx) -> tuple[bool, bool | None]:
        """``(applicable, requirement)``: the requirement is True, False or None (unknown)."""
        ctx.lets = {}
        ctx.let_fns = self.lets
        if self.when is not None and self.when(ctx) is False:
            return False, False
        return True, self.require(ctx)

    def met_date(self, ctx: Ctx) -> dt.date | None:
        """The date the rule says its criterion was met (``met on``), if it says one.

        Only a date on or before the evaluation date counts: a criterion met on the evaluation
        date cannot have been met after it.
        """
        if self.met_on is None:
            return None
        saved, ctx.record = ctx.record, None
        try:
            value = self.met_on(ctx)
        finally:
            ctx.record = saved
        return value if type(value) is dt.date and value <= ctx.as_of else None

    def render(self, key: str, ctx: Ctx) -> str | None:
        """Fill a template (``explain``, ``met``, ``na`` or ``remedy``) from the facts."""
        template = self.templates.get(key)
        if template is None:
            return None
        shape, holes = template
        saved, ctx.record = ctx.record, None
        try:
            return shape.fill([hole(ctx) for hole in holes])
        finally:
            ctx.record = saved
