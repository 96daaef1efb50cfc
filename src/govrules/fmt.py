"""``govrules fmt``: one canonical layout for rule files.

The layout, in short (docs/changing-rules.md shows it):

- four spaces of indentation; a rule's clauses in one order: ``title``, ``severity``, ``due``,
  ``decision``, ``applies when``, the ``let`` clauses (in their own order), ``require``,
  ``met on``, ``cite``, ``explain``, ``explain met``, ``explain not_applicable``, ``remedy``;
- an expression stays on its clause's line when it fits in 100 columns; otherwise it breaks
  before ``and``/``or``, ``where``/``satisfy``, ``then``/``else``, ``+``/``-``, with
  continuation lines indented by four more, or aligned after an opening bracket;
- one space around operators and after commas, none inside brackets;
- long texts are refilled: the adjacent strings of a text are joined and split again after a
  space, as many words to a line as fit, continuation lines aligned under the first quote;
- ``because`` and a parameter's ``cite`` go on the line below the parameter, the text of a
  citation on the line below ``cite``;
- at most two blank lines between top-level items, at least one around a rule; none inside
  a rule.

Comments stay where they were: a comment on its own line stays on its own line before the
code it preceded, and a comment at the end of a line stays at the end of the line of the code
it followed. The text a formatter writes always parses to the same syntax tree as the text
it read (this is checked on every run) and formatting it again changes nothing.

The formatter reads Lark's parse tree with every token kept, so it works on the grammar as
written; a construct it does not know is printed token by token with single spaces.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass

from lark import Lark
from lark import Token
from lark import Tree
from lark.exceptions import UnexpectedInput

from .errors import Diagnostic
from .errors import RuleSyntaxError
from .errors import make_diagnostic
from .fmt_doc import Blank
from .fmt_doc import Comment
from .fmt_doc import Doc
from .fmt_doc import HardLine
from .fmt_doc import Suffix
from .fmt_doc import align
from .fmt_doc import concat
from .fmt_doc import fill
from .fmt_doc import group
from .fmt_doc import indent
from .fmt_doc import line
from .fmt_doc import render
from .fmt_doc import text
from .source import Source
from .source import Span
from .syntax import grammar_text
from .syntax import parse_module

#: The width the layout aims for; a single long word or string may go past it.
WIDTH = 100
#: Indentation of a rule's clauses and of continuation lines.
STEP = 4
#: The most blank lines kept between top-level items.
MAX_BLANK = 2

#: The canonical order of a rule's clauses (``let`` clauses keep their own order).
CLAUSE_ORDER = (
    "title_clause",
    "severity_must severity_should",
    "due_date due_param",
    "decision_clause",
    "when_clause",
    "let_clause",
    "require_clause",
    "met_on_clause",
    "cite_clause",
    "explain_clause",
    "explain_met_clause",
    "explain_na_clause",
    "remedy_clause",
)
_CLAUSE_RANK = {name: i for i, names in enumerate(CLAUSE_ORDER) for name in names.split()}


@functools.cache
def _layout_parser() -> Lark:
    """The grammar's parser with every token kept (keywords, brackets, commas)."""
    return Lark(
        grammar_text(),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        keep_all_tokens=True,
        start="start",
    )


@dataclass(frozen=True, slots=True)
class _Comment:
    line: int
    column: int
    text: str


def scan_comments(source_text: str) -> list[_Comment]:
    """Every comment of a rule text, with its position (strings never span lines).

    Examples:
        >>> [c.text for c in scan_comments('a "# not" # yes\\n# two')]
        ['# yes', '# two']
    """
    found: list[_Comment] = []
    for n, row in enumerate(source_text.split("\n"), start=1):
        in_string = False
        i = 0
        while i < len(row):
            c = row[i]
            if in_string:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c == "#":
                found.append(_Comment(n, i + 1, row[i:].rstrip()))
                break
            i += 1
    return found


def _key(tok: Token) -> tuple[int, int]:
    return (tok.line or 0, tok.column or 0)


