"""Text to syntax tree: the Lark LALR parser, the tree-to-AST transformer, friendly syntax errors.

The entry point is :func:`parse_module`. Syntax errors become :class:`RuleSyntaxError` with a
located :class:`Diagnostic` that says what was expected in words, not terminal names. The tree
walk is non-recursive (Lark's ``Transformer_NonRecursive``) and nesting deeper than
:data:`MAX_NESTING` is refused with a clean error, so every later pass may recurse safely.

The work is split by stage: :mod:`.syntax_parser` (grammar, parser, limits, pre- and
post-parse checks), :mod:`.syntax_build` (parse tree to AST) and :mod:`.syntax_errors` (Lark
errors to worded diagnostics). This module is the entry point and keeps their public names.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from lark.exceptions import UnexpectedEOF
from lark.exceptions import UnexpectedInput
from lark.exceptions import VisitError

from . import ast
from .errors import RuleSyntaxError
from .source import Source
from .syntax_build import AstBuilder
from .syntax_errors import friendly_error
from .syntax_parser import MAX_FRACTION_DIGITS as MAX_FRACTION_DIGITS
from .syntax_parser import MAX_INDEX as MAX_INDEX
from .syntax_parser import MAX_INTEGER_DIGITS as MAX_INTEGER_DIGITS
from .syntax_parser import MAX_NESTING as MAX_NESTING
from .syntax_parser import MAX_SYNTAX_DIAGNOSTICS as MAX_SYNTAX_DIAGNOSTICS
from .syntax_parser import check_characters
from .syntax_parser import check_nesting
from .syntax_parser import grammar_text as grammar_text
from .syntax_parser import parser as parser


def parse_module(source: Source, *, cache: bool = True) -> ast.Module:
    """Parse one rule file.

    A text parsed before in this process is not parsed again: syntax trees are immutable, so
    reloading rule files (a service re-reading its rules, a policy team re-running a corpus)
    costs only the static checks. Only successful parses are kept, in a cache bounded by the
    size of the texts (:data:`PARSE_CACHE_BYTES`); ``cache=False`` (texts sent to be linted)
    neither reads nor fills it.

    Raises:
        RuleSyntaxError: the text does not follow the grammar; every located problem is listed.
    """
    if not cache:
        return _parse_module(source)
    return _CACHE.get(source)


#: Total size of the rule texts whose syntax trees are kept (a tree takes about 25 times the
#: memory of its text); a text larger than a quarter of it is never kept.
PARSE_CACHE_BYTES = 4 * 1024 * 1024


class _ParseCache:
    """Syntax trees of recently parsed texts, least recently used first out, bounded by bytes."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self._entries: OrderedDict[tuple[str, str], ast.Module] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, source: Source) -> ast.Module:
        key = (source.text, source.name)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit
        module = _parse_module(source)
        size = len(source.text) + len(source.name)
        if size <= self.budget // 4:
            with self._lock:
                if key not in self._entries:
                    self._entries[key] = module
                    self.used += size
                while self.used > self.budget:
                    (text, name), _ = self._entries.popitem(last=False)
                    self.used -= len(text) + len(name)
        return module

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.used = 0


_CACHE = _ParseCache(PARSE_CACHE_BYTES)


def _parse_module(source: Source) -> ast.Module:
    bad = check_characters(source)
    if bad is not None:
        raise RuleSyntaxError([bad])
    p = parser()
    try:
        tree = p.parse(source.text, start="start")
    except UnexpectedInput as err:
        raise RuleSyntaxError([friendly_error(err, source, p)]) from None
    except UnexpectedEOF as err:  # pragma: no cover - LALR reports EOF as UnexpectedToken
        raise RuleSyntaxError([friendly_error(err, source, p)]) from None
    deep = check_nesting(tree, source)
    if deep is not None:
        raise RuleSyntaxError([deep])
    builder = AstBuilder(source)
    try:
        module = builder.transform(tree)
    except VisitError as err:  # pragma: no cover - a bug in a builder method
        raise err.orig_exc from None
    if builder.diagnostics:
        raise RuleSyntaxError(builder.diagnostics)
    if not isinstance(module, ast.Module):  # pragma: no cover
        raise TypeError("parser did not produce a module")
    return module


def parse_expression(text: str, name: str = "<expr>") -> ast.Expr:
    """Parse a single expression (used by tests and tools)."""
    source = Source(text, name)
    p = parser()
    try:
        tree = p.parse(text, start="expr")
    except UnexpectedInput as err:
        raise RuleSyntaxError([friendly_error(err, source, p)]) from None
    deep = check_nesting(tree, source)
    if deep is not None:
        raise RuleSyntaxError([deep])
    builder = AstBuilder(source)
    expr = builder.transform(tree)
    if builder.diagnostics:
        raise RuleSyntaxError(builder.diagnostics)
    if not isinstance(expr, ast.Expr):  # pragma: no cover
        raise TypeError("not an expression")
    return expr
