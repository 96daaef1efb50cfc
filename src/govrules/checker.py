"""Static checks: from parsed rule files to a checked :class:`Program`, or every problem at once.

Passes, in order (later passes rely on earlier ones):

1. ``collect_names`` — rulesets, sources, parameters (with overrides), rule IDs; duplicates.
2. ``check_rules`` — required clauses, citations, due dates, and the type of every expression
   against the declaration models (unknown fields get a "did you mean").
3. ``check_cycles`` — rule references form no cycle; rules are put in dependency order.

All diagnostics are collected and raised together as one :class:`RuleCompileError`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import time
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from pydantic import BaseModel

from . import ast
from . import types as T
from .dates import Duration
from .errors import Diagnostic
from .errors import RuleCompileError
from .errors import internal_error
from .errors import make_diagnostic
from .source import Source
from .source import Span

ParamValue = int | float | str | bool | dt.date | Duration | tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """A parameter's final value and where it came from."""

    name: str
    type: ast.ParamType
    value: ParamValue
    source: str
    span: Span
    reason: str | None
    citation: ast.Citation | None


@dataclass(frozen=True, slots=True)
class Override:
    """A later file replaced a parameter of an earlier one; the report says so."""

    parameter: str
    value: ParamValue
    previous: ParamValue
    file: str
    line: int
    previous_file: str


@dataclass(frozen=True, slots=True)
class RulesetInfo:
    """One named ruleset (one or more files with the same header)."""

    name: str
    version: str
    declaration_format: str
    files: tuple[str, ...]
    digest: str
    sources: dict[str, str] = field(compare=False)
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckedRule:
    """A rule that passed every check, with what the later stages need."""

    rule: ast.Rule
    ruleset: str
    declaration_format: str
    source: Source
    citation: str
    due: dt.date | None
    due_param: str | None
    depends_on: tuple[str, ...]
    let_types: dict[str, T.Type] = field(compare=False)

    @property
    def id(self) -> str:
        """The rule's stable ID."""
        return self.rule.id

    def text_of(self, span: Span) -> str:
        """The source text under a span (single- or multi-line)."""
        if span.line <= 0:
            return ""
        lines = [self.source.line_text(n) for n in range(span.line, span.end_line + 1)]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][span.column - 1 : span.end_column - 1]
        lines[0] = lines[0][span.column - 1 :]
        lines[-1] = lines[-1][: span.end_column - 1]
        return " ".join(x.strip() for x in lines)


@dataclass(frozen=True, slots=True)
class Program:
    """Checked rulesets: rules in dependency order and the final parameter values."""

    rulesets: tuple[RulesetInfo, ...]
    params: dict[str, ParamInfo]
    rules: tuple[CheckedRule, ...]

    def for_format(self, declaration_format: str) -> tuple[CheckedRule, ...]:
        """The rules that check declarations of one format."""
        return tuple(r for r in self.rules if r.declaration_format == declaration_format)


_REQUIRED_CLAUSES = ("title", "severity", "require", "citation", "explain", "remedy")


def _constant(expr: ast.Expr) -> ParamValue | None:
    if isinstance(expr, ast.Literal):
        return expr.value
    if isinstance(expr, ast.ListLiteral):
        items = [_constant(i) for i in expr.items]
        if any(i is None for i in items):
            return None
        return tuple(items)
    return None


def _type_of_value(value: ParamValue) -> T.Type:
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
    items = [_type_of_value(v) for v in value]
    kinds = {i.kind for i in items}
    return T.list_of(items[0] if len(kinds) == 1 else T.ANY)


#: Most diagnostics reported for one load; past it checking stops (a text of thousands of
#: errors needs its first ones fixed, and the rest would only cost time).
MAX_DIAGNOSTICS = 200
#: Most names a "did you mean" compares against (the nearest in length are kept).
_MAX_SUGGESTION_OPTIONS = 400


def _close(word: str, options: Sequence[str]) -> str | None:
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


class _TooMany(Exception):
    """Raised when :data:`MAX_DIAGNOSTICS` is reached."""


