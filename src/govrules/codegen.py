"""The Python back-end's compiler: one Python function per rule, generated from the checked
syntax tree and compiled once.

This is how Jinja2 compiles templates, with these rules:

- **No value from a rule file or a declaration ever appears in generated source.** Literals,
  parameter values, field names, path texts and rule IDs are constants in the function's
  namespace, under numbered names (``_c3``); variables are numbered too (``_v1``, ``_l0``).
  The source is made only of this module's own fixed text and those numbers.
- **The generated code runs with empty builtins** and only the helpers it needs: the value
  semantics of :mod:`govrules.values`, and the helpers of :mod:`govrules.codegen_runtime`.
- **Expression depth is checked before compiling**: a rule nested deeper than
  :data:`MAX_DEPTH` is not compiled, and its rule runs on the reference interpreter instead.
- The closure interpreter (:mod:`govrules.interpreter`) stays the reference semantics; the
  tests compare the two on the examples, on generated declarations and on grammar-drawn rules.

Each rule gets two functions, over a validated declaration model ``m`` (fields are read as
attributes, without dumping the model to a mapping):

- ``verdict(m, as_of, o)`` → ``(applicable, requirement)``, the fast path for statuses only;
- ``full(m, as_of, o, rec)`` → ``(applicable, requirement, text, remedy, met_on)``: the same
  evaluation, recording each declaration fact it reads in ``rec`` (as the reference does: the
  shortest missing prefix for a fact that is not declared, list items by index), then the text
  of the outcome reached (``explain met``, ``explain``/``remedy`` or ``explain
  not_applicable``; ``None`` where the rule has none) and the ``met on`` date.

Three-valued logic is written out as conditional expressions; a ``let`` is computed where it
is first needed, and at most once.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from pydantic import BaseModel

from . import ast
from . import types as T
from . import values
from .checker import CheckedRule
from .checker import Program
from .codegen_runtime import _BINARY
from .codegen_runtime import _CALL
from .codegen_runtime import _COMPARE
from .codegen_runtime import HELPERS
from .codegen_runtime import _missing_prefix
from .interpreter import compile_steps
from .interpreter import steps_text
from .prose import Shape

#: Deepest expression (in syntax-tree levels) compiled to Python; deeper rules run on the
#: reference interpreter (Python's own parser refuses about 200 nested brackets).
MAX_DEPTH = 30

Verdict = Callable[[Any, dt.date, dict[str, Any]], tuple[bool, Any]]
Full = Callable[[Any, dt.date, dict[str, Any], dict[str, Any]], tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class RuleCode:
    """The compiled functions of one rule."""

    rule_id: str
    verdict: Verdict
    full: Full
    source: str


# --------------------------------------------------------------------------- generation


def depth(node: Any) -> int:
    """The nesting depth of an expression tree."""
    best = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        if isinstance(n, tuple):
            stack.extend((x, d) for x in n)
        elif isinstance(n, ast.Expr):
            for name in n.__dataclass_fields__:  # type: ignore[attr-defined]
                child = getattr(n, name)
                if isinstance(child, ast.Expr | tuple):
                    stack.append((child, d + 1))
    return best


@dataclass(slots=True)
class _Var:
    name: str  # the Python local
    type: T.Type
    key: str | None  # "prefix[*]" for a loop over a declaration list, else None
    prefix: str
    whole: str  # the Python local holding the list iterated


class _Gen:
    """Python source for the expressions of one rule."""

    def __init__(self, checked: CheckedRule, program: Program, root: type[BaseModel]) -> None:
        self.checked = checked
        self.params = {name: p.value for name, p in program.params.items()}
        self.root = T.model_fields(root)
        self.consts: dict[str, Any] = {}
        self._const_ids: dict[tuple[type, Any], str] = {}
        self._counter = itertools.count()
        self.lets = {let.name: i for i, let in enumerate(checked.rule.lets)}

    # -- names
    def const(self, value: Any) -> str:
        try:
            key: tuple[type, Any] = (type(value), value)
            hit = self._const_ids.get(key)
        except TypeError:  # unhashable (lists): always a new constant
            key, hit = (type(value), id(value)), None
        if hit is not None:
            return hit
        name = f"_c{len(self.consts)}"
        self.consts[name] = value
        self._const_ids[key] = name
        return name

    def temp(self) -> str:
        return f"_t{next(self._counter)}"

    # -- types (enough to read a model's fields directly)
    def type_of(self, e: ast.Expr, scope: dict[str, _Var]) -> T.Type:
        if isinstance(e, ast.Path):
            if e.root in scope:
                base = scope[e.root].type
            elif e.root in self.lets:
                base = self.checked.let_types.get(e.root, T.ANY)
            elif e.root in self.params:
                return T.ANY
            else:
                base = self.root.get(e.root, T.ANY)
            return _walk_type(base, e.steps)
        if isinstance(e, ast.Collect):
            return T.list_of(self.type_of(e.item, self._bind(e, scope)))
        return T.ANY

    def _bind(self, e: ast.Quantifier | ast.Collect, scope: dict[str, _Var]) -> dict[str, _Var]:
        it = self.type_of(e.iterable, scope)
        item = it.item.required() if it.kind == "list" and it.item else T.ANY
        return {**scope, e.var: _Var("", item, None, "", "")}

    # -- expressions
    def expr(self, e: ast.Expr, scope: dict[str, _Var], rec: str | None) -> str:
        method = getattr(self, f"_{type(e).__name__}")
        result: str = method(e, scope, rec)
        return result

    def _Literal(self, e: ast.Literal, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        return self.const(e.value)

    def _AsOf(self, e: ast.AsOf, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        return "as_of"

    def _ListLiteral(self, e: ast.ListLiteral, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        return "[" + ", ".join(self.expr(i, scope, rec) for i in e.items) + "]"

    def _Negate(self, e: ast.Negate, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        return f"_neg({self.expr(e.operand, scope, rec)})"

    def _Binary(self, e: ast.Binary, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        left, right = self.expr(e.left, scope, rec), self.expr(e.right, scope, rec)
        return f"{_BINARY[e.op]}({left}, {right})"

    def _Compare(self, e: ast.Compare, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        left, right = self.expr(e.left, scope, rec), self.expr(e.right, scope, rec)
        if e.op == "contains":
            t = self.temp()  # the left side is read first, as written
            return f"(({t} := {left}), _in({right}, {t}))[1]"
        if e.op in ("==", "!=") and isinstance(e.right, ast.Literal):
            if isinstance(e.right.value, str):  # a text constant: case-folded once, here
                key = self.const(values.norm(e.right.value))
                return f"{'_eqk' if e.op == '==' else '_nek'}({left}, {key})"
        return f"{_COMPARE[e.op]}({left}, {right})"

    def _Test(self, e: ast.Test, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        op = e.operand
        quiet = (
            rec is not None
            and isinstance(op, ast.Path)
            and op.root not in self.lets
            and op.root not in self.params
        )
        if quiet:
            seen, v = self.temp(), self.temp()
            inner = self.expr(op, scope, seen)
            value = f"(({seen} := {{}}), ({v} := {inner}), _keep_found({rec}, {seen}), {v})[3]"
        else:
            value = self.expr(op, scope, rec)
        return {
            "exists": f"({value} is not None)",
            "missing": f"({value} is None)",
            "empty": f"(not {value})",
            "not empty": f"(not not {value})",
        }[e.kind]

    def _chain(
        self,
        operands: tuple[ast.Expr, ...],
        decisive: bool,
        scope: dict[str, _Var],
        rec: str | None,
    ) -> str:
        names = [self.temp() for _ in operands]
        word = "True" if decisive else "False"
        other = "False" if decisive else "True"
        unknown = " or ".join(f"{n} is None" for n in names)
        out = f"(None if ({unknown}) else {other})"
        for n, op in reversed(list(zip(names, operands, strict=True))):
            out = f"({word} if ({n} := {self.expr(op, scope, rec)}) is {word} else {out})"
        return out

    def _And(self, e: ast.And, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        return self._chain(e.operands, False, scope, rec)

    def _Or(self, e: ast.Or, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        return self._chain(e.operands, True, scope, rec)

    def _Not(self, e: ast.Not, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        t = self.temp()
        return f"(None if ({t} := {self.expr(e.operand, scope, rec)}) is None else (not {t}))"

    def _Call(self, e: ast.Call, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        return f"{_CALL[e.func]}({self.expr(e.arg, scope, rec)})"

    def _IfElse(self, e: ast.IfElse, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        cond = self.expr(e.cond, scope, rec)
        then, otherwise = self.expr(e.then, scope, rec), self.expr(e.otherwise, scope, rec)
        return f"({then} if ({cond}) is True else {otherwise})"

    def _RuleRef(self, e: ast.RuleRef, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        value = f"o[{self.const(e.rule_id)}].{'met' if e.prop == 'met' else 'applicable'}"
        return f"(not {value})" if e.negated else value

    def _RuleList(self, e: ast.RuleList, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        ids = self.const(tuple(e.rule_ids))
        want = "True" if e.met else "False"
        return f"[_r for _r in {ids} if o[_r].met is {want}]"

    def _loop(
        self, e: ast.Quantifier | ast.Collect, scope: dict[str, _Var], rec: str | None
    ) -> tuple[str, str, dict[str, _Var], str | None]:
        whole = self.temp()
        iterable = self.expr(e.iterable, scope, rec)
        var = f"_v{next(self._counter)}"
        it = self.type_of(e.iterable, scope)
        item = it.item.required() if it.kind == "list" and it.item else T.ANY
        prefix = ""
        if isinstance(e.iterable, ast.Path):
            root = e.iterable.root
            if root not in scope and root not in self.lets and root not in self.params:
                prefix = e.iterable.text()
        key = prefix + "[*]" if prefix else None
        inner = {**scope, e.var: _Var(var, item, key, prefix, whole)}
        where = f" if ({self.expr(e.where, inner, rec)}) is True" if e.where is not None else ""
        return f"({whole} := {iterable})", f"for {var} in {whole}{where}", inner, whole

    def _Quantifier(self, e: ast.Quantifier, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        bind, loop, inner, _ = self._loop(e, scope, rec)
        body = self.expr(e.body, inner, rec)
        fn = "_all3" if e.kind == "all" else "_any3"
        return f"(None if {bind} is None else {fn}(({body}) {loop}))"

    def _Collect(self, e: ast.Collect, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        bind, loop, inner, _ = self._loop(e, scope, rec)
        item = self.expr(e.item, inner, rec)
        return f"(None if {bind} is None else _drop_none([{item} {loop}]))"

    # -- paths
    def _Path(self, e: ast.Path, scope: dict[str, _Var], rec: str | None) -> str:  # noqa: N802
        if e.root in scope:
            var = scope[e.root]
            value = self._steps(var.name, var.type, e.steps)
            if rec is None or var.key is None:
                return value
            steps = compile_steps(e.steps)
            rest = steps_text(e.steps)
            return (
                f"_read_item({rec}, {self.const(var.key + rest)}, {self.const(var.prefix)}, "
                f"{self.const(rest)}, {var.name}, {var.whole}, {value}, "
                f"{self.const((('w', None), *steps))})"
            )
        if e.root in self.lets:
            i = self.lets[e.root]
            compute = (
                f"_letT{i}(m, as_of, o, rec, S)"
                if rec is not None
                else (f"_letP{i}(m, as_of, o, S)")
            )
            start = f"(S[{i}] if S[{i}] is not _U else {compute})"
            return self._steps(start, self.checked.let_types.get(e.root, T.ANY), e.steps)
        if e.root in self.params:
            param = self.params[e.root]
            start = self.const(list(param) if isinstance(param, tuple) else param)
            return self._steps(start, T.ANY, e.steps)
        value = self._steps("m", T.Type("object"), (ast.FieldStep(e.root), *e.steps))
        if rec is None:
            return value
        steps = compile_steps(e.steps)
        texts = tuple(ast.Path(e.root, e.steps[:n]).text() for n in range(len(e.steps) + 1))
        missing = self.const(functools.partial(_missing_prefix_of, e.root, steps, texts))
        return f"_read_doc({rec}, {self.const(e.text())}, {value}, {missing}, m)"

    def _steps(self, start: str, t: T.Type, steps: tuple[ast.Step, ...]) -> str:
        """Follow ``steps`` from the value ``start`` (of type ``t``), None-safe."""
        if not steps:
            return start
        step, rest = steps[0], steps[1:]
        if start == "m" and isinstance(step, ast.FieldStep):  # the declaration is never None
            return self._steps(
                f"{self.const(attrgetter(step.name))}(m)", self.root.get(step.name, T.ANY), rest
            )
        tmp = self.temp()
        if isinstance(step, ast.FieldStep):
            if t.kind == "object":
                read = f"{self.const(attrgetter(step.name))}({tmp})"
            else:
                read = f"_field({tmp}, {self.const(step.name)})"
            nt = t.fields().get(step.name, T.ANY) if t.kind == "object" else T.ANY
            return self._steps(f"(None if ({tmp} := {start}) is None else {read})", nt, rest)
        if isinstance(step, ast.IndexStep):
            nt = (t.item or T.ANY) if t.kind == "list" else T.ANY
            read = f"_index({start}, {self.const(step.index)})"
            return self._steps(read, nt, rest)
        # [*]: every item, the rest of the path from each, missing ones dropped, lists spread
        item_t = (t.item or T.ANY) if t.kind == "list" else T.ANY
        x = f"_v{next(self._counter)}"
        each = self._steps(x, item_t, rest) if rest else x
        return (
            f"(None if ({tmp} := {start}).__class__ is not _list "
            f"else _flat([{each} for {x} in {tmp}]))"
        )

    # -- functions
    def let_functions(self) -> list[str]:
        """One function per ``let`` and variant: computes it once, into the state list S.

        A quiet read's recorder is the traced variant's ``rec`` too: lets never run quietly.
        """
        out = []
        for i, let in enumerate(self.checked.rule.lets):
            out.append(f"def _letP{i}(m, as_of, o, S):")
            out.append(f"    S[{i}] = _v = {self.expr(let.value, {}, None)}")
            out.append("    return _v")
            out.append(f"def _letT{i}(m, as_of, o, rec, S):")
            out.append(f"    S[{i}] = _v = {self.expr(let.value, {}, 'rec')}")
            out.append("    return _v")
        return out

    def state(self) -> str:
        n = len(self.checked.rule.lets)
        return f"    S = [_U] * {self.const(n)}" if n else ""

    def template(self, tmpl: ast.Template | None) -> str:
        if tmpl is None:
            return "None"
        shape = tuple(p if isinstance(p, str) else None for p in tmpl.parts)
        holes = [self.expr(p, {}, None) for p in tmpl.parts if not isinstance(p, str)]
        if not holes:
            return self.const("".join(p for p in tmpl.parts if isinstance(p, str)))
        return f"{self.const(Shape(shape))}.fill(({', '.join(holes)},))"

    def source(self) -> str:
        rule = self.checked.rule
        assert rule.require is not None
        lines = self.let_functions() + ["def verdict(m, as_of, o):", self.state()]
        if rule.when is not None:
            lines.append(f"    if ({self.expr(rule.when, {}, None)}) is False:")
            lines.append("        return (False, False)")
        lines.append(f"    return (True, {self.expr(rule.require, {}, None)})")
        lines += ["def full(m, as_of, o, rec):", self.state()]
        if rule.when is not None:
            lines.append(f"    if ({self.expr(rule.when, {}, 'rec')}) is False:")
            lines.append(
                f"        return (False, False, {self.template(rule.explain_na)}, None, None)"
            )
        lines.append(f"    _req = {self.expr(rule.require, {}, 'rec')}")
        met_on = self.expr(rule.met_on, {}, None) if rule.met_on is not None else "None"
        lines.append("    if _req is True:")
        lines.append(
            f"        return (True, True, {self.template(rule.explain_met)}, None, {met_on})"
        )
        lines.append(
            f"    return (True, _req, {self.template(rule.explain)}, "
            f"{self.template(rule.remedy)}, None)"
        )
        return "\n".join(line for line in lines if line) + "\n"


@functools.lru_cache(maxsize=4096)
def _compiled(source: str) -> Any:
    """Compiled code, once per source text (the same text for rules of the same shape)."""
    return compile(source, "<govrules rule>", "exec")


def compile_rule(checked: CheckedRule, program: Program, root: type[BaseModel]) -> RuleCode | None:
    """The compiled functions of a rule, or None when it is nested too deep to compile (the
    reference interpreter then runs it)."""
    rule = checked.rule
    parts: list[Any] = [rule.when, rule.require, rule.met_on, *(let.value for let in rule.lets)]
    for tmpl in (rule.explain, rule.explain_met, rule.explain_na, rule.remedy):
        if tmpl is not None:
            parts.extend(p for p in tmpl.parts if isinstance(p, ast.Expr))
    if any(p is not None and depth(p) > MAX_DEPTH for p in parts):
        return None
    gen = _Gen(checked, program, root)
    source = gen.source()
    try:
        code = _compiled(source)
    except (SyntaxError, RecursionError, MemoryError, ValueError):  # pragma: no cover
        return None
    namespace: dict[str, Any] = {"__builtins__": {}, **HELPERS, **gen.consts}
    exec(code, namespace)  # noqa: S102 - our own generated source, no rule text in it
    return RuleCode(checked.id, namespace["verdict"], namespace["full"], source)


def _missing_prefix_of(
    root: str, steps: tuple[tuple[str, Any], ...], texts: tuple[str, ...], m: Any
) -> str:
    return _missing_prefix(m, root, steps, texts)


def _walk_type(t: T.Type, steps: tuple[ast.Step, ...]) -> T.Type:
    mapped = False
    for step in steps:
        base = t.item if mapped and t.kind == "list" and t.item else t
        if isinstance(step, ast.FieldStep):
            if base.kind != "object":
                return T.ANY
            nt = base.fields().get(step.name, T.ANY)
        elif base.kind != "list":
            return T.ANY
        else:
            nt = base.item or T.ANY
            if isinstance(step, ast.WildcardStep):
                mapped = True
                t = T.list_of(nt)
                continue
        if mapped:
            t = T.list_of(nt.item or T.ANY if nt.kind == "list" else nt)
        else:
            t = nt
    return t