class _Comments:
    """Comments attached to tokens: own-line ones before the next token, trailing ones after
    the previous; with the blank lines that stood before each."""

    def __init__(self, source_text: str, tokens: list[Token]) -> None:
        lines = source_text.split("\n")
        blank = [not x.strip() for x in lines]
        self.leading: dict[tuple[int, int], list[tuple[int, str]]] = {}
        self.trailing: dict[tuple[int, int], str] = {}
        self.blank_before: dict[tuple[int, int], int] = {}  # blank lines above a token
        self.tail: list[tuple[int, str]] = []  # comments after the last token
        keys = [_key(t) for t in tokens]
        ends = {_key(t): t.end_line or t.line or 0 for t in tokens}
        comments = scan_comments(source_text)
        ci = 0
        last_line = 0  # the last line holding code or a comment
        for at, k in enumerate(keys):
            prev = keys[at - 1] if at else None
            while ci < len(comments) and (comments[ci].line, comments[ci].column) < k:
                c = comments[ci]
                gap = sum(blank[last_line : c.line - 1]) if last_line else 0
                if prev is not None and ends[prev] == c.line:
                    self.trailing[prev] = c.text
                else:
                    self.leading.setdefault(k, []).append((gap, c.text))
                last_line = c.line
                ci += 1
            self.blank_before[k] = sum(blank[last_line : k[0] - 1]) if last_line else 0
            last_line = ends[k]
        for c in comments[ci:]:
            gap = sum(blank[last_line : c.line - 1])
            if keys and ends[keys[-1]] == c.line:
                self.trailing[keys[-1]] = c.text
            else:
                self.tail.append((gap, c.text))
            last_line = c.line

    def take_leading(self, tok: Token) -> list[tuple[int, str]]:
        return self.leading.pop(_key(tok), [])


def _first_token(node: Tree[Token] | Token) -> Token:
    if isinstance(node, Token):
        return node
    return _first_token(node.children[0])


def _last_token(node: Tree[Token] | Token) -> Token:
    if isinstance(node, Token):
        return node
    return _last_token(node.children[-1])


_NO_SPACE_AFTER = {"(", "[", "."}
_NO_SPACE_BEFORE = {")", "]", ",", ".", ":", "["}