class _Checker:
    def __init__(
        self,
        modules: Sequence[tuple[Source, ast.Module]],
        formats: Mapping[str, type[BaseModel]],
        default_format: str,
    ) -> None:
        self.modules = modules
        self.formats = formats
        self.default_format = default_format
        self.diags: list[Diagnostic] = []
        self.params: dict[str, ParamInfo] = {}
        self.rule_sites: dict[str, tuple[Source, ast.Rule, ast.Module]] = {}
        self.overrides: dict[str, list[Override]] = {}

    def error(
        self, source: Source, span: Span, code: str, message: str, hint: str | None = None
    ) -> None:
        self.diags.append(make_diagnostic(source, span, code, message, hint))
        if len(self.diags) >= MAX_DIAGNOSTICS:
            self.diags.append(
                make_diagnostic(
                    source,
                    span,
                    "too_many_errors",
                    f"checking stopped after {MAX_DIAGNOSTICS} problems",
                    hint="fix these first, then check again",
                )
            )
            raise _TooMany

    def format_of(self, module: ast.Module) -> str:
        """The format a module checks: its header's, or the registry's default."""
        return module.header.declaration_format or self.default_format

    def model_of(self, module: ast.Module) -> type[BaseModel]:
        """The root model a module's rules are typed against (the default's when unknown,
        after the unknown format is reported)."""
        return self.formats.get(self.format_of(module)) or self.formats[self.default_format]

    # ------------------------------------------------------------ pass 1
    def collect_names(self) -> list[RulesetInfo]:
        groups: dict[str, list[tuple[Source, ast.Module]]] = {}
        for source, module in self.modules:
            h = module.header
            if self.format_of(module) not in self.formats:
                self.error(
                    source,
                    h.span,
                    "unknown_format",
                    f"'{h.declaration_format}' is not a declaration format govrules knows",
                    hint="known formats: " + ", ".join(sorted(self.formats)),
                )
            first = groups.setdefault(h.name, [])
            if first and first[0][1].header.version != h.version:
                self.error(
                    source,
                    h.span,
                    "version_mismatch",
                    f"ruleset '{h.name}' is version '{first[0][1].header.version}' in "
                    f"{first[0][0].name} but '{h.version}' here",
                    hint="files of one ruleset share one version",
                )
            first.append((source, module))
            self._collect_params(source, module)
            seen_sources: set[str] = set()
            for s in module.sources:
                if s.key in seen_sources:
                    self.error(
                        source,
                        s.span,
                        "duplicate_source",
                        f"source '{s.key}' is declared twice in this file",
                    )
                seen_sources.add(s.key)
            for rule in module.rules:
                if rule.id in self.rule_sites:
                    other_src, other, _ = self.rule_sites[rule.id]
                    self.error(
                        source,
                        rule.span,
                        "duplicate_rule",
                        f"rule {rule.id} is already defined at {other_src.name}:{other.span.line}",
                        hint="rule IDs are stable and unique; give this rule a new ID",
                    )
                    continue
                self.rule_sites[rule.id] = (source, rule, module)
        infos = []
        for name, members in groups.items():
            digest = hashlib.sha256()
            for src, _ in members:
                digest.update(src.text.encode("utf-8"))
                digest.update(b"\0")
            head = members[0][1].header
            sources: dict[str, str] = {}
            for _, m in members:
                sources.update({s.key: s.title for s in m.sources})
            infos.append(
                RulesetInfo(
                    name=name,
                    version=head.version,
                    declaration_format=self.format_of(members[0][1]),
                    files=tuple(src.name for src, _ in members),
                    digest="sha256:" + digest.hexdigest(),
                    sources=sources,
                    overrides=tuple(
                        o for src, _ in members for o in self.overrides.get(src.name, [])
                    ),
                )
            )
        return infos

    def _collect_params(self, source: Source, module: ast.Module) -> None:
        root_fields = T.model_fields(self.model_of(module))
        declared = {s.key for s in module.sources}
        for p in module.params:
            value = _constant(p.value)
            if value is None:
                self.error(
                    source,
                    p.value.span,
                    "not_constant",
                    f"parameter {p.name} must be a plain value",
                    hint="write a date, number, text, true/false or a [list] of them",
                )
                continue
            vt = _type_of_value(value)
            if vt.kind != p.type:
                self.error(
                    source,
                    p.value.span,
                    "type_error",
                    f"parameter {p.name} is declared {p.type} but its value is {vt.describe()}",
                )
                continue
            if p.citation is not None and p.citation.source not in declared:
                self._unknown_source(source, p.citation, declared)
            if p.name in root_fields:
                self.error(
                    source,
                    p.span,
                    "name_clash",
                    f"parameter {p.name} has the name of a declaration field",
                    hint="choose another name, e.g. one ending in _due or _threshold",
                )
            previous = self.params.get(p.name)
            if previous is not None and not p.override:
                self.error(
                    source,
                    p.span,
                    "duplicate_parameter",
                    f"parameter {p.name} is already defined at {previous.source}:"
                    f"{previous.span.line}",
                    hint=f"write 'override param {p.name}: …' to replace it on purpose",
                )
                continue
            if previous is None and p.override:
                self.error(
                    source,
                    p.span,
                    "nothing_to_override",
                    f"'override' names parameter {p.name}, which no earlier file defines",
                    hint=_close(p.name, list(self.params)) or "remove 'override'",
                )
                continue
            if previous is not None and previous.type != p.type:
                self.error(
                    source,
                    p.span,
                    "type_error",
                    f"override of {p.name} is {p.type} but the original is {previous.type}",
                )
                continue
            if previous is not None:
                self.overrides.setdefault(source.name, []).append(
                    Override(
                        p.name, value, previous.value, source.name, p.span.line, previous.source
                    )
                )
            self.params[p.name] = ParamInfo(
                p.name, p.type, value, source.name, p.span, p.reason, p.citation
            )

    def _unknown_source(self, source: Source, c: ast.Citation, declared: set[str]) -> None:
        self.error(
            source,
            c.span,
            "unknown_source",
            f"source '{c.source}' is not declared in this file",
            hint=_close(c.source, sorted(declared))
            or f'declare it at the top: source "{c.source}" "title of the document"',
        )

    # ------------------------------------------------------------ pass 2
    def check_rule(
        self, source: Source, rule: ast.Rule, module: ast.Module, info: RulesetInfo
    ) -> CheckedRule | None:
        before = len(self.diags)
        for clause in _REQUIRED_CLAUSES:
            if getattr(rule, clause) is None:
                word = "cite" if clause == "citation" else clause
                self.error(
                    source,
                    rule.span,
                    "missing_clause",
                    f"rule {rule.id} has no '{word}' clause",
                    hint=_CLAUSE_HINTS[clause],
                )
        declared = {s.key for s in module.sources}
        citation_text = ""
        if rule.citation is not None:
            c = rule.citation
            if c.source not in declared:
                self._unknown_source(source, c, declared)
            title = info.sources.get(c.source, c.source)
            citation_text = f"{title}, {c.section}: {c.text}"
        due: dt.date | None = None
        due_param: str | None = None
        if isinstance(rule.due, ast.Literal) and isinstance(rule.due.value, dt.date):
            due = rule.due.value
        elif isinstance(rule.due, ast.Path):
            p = self.params.get(rule.due.root)
            if p is None:
                self.error(
                    source,
                    rule.due.span,
                    "unknown_parameter",
                    f"unknown parameter '{rule.due.root}'",
                    hint=_close(rule.due.root, list(self.params)),
                )
            elif p.type != "date" or not isinstance(p.value, dt.date):
                self.error(
                    source,
                    rule.due.span,
                    "type_error",
                    f"due needs a date, but parameter {p.name} is {p.type}",
                )
            else:
                due, due_param = p.value, p.name
        model = self.model_of(module)
        scope = _Scope(self, source, model)
        let_types: dict[str, T.Type] = {}
        for let in rule.lets:
            t = scope.infer(let.value)
            if scope.has_name(let.name):
                self.error(
                    source,
                    let.span,
                    "name_clash",
                    f"'let {let.name}' hides {scope.describe_name(let.name)}",
                    hint="choose another name",
                )
            scope.lets[let.name] = t
            let_types[let.name] = t
        if rule.when is not None:
            scope.expect_bool(rule.when, "applies when")
        if rule.require is not None:
            scope.expect_bool(rule.require, "require")
        if rule.met_on is not None:
            t = scope.infer(rule.met_on)
            if t.kind not in ("date", "any"):
                self.error(
                    source,
                    rule.met_on.span,
                    "type_error",
                    f"'met on' needs a date, but this is {t.describe()}",
                    hint="name the date it was met, e.g. met on shared_plan.published_on",
                )
        for tmpl in (rule.explain, rule.explain_met, rule.explain_na, rule.remedy):
            if tmpl is None:
                continue
            for part in tmpl.parts:
                if isinstance(part, ast.Expr):
                    scope.infer(part)
        if len(self.diags) > before:
            return None
        return CheckedRule(
            rule=rule,
            ruleset=module.header.name,
            declaration_format=self.format_of(module),
            source=source,
            citation=citation_text,
            due=due,
            due_param=due_param,
            depends_on=tuple(dict.fromkeys(scope.rule_refs)),
            let_types=let_types,
        )

    # ------------------------------------------------------------ pass 3
    def check_cycles(self, checked: list[CheckedRule]) -> list[CheckedRule]:
        by_id = {r.id: r for r in checked}
        order: list[CheckedRule] = []
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        reported: set[frozenset[str]] = set()
        for start in checked:
            if state.get(start.id):
                continue
            stack: list[tuple[str, int]] = [(start.id, 0)]
            path: list[str] = []
            while stack:
                node, i = stack.pop()
                if i == 0:
                    state[node] = 1
                    path.append(node)
                deps = [d for d in by_id[node].depends_on if d in by_id]
                if i < len(deps):
                    stack.append((node, i + 1))
                    nxt = deps[i]
                    if state.get(nxt) == 1:
                        cycle = path[path.index(nxt) :] + [nxt]
                        key = frozenset(cycle)
                        if key not in reported:
                            reported.add(key)
                            r = by_id[nxt]
                            self.error(
                                r.source,
                                r.rule.span,
                                "rule_cycle",
                                "rules depend on each other in a circle: " + " → ".join(cycle),
                                hint="a rule can only use outcomes of rules that do not "
                                "use it back",
                            )
                    elif not state.get(nxt):
                        stack.append((nxt, 0))
                    continue
                state[node] = 2
                path.pop()
                order.append(by_id[node])
        return order


