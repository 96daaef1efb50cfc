"""The grammar, the shared LALR parser, and the checks made on a text before and after parsing.

The limits here bound what every later pass must handle: nesting deeper than
:data:`MAX_NESTING` is refused with a clean error, so the transformer, the checker and the
back-ends may recurse safely.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from pathlib import Path as FsPath

from lark import Lark
from lark import Token
from lark import Tree
from lark.tree import Meta

from .errors import Diagnostic
from .errors import make_diagnostic
from .source import UNKNOWN_SPAN
from .source import Source
from .source import Span

#: Deepest expression nesting accepted; later passes recurse, so this bounds their stack.
MAX_NESTING = 100
#: Most digits a number written in a rule may have before its decimal point (values < 1e15).
MAX_INTEGER_DIGITS = 15
#: Most digits after the decimal point.
MAX_FRACTION_DIGITS = 15
#: Most problems one text reports from the syntax pass.
MAX_SYNTAX_DIAGNOSTICS = 200
#: Largest list index a path may name (``partners[999999]``).
MAX_INDEX = 999_999

_SURROGATE = re.compile("[\ud800-\udfff]")

_GRAMMAR_NAME = "govrules.lark"


def grammar_text() -> str:
    """The grammar, from the installed package or, in a source checkout, from ``grammar/``."""
    try:
        res = importlib.resources.files("govrules") / "grammar" / _GRAMMAR_NAME
        if res.is_file():
            return res.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - odd installs
        pass
    checkout = FsPath(__file__).resolve().parents[2] / "grammar" / _GRAMMAR_NAME
    return checkout.read_text(encoding="utf-8")


@functools.cache
def parser() -> Lark:
    """The shared LALR parser (built once; Lark's cache makes later processes start fast)."""
    return Lark(
        grammar_text(),
        parser="lalr",
        propagate_positions=True,
        maybe_placeholders=False,
        start=["start", "expr"],
        cache=True,
    )


def meta_span(meta: Meta) -> Span:
    """The span of a tree node (unknown when Lark recorded none)."""
    if getattr(meta, "empty", True):
        return UNKNOWN_SPAN
    return Span(meta.line, meta.column, meta.end_line, meta.end_column)


def token_span(tok: Token) -> Span:
    """The span of one token."""
    return Span(
        tok.line or 0,
        tok.column or 0,
        tok.end_line or tok.line or 0,
        tok.end_column or tok.column or 0,
    )


def check_characters(source: Source) -> Diagnostic | None:
    """A lone surrogate (possible in text that came through JSON) is not a character."""
    found = _SURROGATE.search(source.text)
    if found is None:
        return None
    before = source.text[: found.start()]
    line = before.count("\n") + 1
    column = found.start() - (before.rfind("\n") + 1) + 1
    return make_diagnostic(
        source,
        Span.point(line, column),
        "bad_character",
        f"the text holds a lone surrogate (U+{ord(found.group()):04X}), which is not a character",
        hint="rule files are UTF-8 text; remove the character or retype it",
    )


def check_nesting(tree: Tree[Token], source: Source) -> Diagnostic | None:
    """The first place where nesting exceeds :data:`MAX_NESTING`, found without recursion."""
    stack: list[tuple[Tree[Token], int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING:
            return make_diagnostic(
                source,
                meta_span(node.meta),
                "nesting_too_deep",
                f"this expression nests more than {MAX_NESTING} levels deep",
                hint="split it into 'let' bindings",
            )
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + 1))
    return None