class _Layout:
    """Parse tree (every token kept) → document."""

    def __init__(self, source_text: str, tree: Tree[Token]) -> None:
        tokens = sorted((t for t in tree.scan_values(lambda v: isinstance(v, Token))), key=_key)
        self.comments = _Comments(source_text, tokens)

    # ---------------------------------------------------------------- tokens
    def tok(self, t: Token, shown: str | None = None) -> Doc:
        """A token with the comments attached to it."""
        parts: list[Doc] = [Comment(c) for _, c in self.comments.take_leading(t)]
        parts.append(text(str(t) if shown is None else shown))
        after = self.comments.trailing.pop(_key(t), None)
        if after is not None:
            parts.append(Suffix(after))
        return concat(*parts) if len(parts) > 1 else parts[0]

    def words(self, items: list[Tree[Token] | Token]) -> Doc:
        """Items separated by single spaces (no space inside brackets or before commas)."""
        parts: list[Doc] = []
        prev = ""
        for item in items:
            shown = str(item) if isinstance(item, Token) else ""
            if parts and prev not in _NO_SPACE_AFTER and shown not in _NO_SPACE_BEFORE:
                parts.append(text(" "))
            parts.append(self.node(item))
            prev = str(_last_token(item))
        return concat(*parts)

    def node(self, n: Tree[Token] | Token) -> Doc:
        if isinstance(n, Token):
            if n.type == "DURATION":
                m = re.fullmatch(r"(\d+)\s*(\w+)", str(n))
                return self.tok(n, f"{m.group(1)} {m.group(2)}" if m else None)
            return self.tok(n)
        method: Callable[[Tree[Token]], Doc] | None = getattr(self, "n_" + str(n.data), None)
        if method is not None:
            return method(n)
        return self.words(n.children)

    # ---------------------------------------------------------------- the file
    def module(self, tree: Tree[Token]) -> Doc:
        items = tree.children
        parts: list[Doc] = []
        prev_kind = ""
        for i, item in enumerate(items):
            assert isinstance(item, Tree)
            kind = str(item.data).replace("override_decl", "param_decl")
            least = 0
            if i and (kind != prev_kind or "rule_decl" in (kind, prev_kind)):
                least = 1  # a blank line between kinds of item, and around every rule
            first = _first_token(item)
            leading = self.comments.take_leading(first)
            gaps = [g for g, _ in leading] + [self.comments.blank_before[_key(first)]]
            entries: list[Doc] = [Comment(c) for _, c in leading] + [self.node(item)]
            for k, (gap, entry) in enumerate(zip(gaps, entries, strict=True)):
                if i or k:  # nothing goes before the first line of the file
                    n = max(min(gap, MAX_BLANK), least if k == 0 else 0)
                    parts.extend([HardLine()] + [Blank()] * n)
                parts.append(entry)
            prev_kind = kind
        for gap, c in self.comments.tail:
            parts.extend([HardLine()] + [Blank()] * min(gap, MAX_BLANK))
            parts.append(Comment(c))
        return concat(*parts)

    def n_header(self, n: Tree[Token]) -> Doc:
        return self.words(n.children)

    def n_source_decl(self, n: Tree[Token]) -> Doc:
        return self.words(n.children)

    def n_param_decl(self, n: Tree[Token]) -> Doc:
        c = n.children
        at = 1 if str(c[0]) == "param" else 2  # "override" "param" name ...
        head = self.words(c[: at + 1])  # [override] param NAME
        colon, type_name, eq, value, basis = c[at + 1 :]
        return concat(
            head,
            self.node(colon),
            text(" "),
            self.node(type_name),
            text(" "),
            self.node(eq),
            text(" "),
            indent(STEP, group(self.node(value))),
            indent(STEP, HardLine(), self.node(basis)),
        )

    n_override_decl = n_param_decl

    def n_basis_reason(self, n: Tree[Token]) -> Doc:
        keyword, body = n.children
        return concat(self.node(keyword), text(" "), self.text_of(body, STEP + 8))

    def n_basis_cite(self, n: Tree[Token]) -> Doc:
        return self.citation(n.children[0], STEP)

    def n_citation(self, n: Tree[Token]) -> Doc:
        return self.citation(n, STEP)

    def citation(self, n: Tree[Token] | Token, at: int) -> Doc:
        assert isinstance(n, Tree)
        *head, body = n.children
        return concat(self.words(head), indent(STEP, HardLine(), self.text_of(body, at + STEP)))

    # ---------------------------------------------------------------- rules
    def n_rule_decl(self, n: Tree[Token]) -> Doc:
        keyword, rule_id, lbrace, *clauses, rbrace = n.children
        clauses.sort(key=lambda c: _CLAUSE_RANK.get(str(getattr(c, "data", "")), 99))
        body: list[Doc] = []
        for c in clauses:
            assert isinstance(c, Tree)
            body.append(HardLine())
            body.append(self.clause(c))
        return concat(
            self.words([keyword, rule_id, lbrace]),
            indent(STEP, *body),
            HardLine(),
            self.node(rbrace),
        )

    def clause(self, c: Tree[Token]) -> Doc:
        """One clause at the rule's indentation: keywords, then an expression or a text."""
        kind = str(c.data)
        if kind == "cite_clause":
            return self.citation(c.children[0], STEP)
        keywords = [x for x in c.children if isinstance(x, Token) and x.type != "STRING"]
        rest = c.children[len(keywords) :]
        if kind == "decision_clause":
            strings = [x for x in c.children[1:] if isinstance(x, Token) and x.type == "STRING"]
            commas = [x for x in c.children[1:] if isinstance(x, Token) and x.type != "STRING"]
            return concat(
                self.node(c.children[0]),
                text(" "),
                group(align(self.listing(strings, commas))),
            )
        if kind in ("title_clause",) or not rest:
            return self.words(c.children)
        head = self.words(keywords)  # type: ignore[arg-type]
        (value,) = rest
        if isinstance(value, Tree) and value.data == "text":
            width = STEP + len(" ".join(str(k) for k in keywords)) + 1
            return concat(head, text(" "), self.text_of(value, width))
        return concat(head, text(" "), indent(STEP, group(self.node(value))))

    def listing(self, items: Sequence[Tree[Token] | Token], commas: list[Token]) -> Doc:
        """Items separated by commas, filling lines."""
        seps = [concat(self.node(comma), line()) for comma in commas]
        return fill([group(self.node(i)) for i in items], seps)

    # ---------------------------------------------------------------- texts
    def text_of(self, n: Tree[Token] | Token, column: int) -> Doc:
        """A text (adjacent strings) refilled to the width, starting at ``column``."""
        assert isinstance(n, Tree)
        strings = [t for t in n.children if isinstance(t, Token)]
        inner = strings[1:]
        interior = any(_key(t) in self.comments.leading for t in inner) or any(
            _key(t) in self.comments.trailing for t in strings[:-1]
        )
        if interior:  # comments between the strings: keep the strings as they are
            docs: list[Doc] = []
            for i, t in enumerate(strings):
                if i:
                    docs.append(HardLine())
                docs.append(self.tok(t))
            return align(*docs)
        lead = [Comment(c) for _, c in self.comments.take_leading(strings[0])]
        after = self.comments.trailing.pop(_key(strings[-1]), None)
        raw = "".join(str(t)[1:-1] for t in strings)
        pieces = refill(raw, WIDTH - column)
        docs = []
        for i, piece in enumerate(pieces):
            if i:
                docs.append(HardLine())
            docs.append(text(f'"{piece}"'))
        tail: list[Doc] = [Suffix(after)] if after is not None else []
        return concat(*lead, align(*docs), *tail)

    # ---------------------------------------------------------------- expressions
    def chain(self, n: Tree[Token]) -> Doc:
        """``a or b or c``: breaks before each operator, all at one indentation."""
        c = n.children
        parts: list[Doc] = [self.operand(n, c[0])]
        for i in range(1, len(c), 2):
            parts.extend([line(), self.node(c[i]), text(" "), self.operand(n, c[i + 1])])
        return group(*parts)

    def operand(self, parent: Tree[Token], child: Tree[Token] | Token) -> Doc:
        doc = self.node(child)
        if parent.data == "or_chain" and isinstance(child, Tree) and child.data == "and_chain":
            return indent(STEP, doc)  # an `and` inside an `or` breaks further in
        return doc

    n_or_chain = chain
    n_and_chain = chain

    def n_add(self, n: Tree[Token]) -> Doc:
        """``a + b - c`` (and ``*``, ``/``): one group over a run of the same precedence."""
        same = ("add", "sub") if n.data in ("add", "sub") else ("mul", "div")
        links: list[tuple[Tree[Token] | Token, Tree[Token] | Token]] = []
        node: Tree[Token] | Token = n
        while isinstance(node, Tree) and node.data in same:
            left, op, right = node.children
            links.append((op, right))
            node = left
        parts: list[Doc] = [self.node(node)]
        for op, right in reversed(links):
            parts.extend([line(), self.node(op), text(" "), self.node(right)])
        return group(*parts)

    n_sub = n_add
    n_mul = n_add
    n_div = n_add

    def n_negate(self, n: Tree[Token]) -> Doc:
        return concat(*(self.node(x) for x in n.children))

    def n_not_op(self, n: Tree[Token]) -> Doc:
        keyword, operand = n.children
        return concat(self.node(keyword), text(" "), self.node(operand))

    def quantifier(self, n: Tree[Token]) -> Doc:
        """``all x in list where cond satisfy body``: breaks before ``where`` and ``satisfy``."""
        c = n.children
        parts: list[Doc] = [self.words(c[:4])]
        for i in range(4, len(c), 2):
            parts.append(indent(STEP, line(), self.keyword_operand(c[i], c[i + 1])))
        return group(*parts)

    def keyword_operand(self, keyword: Tree[Token] | Token, value: Tree[Token] | Token) -> Doc:
        """``where cond``, ``then a``: the operand's own continuation lines go 4 further in."""
        return concat(self.node(keyword), text(" "), indent(STEP, group(self.node(value))))

    n_all_q = quantifier
    n_any_q = quantifier

    def n_if_expr(self, n: Tree[Token]) -> Doc:
        """``if c then a else b``: ``then`` and ``else`` break 4 further in than ``if``."""
        kw_if, cond, kw_then, then, kw_else, otherwise = n.children
        return align(
            group(
                self.node(kw_if),
                text(" "),
                indent(STEP, group(self.node(cond))),
                indent(STEP, line(), self.keyword_operand(kw_then, then)),
                indent(STEP, line(), self.keyword_operand(kw_else, otherwise)),
            )
        )

    def n_atom(self, n: Tree[Token]) -> Doc:
        """``( expr )``: continuation lines align after the bracket."""
        lpar, inner, rpar = n.children
        return concat(self.node(lpar), align(group(self.node(inner))), self.node(rpar))

    def call(self, n: Tree[Token]) -> Doc:
        name, lpar, arg, rpar = n.children
        return concat(self.node(name), self.node(lpar), align(self.node(arg)), self.node(rpar))

    n_count_call = call
    n_sum_call = call
    n_min_call = call
    n_max_call = call
    n_financial_year_call = call

    def rule_list(self, n: Tree[Token]) -> Doc:
        name, lpar, *rest, rpar = n.children
        ids = rest[0::2]
        commas = [x for x in rest[1::2] if isinstance(x, Token)]
        return concat(
            self.node(name),
            self.node(lpar),
            group(align(self.listing(ids, commas))),
            self.node(rpar),
        )

    n_met_list = rule_list
    n_unmet_list = rule_list

    def n_list_literal(self, n: Tree[Token]) -> Doc:
        lsqb, *rest, rsqb = n.children
        items = rest[0::2]
        commas = [x for x in rest[1::2] if isinstance(x, Token)]
        return concat(self.node(lsqb), group(align(self.listing(items, commas))), self.node(rsqb))

    def n_collect(self, n: Tree[Token]) -> Doc:
        """``[item for x in list where cond]``: breaks before ``where``, then before ``for``."""
        lsqb, item, kw_for, var, kw_in, iterable, *rest = n.children
        rsqb = rest.pop()
        head = group(
            self.node(item),
            line(),
            self.words([kw_for, var, kw_in]),
            text(" "),
            indent(STEP, group(self.node(iterable))),
        )
        parts: list[Doc] = [head]
        if rest:
            parts.extend([line(), self.keyword_operand(rest[0], rest[1])])
        return concat(self.node(lsqb), align(group(*parts)), self.node(rsqb))

    def n_path(self, n: Tree[Token]) -> Doc:
        return concat(*(self.node(x) for x in n.children))

    def step(self, n: Tree[Token]) -> Doc:
        return concat(*(self.node(x) for x in n.children))

    n_field_step = step
    n_index_step = step
    n_wildcard_step = step