_CLAUSE_HINTS = {
    "title": 'add: title "what the criterion expects, in one line"',
    "severity": "add: severity must   (or: severity should)",
    "require": "add: require <condition that holds when the criterion is met>",
    "citation": 'add: cite "<source>" section "<section>" "<what it says, in our words>"',
    "explain": 'add: explain "why it failed, naming {the.facts}"',
    "remedy": 'add: remedy "what would make it pass"',
}


class _Scope:
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

    def infer(self, e: ast.Expr) -> T.Type:  # noqa: C901 - one dispatch over node kinds
        if isinstance(e, ast.Literal):
            return _type_of_value(e.value)
        if isinstance(e, ast.AsOf):
            return T.DATE
        if isinstance(e, ast.ListLiteral):
            items = [self.infer(i) for i in e.items]
            kinds = {i.kind for i in items} - {"any"}
            if len(kinds) > 1:
                return self.err(e.span, "type_error", "a list mixes values of different kinds")
            return T.list_of(next((i for i in items if i.kind != "any"), T.ANY))
        if isinstance(e, ast.Path):
            return self._path(e)
        if isinstance(e, ast.Negate):
            t = self.infer(e.operand)
            if t.kind not in ("number", "any"):
                return self.err(e.span, "type_error", f"cannot negate {t.describe()}")
            return T.NUMBER
        if isinstance(e, ast.Binary):
            return self._binary(e)
        if isinstance(e, ast.Compare):
            return self._compare(e)
        if isinstance(e, ast.Test):
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
        if isinstance(e, ast.And | ast.Or):
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
        if isinstance(e, ast.Not):
            t = self.infer(e.operand)
            if t.kind not in ("bool", "any"):
                self.err(e.span, "type_error", f"'not' needs a condition, not {t.describe()}")
            return T.BOOL
        if isinstance(e, ast.Call):
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
        if isinstance(e, ast.Quantifier | ast.Collect):
            return self._loop(e)
        if isinstance(e, ast.IfElse):
            self.expect_bool(e.cond, "if")
            a, b = self.infer(e.then), self.infer(e.otherwise)
            if "any" not in (a.kind, b.kind) and a.kind != b.kind:
                return self.err(
                    e.span,
                    "type_error",
                    f"'if' gives {a.describe()} or {b.describe()}; both branches "
                    "must be of one kind",
                )
            return a if a.kind != "any" else b
        if isinstance(e, ast.RuleList):
            for rid in e.rule_ids:
                if rid not in self.c.rule_sites:
                    self.err(
                        e.span,
                        "unknown_rule",
                        f"no rule has ID {rid}",
                        hint=_close(rid, list(self.c.rule_sites)),
                    )
                else:
                    self.rule_refs.append(rid)
            return T.list_of(T.STRING)
        if isinstance(e, ast.RuleRef):
            if e.rule_id not in self.c.rule_sites:
                return self.err(
                    e.span,
                    "unknown_rule",
                    f"no rule has ID {e.rule_id}",
                    hint=_close(e.rule_id, list(self.c.rule_sites)),
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
        return T.ANY  # pragma: no cover - every node kind is handled above

    def _path(self, e: ast.Path) -> T.Type:
        var = next((t for v, t in reversed(self.vars) if v == e.root), None)
        if var is not None:
            t = var
        elif e.root in self.lets:
            t = self.lets[e.root]
        elif e.root in self.c.params:
            p = self.c.params[e.root]
            t = _type_of_value(p.value)
        elif e.root in self.root:
            t = self.root[e.root]
        else:
            options = list(self.root) + list(self.c.params) + list(self.lets)
            options += [v for v, _ in self.vars]
            return self.err(
                e.span,
                "unknown_name",
                f"unknown name '{e.root}'",
                hint=_close(e.root, options)
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
                        hint=_close(step.name, list(fields)) or "fields here: " + ", ".join(fields),
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
                    hint=_close(lit.value, t.choices) or "values: " + ", ".join(t.choices),
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


def _plural_kind(t: T.Type) -> str:
    return {"string": "texts", "bool": "true/false values", "object": "groups of fields"}.get(
        t.kind, t.kind
    )


def check_program(
    modules: Sequence[tuple[Source, ast.Module]],
    *,
    formats: Mapping[str, type[BaseModel]],
    default_format: str,
    deadline: float | None = None,
) -> Program:
    """Check parsed modules (in load order) and build the program.

    ``formats`` maps each declaration format a ruleset may check to its root model (the
    registry's :meth:`~govrules.formats.FormatRegistry.models`); a header that names no format
    checks ``default_format``.

    ``deadline`` (a :func:`time.monotonic` time) stops the check with a ``check_timeout``
    diagnostic at the rule it reached, for services that must answer in bounded time.

    Raises:
        RuleCompileError: with every problem found, sorted by file and position.
    """
    c = _Checker(modules, formats, default_format)
    try:
        return _check(c, modules, deadline)
    except _TooMany:
        raise RuleCompileError(c.diags) from None


def _check(
    c: _Checker, modules: Sequence[tuple[Source, ast.Module]], deadline: float | None
) -> Program:
    try:
        infos = c.collect_names()
    except _TooMany:
        raise
    except Exception as err:  # a fault of govrules: located at the first file, never a traceback
        source, module = modules[0]
        raise RuleCompileError([internal_error(source, module.header.span, err)]) from None
    by_name = {i.name: i for i in infos}
    checked: list[CheckedRule] = []
    for source, module in modules:
        for rule in module.rules:
            site = c.rule_sites.get(rule.id)
            if site is None or site[1] is not rule:
                continue  # a duplicate, already reported
            if deadline is not None and time.monotonic() > deadline:
                c.diags.append(
                    make_diagnostic(
                        source,
                        rule.span,
                        "check_timeout",
                        "checking stopped here: the text took too long to check",
                        hint="check large rulesets with 'govrules lint' on your own machine",
                    )
                )
                raise RuleCompileError(c.diags)
            try:
                cr = c.check_rule(source, rule, module, by_name[module.header.name])
            except _TooMany:
                raise
            except Exception as err:
                c.diags.append(internal_error(source, rule.span, err))
                continue
            if cr is not None:
                checked.append(cr)
    try:
        ordered = c.check_cycles(checked) if not c.diags else checked
    except _TooMany:
        raise
    except Exception as err:
        source, module = modules[0]
        c.diags.append(internal_error(source, module.header.span, err))
    if c.diags:
        raise RuleCompileError(c.diags)
    return Program(tuple(infos), dict(c.params), tuple(ordered))
