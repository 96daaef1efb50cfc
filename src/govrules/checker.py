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
import hashlib
import time
from collections.abc import Mapping
from collections.abc import Sequence

from pydantic import BaseModel

from . import ast
from . import types as T
from .checker_scope import MAX_DIAGNOSTICS as MAX_DIAGNOSTICS
from .checker_scope import Scope as _Scope
from .checker_scope import close_match
from .checker_scope import type_of_value
from .errors import Diagnostic
from .errors import RuleCompileError
from .errors import internal_error
from .errors import make_diagnostic
from .program import CheckedRule as CheckedRule
from .program import Override as Override
from .program import ParamInfo as ParamInfo
from .program import ParamValue as ParamValue
from .program import Program as Program
from .program import RulesetInfo as RulesetInfo
from .source import Source
from .source import Span

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
            vt = type_of_value(value)
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
                    hint=close_match(p.name, list(self.params)) or "remove 'override'",
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
                        p.name,
                        value,
                        previous.value,
                        source.name,
                        p.span.line,
                        previous.source,
                        p.reason,
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
            hint=close_match(c.source, sorted(declared))
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
                    hint=close_match(rule.due.root, list(self.params)),
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