_UNIT = re.compile(r"\\.|\{\{|\}\}|\{[^}]*\}?|.", re.DOTALL)


def refill(raw: str, room: int) -> list[str]:
    """Split the inside of a text into pieces of at most ``room - 2`` characters (with their
    quotes, ``room``), breaking only after a space, never inside an escape or a ``{value}``.

    Examples:
        >>> refill("one two {count(x) + 1} three", 14)
        ['one two ', '{count(x) + 1} ', 'three']
        >>> refill("", 10)
        ['']
    """
    words: list[str] = []
    current = ""
    for unit in _UNIT.findall(raw):
        if current.endswith(" ") and unit != " ":
            words.append(current)
            current = ""
        current += unit
    if current or not words:
        words.append(current)
    pieces: list[str] = []
    piece = ""
    for word in words:
        if piece and len(piece) + len(word) + 2 > room:
            pieces.append(piece)
            piece = ""
        piece += word
    pieces.append(piece)
    return pieces


def format_text(source: Source) -> str:
    """The canonical layout of a rule file.

    Raises:
        RuleSyntaxError: the text does not parse (the same diagnostics as ``lint``), or, as an
            ``internal_error``, the layout would change what the file says (never expected).
    """
    before = parse_module(source)  # every syntax error, worded as everywhere else
    try:
        tree = _layout_parser().parse(source.text)
    except UnexpectedInput as err:  # pragma: no cover - parse_module accepted the text
        raise RuleSyntaxError([_fault(source, str(err))]) from None
    layout = _Layout(source.text, tree)
    out = render(layout.module(tree), WIDTH).rstrip("\n") + "\n"
    _same_meaning(source, before, out)
    return out


def _same_meaning(source: Source, before: object, out: str) -> None:
    """Refuse a layout that would change the syntax tree or lose a comment."""
    problem = ""
    try:
        after = parse_module(Source(out, source.name))
        if after != before:
            problem = "the formatted text would parse to a different syntax tree"
    except RuleSyntaxError as err:
        problem = "the formatted text would not parse: " + err.diagnostics[0].headline()
    if not problem:
        # Clauses move with their comments, so only the order of comments may change.
        old = sorted(c.text for c in scan_comments(source.text))
        if sorted(c.text for c in scan_comments(out)) != old:
            problem = "the formatted text would lose a comment"
    if problem:
        raise RuleSyntaxError([_fault(source, problem)])


def _fault(source: Source, problem: str) -> Diagnostic:
    """A fault of the formatter itself: the file is left as it was."""
    return make_diagnostic(
        source,
        Span.point(1, 1),
        "format_error",
        f"govrules fmt cannot lay this file out: {problem}",
        hint="the file is left unchanged; this is a fault in govrules: please report it",
    )
