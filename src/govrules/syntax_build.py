"""Tree to AST: the transformer that turns Lark's parse tree into :mod:`govrules.ast` nodes.

It walks without recursion (Lark's ``Transformer_NonRecursive``), turns Lark positions into
spans so that :mod:`govrules.ast` stays free of Lark, parses the holes of text templates as
expressions, and collects every located problem (bad dates, numbers too long) as diagnostics.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from lark import Token
from lark import Transformer_NonRecursive
from lark import v_args
from lark.exceptions import UnexpectedInput
from lark.tree import Meta

from . import ast
from .dates import MAX_AMOUNT as MAX_DURATION
from .dates import Duration
from .errors import Diagnostic
from .errors import make_diagnostic
from .source import Source
from .source import Span
from .syntax_errors import friendly_error as _friendly
from .syntax_parser import MAX_FRACTION_DIGITS
from .syntax_parser import MAX_INDEX
from .syntax_parser import MAX_INTEGER_DIGITS
from .syntax_parser import MAX_SYNTAX_DIAGNOSTICS
from .syntax_parser import check_nesting as _check_nesting
from .syntax_parser import meta_span as _span
from .syntax_parser import parser
from .syntax_parser import token_span as _tok_span

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


# Factories for the many transformer methods that differ only in an operator name.
def _bin_method(op: str) -> Any:
    @v_args(meta=True)
    def method(self: Any, meta: Meta, c: list[Any]) -> ast.Expr:
        return ast.Binary(op, c[0], c[1], _span(meta))  # type: ignore[arg-type]

    return method


def _cmp_method(op: str) -> Any:
    @v_args(meta=True)
    def method(self: Any, meta: Meta, c: list[Any]) -> ast.Expr:
        return ast.Compare(op, c[0], c[1], _span(meta))  # type: ignore[arg-type]

    return method


def _test_method(kind: str) -> Any:
    @v_args(meta=True)
    def method(self: Any, meta: Meta, c: list[Any]) -> ast.Expr:
        return ast.Test(kind, c[0], _span(meta))  # type: ignore[arg-type]

    return method


def _ref_method(prop: str, negated: bool) -> Any:
    @v_args(meta=True)
    def method(self: Any, meta: Meta, c: list[Any]) -> ast.Expr:
        return ast.RuleRef(str(c[0]), prop, negated, _span(meta))  # type: ignore[arg-type]

    return method


def _call_method(func: str) -> Any:
    @v_args(meta=True)
    def method(self: Any, meta: Meta, c: list[Any]) -> ast.Expr:
        return ast.Call(func, c[0], _span(meta))  # type: ignore[arg-type]

    return method


class AstBuilder(Transformer_NonRecursive):  # type: ignore[type-arg]
    """Lark tree → AST. Collects diagnostics instead of stopping at the first."""

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def _error(self, span: Span, code: str, message: str, hint: str | None = None) -> None:
        if len(self.diagnostics) < MAX_SYNTAX_DIAGNOSTICS:
            self.diagnostics.append(make_diagnostic(self.source, span, code, message, hint))

    # -- strings and templates
    def _unquote(self, tok: Token) -> str:
        raw = str(tok)[1:-1]
        out: list[str] = []
        i = 0
        while i < len(raw):
            c = raw[i]
            if c == "\\" and i + 1 < len(raw):
                nxt = raw[i + 1]
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                else:
                    col = (tok.column or 0) + 1 + i
                    self._error(
                        Span(tok.line or 0, col, tok.line or 0, col + 2),
                        "bad_escape",
                        f"unknown escape '\\{nxt}' in a string",
                        hint='use \\" for a quote, \\\\ for a backslash, \\n for a new line',
                    )
                i += 2
                continue
            out.append(c)
            i += 1
        return "".join(out)

    def _template(self, tokens: list[Token]) -> ast.Template:
        parts: list[str | ast.Expr] = []
        for tok in tokens:
            parts.extend(self._template_parts(tok))
        merged: list[str | ast.Expr] = []
        for p in parts:
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] = merged[-1] + p
            else:
                merged.append(p)
        first, last = tokens[0], tokens[-1]
        span = Span(first.line or 0, first.column or 0, last.end_line or 0, last.end_column or 0)
        return ast.Template(tuple(merged), span)

    def _template_parts(self, tok: Token) -> list[str | ast.Expr]:
        text = self._unquote(tok)
        raw = str(tok)[1:-1]
        parts: list[str | ast.Expr] = []
        buf: list[str] = []
        i = 0
        while i < len(text):
            c = text[i]
            if c == "{" and text.startswith("{{", i):
                buf.append("{")
                i += 2
                continue
            if c == "}" and text.startswith("}}", i):
                buf.append("}")
                i += 2
                continue
            if c == "{":
                end = text.find("}", i + 1)
                # Column of the hole's first character in the file (escapes before it are rare;
                # the raw offset is used when it can be found).
                raw_at = raw.find(text[i : end + 1 if end > 0 else len(text)])
                col = (tok.column or 0) + 1 + (raw_at if raw_at >= 0 else i)
                line = tok.line or 0
                if end < 0:
                    self._error(
                        Span(line, col, line, col + 1),
                        "bad_template",
                        "'{' opens a value in the text but is never closed",
                        hint="close it with '}', or write '{{' for a literal brace",
                    )
                    buf.append(text[i:])
                    break
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(self._hole(text[i + 1 : end], line, col + 1))
                i = end + 1
                continue
            if c == "}":
                col = (tok.column or 0) + 1 + i
                self._error(
                    Span(tok.line or 0, col, tok.line or 0, col + 1),
                    "bad_template",
                    "'}' closes nothing in this text",
                    hint="write '}}' for a literal brace",
                )
            buf.append(c)
            i += 1
        if buf:
            parts.append("".join(buf))
        return parts

    def _hole(self, text: str, line: int, column: int) -> ast.Expr:
        span = Span(line, column, line, column + len(text))
        if not text.strip():
            self._error(
                span,
                "bad_template",
                "empty '{}' in the text",
                hint="put an expression inside, e.g. {count(accountable_persons)}",
            )
            return ast.Literal("", span)
        try:
            tree = parser().parse(text, start="expr")
        except UnexpectedInput as err:
            sub = _friendly(err, Source(text, self.source.name), parser())
            at = sub.span
            shifted = Span(line, column + at.column - 1, line, column + at.end_column - 1)
            self._error(shifted, sub.code, sub.message + " (inside '{…}' in the text)", sub.hint)
            return ast.Literal("", span)
        deep = _check_nesting(tree, Source(text, self.source.name))
        if deep is not None:
            at = deep.span
            shifted = Span(line, column + at.column - 1, line, column + at.column)
            self._error(shifted, deep.code, deep.message + " (inside '{…}' in the text)", deep.hint)
            return ast.Literal("", span)
        nested = AstBuilder(self.source)
        expr = nested.transform(tree)
        self.diagnostics.extend(nested.diagnostics)
        return _relocate(expr, line - 1, column - 1) if isinstance(expr, ast.Expr) else expr

    # -- header and top level
    @v_args(meta=True)
    def start(self, meta: Meta, children: list[Any]) -> ast.Module:
        header = children[0]
        sources = tuple(c for c in children[1:] if isinstance(c, ast.SourceDecl))
        params = tuple(c for c in children[1:] if isinstance(c, ast.Param))
        rules = tuple(c for c in children[1:] if isinstance(c, ast.Rule))
        return ast.Module(header, sources, params, rules, _span(meta))

    @v_args(meta=True)
    def header(self, meta: Meta, children: list[Token]) -> ast.Header:
        name = self._unquote(children[0])
        version = self._unquote(children[1])
        # Without ``for "..."`` the format is left open: the checker reads the registry's default.
        fmt = self._unquote(children[2]) if len(children) > 2 else None
        return ast.Header(name, version, fmt, _span(meta))

    @v_args(meta=True)
    def source_decl(self, meta: Meta, children: list[Token]) -> ast.SourceDecl:
        return ast.SourceDecl(self._unquote(children[0]), self._unquote(children[1]), _span(meta))

    def _param(self, meta: Meta, children: list[Any], override: bool) -> ast.Param:
        name, type_name, value, basis = children
        reason = basis if isinstance(basis, str) else None
        citation = basis if isinstance(basis, ast.Citation) else None
        return ast.Param(str(name), type_name, value, reason, citation, override, _span(meta))

    @v_args(meta=True)
    def param_decl(self, meta: Meta, children: list[Any]) -> ast.Param:
        return self._param(meta, children, False)

    @v_args(meta=True)
    def override_decl(self, meta: Meta, children: list[Any]) -> ast.Param:
        return self._param(meta, children, True)

    def basis_reason(self, children: list[ast.Template]) -> str:
        return children[0].raw()

    def basis_cite(self, children: list[ast.Citation]) -> ast.Citation:
        return children[0]

    def t_date(self, _: list[Any]) -> str:
        return "date"

    def t_duration(self, _: list[Any]) -> str:
        return "duration"

    def t_number(self, _: list[Any]) -> str:
        return "number"

    def t_string(self, _: list[Any]) -> str:
        return "string"

    def t_bool(self, _: list[Any]) -> str:
        return "bool"

    def t_list(self, _: list[Any]) -> str:
        return "list"

    @v_args(meta=True)
    def citation(self, meta: Meta, children: list[Any]) -> ast.Citation:
        src, section, text = children
        return ast.Citation(self._unquote(src), self._unquote(section), text.raw(), _span(meta))

    def text(self, children: list[Token]) -> ast.Template:
        return self._template(children)

    # -- rules
    @v_args(meta=True)
    def rule_decl(self, meta: Meta, children: list[Any]) -> ast.Rule:
        rule_id = str(children[0])
        clauses: dict[str, Any] = {}
        lets: list[ast.Let] = []
        decisions: list[str] = []
        for kind, value, span in children[1:]:
            if kind == "let":
                lets.append(value)
                continue
            if kind == "decision":
                decisions.extend(value)
                continue
            if kind in clauses:
                self._error(
                    span,
                    "duplicate_clause",
                    f"rule {rule_id} has more than one '{kind}' clause",
                    hint="keep one; join texts into a single clause",
                )
                continue
            clauses[kind] = value
        text = ""
        if not getattr(meta, "empty", True):
            text = self.source.text[meta.start_pos : meta.end_pos]
        return ast.Rule(
            id=rule_id,
            title=clauses.get("title"),
            severity=clauses.get("severity"),
            due=clauses.get("due"),
            decisions=tuple(decisions),
            when=clauses.get("applies when"),
            lets=tuple(lets),
            require=clauses.get("require"),
            met_on=clauses.get("met on"),
            citation=clauses.get("cite"),
            explain=clauses.get("explain"),
            explain_met=clauses.get("explain met"),
            explain_na=clauses.get("explain not_applicable"),
            remedy=clauses.get("remedy"),
            text=text,
            span=Span(meta.line, meta.column, meta.line, meta.column + 4 + 1 + len(rule_id)),
        )

    @v_args(meta=True)
    def title_clause(self, meta: Meta, c: list[Token]) -> tuple[str, Any, Span]:
        return ("title", self._unquote(c[0]), _span(meta))

    @v_args(meta=True)
    def severity_must(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("severity", "must", _span(meta))

    @v_args(meta=True)
    def severity_should(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("severity", "should", _span(meta))

    @v_args(meta=True)
    def due_date(self, meta: Meta, c: list[Token]) -> tuple[str, Any, Span]:
        return ("due", self._date(c[0]), _span(meta))

    @v_args(meta=True)
    def due_param(self, meta: Meta, c: list[Token]) -> tuple[str, Any, Span]:
        return ("due", ast.Path(str(c[0]), (), _tok_span(c[0])), _span(meta))

    @v_args(meta=True)
    def decision_clause(self, meta: Meta, c: list[Token]) -> tuple[str, Any, Span]:
        return ("decision", [self._unquote(t) for t in c], _span(meta))

    @v_args(meta=True)
    def when_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("applies when", c[0], _span(meta))

    @v_args(meta=True)
    def let_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("let", ast.Let(str(c[0]), c[1], _span(meta)), _span(meta))

    @v_args(meta=True)
    def require_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("require", c[0], _span(meta))

    @v_args(meta=True)
    def met_on_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("met on", c[0], _span(meta))

    @v_args(meta=True)
    def cite_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("cite", c[0], _span(meta))

    @v_args(meta=True)
    def explain_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("explain", c[0], _span(meta))

    @v_args(meta=True)
    def explain_met_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("explain met", c[0], _span(meta))

    @v_args(meta=True)
    def explain_na_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("explain not_applicable", c[0], _span(meta))

    @v_args(meta=True)
    def remedy_clause(self, meta: Meta, c: list[Any]) -> tuple[str, Any, Span]:
        return ("remedy", c[0], _span(meta))

    # -- expressions
    def _date(self, tok: Token) -> ast.Literal:
        try:
            value = dt.date.fromisoformat(str(tok))
        except ValueError:
            self._error(
                _tok_span(tok),
                "bad_date",
                f"{tok} is not a calendar date",
                hint="check the month (01-12) and the day of the month",
            )
            value = dt.date(1970, 1, 1)
        return ast.Literal(value, _tok_span(tok))

    def number(self, c: list[Token]) -> ast.Literal:
        text = str(c[0])
        whole, _, fraction = text.partition(".")
        if len(whole.lstrip("0")) > MAX_INTEGER_DIGITS or len(fraction) > MAX_FRACTION_DIGITS:
            self._error(
                _tok_span(c[0]),
                "number_too_large",
                f"the number {_shorten(text)} has more digits than a rule may use",
                hint=f"numbers in rules have at most {MAX_INTEGER_DIGITS} digits before the "
                f"point and {MAX_FRACTION_DIGITS} after it",
            )
            return ast.Literal(0, _tok_span(c[0]))
        value: int | float = float(text) if "." in text else int(text)
        return ast.Literal(value, _tok_span(c[0]))

    def duration(self, c: list[Token]) -> ast.Literal:
        tok = c[0]
        value = Duration.parse("".join(str(tok).split()))
        if value.amount > MAX_DURATION:
            self._error(
                _tok_span(tok),
                "number_too_large",
                f"{tok} is longer than this language allows",
                hint=f"a duration states at most {MAX_DURATION} of its unit",
            )
        return ast.Literal(value, _tok_span(tok))

    def string(self, c: list[Token]) -> ast.Literal:
        return ast.Literal(self._unquote(c[0]), _tok_span(c[0]))

    def date(self, c: list[Token]) -> ast.Literal:
        return self._date(c[0])

    @v_args(meta=True)
    def true(self, meta: Meta, c: list[Any]) -> ast.Literal:
        return ast.Literal(True, _span(meta))

    @v_args(meta=True)
    def false(self, meta: Meta, c: list[Any]) -> ast.Literal:
        return ast.Literal(False, _span(meta))

    @v_args(meta=True)
    def as_of(self, meta: Meta, c: list[Any]) -> ast.AsOf:
        return ast.AsOf(_span(meta))

    @v_args(meta=True)
    def list_literal(self, meta: Meta, c: list[Any]) -> ast.ListLiteral:
        return ast.ListLiteral(tuple(x for x in c if x is not None), _span(meta))

    @v_args(meta=True)
    def path(self, meta: Meta, c: list[Any]) -> ast.Path:
        return ast.Path(str(c[0]), tuple(c[1:]), _span(meta))

    def field_step(self, c: list[Token]) -> ast.FieldStep:
        return ast.FieldStep(str(c[0]), _tok_span(c[0]))

    def index_step(self, c: list[Token]) -> ast.IndexStep:
        text = str(c[0])
        if "." in text:
            self._error(
                _tok_span(c[0]), "bad_index", f"list index {_shorten(text)} is not a whole number"
            )
            return ast.IndexStep(0, _tok_span(c[0]))
        if len(text.lstrip("0")) > len(str(MAX_INDEX)) or int(text) > MAX_INDEX:
            self._error(
                _tok_span(c[0]),
                "bad_index",
                f"list index {_shorten(text)} is larger than any list a declaration holds",
                hint=f"indexes go up to {MAX_INDEX}; use [*] or a quantifier for every item",
            )
            return ast.IndexStep(0, _tok_span(c[0]))
        return ast.IndexStep(int(text), _tok_span(c[0]))

    @v_args(meta=True)
    def wildcard_step(self, meta: Meta, c: list[Any]) -> ast.WildcardStep:
        return ast.WildcardStep(_span(meta))

    add = _bin_method("+")
    sub = _bin_method("-")
    mul = _bin_method("*")
    div = _bin_method("/")

    eq = _cmp_method("==")
    ne = _cmp_method("!=")
    lt = _cmp_method("<")
    le = _cmp_method("<=")
    gt = _cmp_method(">")
    ge = _cmp_method(">=")
    in_op = _cmp_method("in")
    not_in_op = _cmp_method("not in")
    contains_op = _cmp_method("contains")

    exists_op = _test_method("exists")
    missing_op = _test_method("missing")
    empty_op = _test_method("empty")
    not_empty_op = _test_method("not empty")

    rule_met = _ref_method("met", False)
    rule_not_met = _ref_method("met", True)
    rule_applicable = _ref_method("applicable", False)
    rule_not_applicable = _ref_method("applicable", True)

    count_call = _call_method("count")
    sum_call = _call_method("sum")
    min_call = _call_method("min")
    max_call = _call_method("max")
    financial_year_call = _call_method("financial_year")

    @v_args(meta=True)
    def negate(self, meta: Meta, c: list[Any]) -> ast.Expr:
        operand = c[0]
        if isinstance(operand, ast.Literal) and isinstance(operand.value, int | float):
            if not isinstance(operand.value, bool):
                return ast.Literal(-operand.value, _span(meta))
        return ast.Negate(operand, _span(meta))

    @v_args(meta=True)
    def not_op(self, meta: Meta, c: list[Any]) -> ast.Expr:
        return ast.Not(c[0], _span(meta))

    @v_args(meta=True)
    def and_chain(self, meta: Meta, c: list[Any]) -> ast.Expr:
        return ast.And(tuple(c), _span(meta))

    @v_args(meta=True)
    def or_chain(self, meta: Meta, c: list[Any]) -> ast.Expr:
        return ast.Or(tuple(c), _span(meta))

    def _quant(self, kind: str, meta: Meta, c: list[Any]) -> ast.Quantifier:
        var, iterable = str(c[0]), c[1]
        where = c[2] if len(c) == 4 else None
        body = c[-1]
        return ast.Quantifier(kind, var, iterable, where, body, _span(meta))  # type: ignore[arg-type]

    @v_args(meta=True)
    def all_q(self, meta: Meta, c: list[Any]) -> ast.Quantifier:
        return self._quant("all", meta, c)

    @v_args(meta=True)
    def any_q(self, meta: Meta, c: list[Any]) -> ast.Quantifier:
        return self._quant("any", meta, c)

    @v_args(meta=True)
    def if_expr(self, meta: Meta, c: list[Any]) -> ast.IfElse:
        return ast.IfElse(c[0], c[1], c[2], _span(meta))

    @v_args(meta=True)
    def met_list(self, meta: Meta, c: list[Token]) -> ast.RuleList:
        return ast.RuleList(True, tuple(str(t) for t in c), _span(meta))

    @v_args(meta=True)
    def unmet_list(self, meta: Meta, c: list[Token]) -> ast.RuleList:
        return ast.RuleList(False, tuple(str(t) for t in c), _span(meta))

    @v_args(meta=True)
    def collect(self, meta: Meta, c: list[Any]) -> ast.Collect:
        item, var, iterable = c[0], str(c[1]), c[2]
        where = c[3] if len(c) == 4 else None
        return ast.Collect(item, var, iterable, where, _span(meta))


def _shorten(text: str, limit: int = 24) -> str:
    """A long token as ``12345…6789 (400 digits)`` for a message."""
    if len(text) <= limit:
        return text
    return f"{text[:10]}…{text[-6:]} ({len(text)} characters)"


def _relocate(expr: ast.Expr, line_offset: int, column_offset: int) -> ast.Expr:
    """Move spans of an expression parsed from a template hole to the hole's place in the file.

    Holes are single-line, so only columns move (plus the line of the string).
    """
    import dataclasses

    def move(node: Any) -> Any:
        if isinstance(node, tuple):
            return tuple(move(n) for n in node)
        if not dataclasses.is_dataclass(node) or isinstance(node, type):
            return node
        changes: dict[str, Any] = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.name == "span" and isinstance(value, Span) and value.line > 0:
                changes["span"] = Span(
                    value.line + line_offset,
                    value.column + column_offset,
                    value.end_line + line_offset,
                    value.end_column + column_offset,
                )
            elif isinstance(value, ast.Node | tuple):
                changes[f.name] = move(value)
        return dataclasses.replace(node, **changes)

    result: ast.Expr = move(expr)
    return result
