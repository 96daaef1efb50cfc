"""A small document algebra and its printer, for ``govrules fmt``.

The formatter describes a rule file as a *document*: texts, places where a line may break,
groups that are printed on one line when they fit and broken otherwise, indentation, and
comments. :func:`render` then lays the document out within a width, in the manner of
Wadler's "prettier printer" and of Prettier's printer, from which the command set is taken.

Comments are the part a code printer usually lacks:

- a :class:`Comment` stands on its own line (an own-line comment of the source). A group that
  holds one can never be printed flat;
- a :class:`Suffix` is a trailing comment: it is kept at the end of the line it was put on.
  When more code would follow it on that line, the line is broken first, so a comment never
  swallows code.

Examples:
    >>> doc = group(text("a"), line(), text("and b"))
    >>> render(doc, 80)
    'a and b'
    >>> render(doc, 4)
    'a\\nand b'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field
from typing import Literal
from typing import Union

Mode = Literal["flat", "break"]


@dataclass(frozen=True, slots=True)
class Text:
    """Text printed as it is (never holding a line break)."""

    s: str


@dataclass(frozen=True, slots=True)
class Line:
    """A space (or nothing, when ``soft``) in a flat group; a line break in a broken one."""

    soft: bool = False


@dataclass(frozen=True, slots=True)
class HardLine:
    """Always a line break (none when the line is still empty)."""


@dataclass(frozen=True, slots=True)
class Blank:
    """An empty line: a line break, then another."""


@dataclass(frozen=True, slots=True)
class Comment:
    """An own-line comment: printed alone on its line at the current indentation."""

    s: str


@dataclass(frozen=True, slots=True)
class Suffix:
    """A trailing comment: printed at the end of the current line."""

    s: str


@dataclass(frozen=True, slots=True)
class Concat:
    """Documents one after another."""

    parts: tuple[Doc, ...]


@dataclass(frozen=True, slots=True)
class Group:
    """Printed flat when it fits in the width, broken otherwise; ``hard`` ones always break."""

    parts: tuple[Doc, ...]
    hard: bool = field(default=False)


@dataclass(frozen=True, slots=True)
class Fill:
    """Items with separators; a separator breaks only when the next item would not fit."""

    items: tuple[Doc, ...]
    separators: tuple[Doc, ...]


@dataclass(frozen=True, slots=True)
class Indent:
    """Line breaks inside start ``n`` columns further in."""

    n: int
    parts: tuple[Doc, ...]


@dataclass(frozen=True, slots=True)
class Align:
    """Line breaks inside start at the column where this document begins."""

    parts: tuple[Doc, ...]


Doc = Union[Text, Line, HardLine, Blank, Comment, Suffix, Concat, Group, Fill, Indent, Align]  # noqa: UP007


def text(s: str) -> Text:
    """A piece of text."""
    return Text(s)


def line(soft: bool = False) -> Line:
    """A breakable space (``soft``: a breakable nothing)."""
    return Line(soft)


def concat(*parts: Doc) -> Concat:
    """Documents one after another."""
    return Concat(parts)


def _hard(doc: Doc) -> bool:
    """Whether a document forces every group around it to break."""
    if isinstance(doc, HardLine | Blank | Comment):
        return True
    if isinstance(doc, Group):
        return doc.hard
    if isinstance(doc, Concat | Indent | Align):
        return any(_hard(p) for p in doc.parts)
    if isinstance(doc, Fill):
        return any(_hard(p) for p in doc.items + doc.separators)
    return False


def group(*parts: Doc) -> Group:
    """A group; it is hard (always broken) when it holds a line break or own-line comment."""
    return Group(parts, any(_hard(p) for p in parts))


def indent(n: int, *parts: Doc) -> Indent:
    """Indent line breaks inside by ``n`` columns."""
    return Indent(n, parts)


def align(*parts: Doc) -> Align:
    """Align line breaks inside with the column where this document starts."""
    return Align(parts)


def fill(items: Iterable[Doc], separators: Iterable[Doc]) -> Fill:
    """Items that flow onto as few lines as they fit; ``separators`` go between them."""
    return Fill(tuple(items), tuple(separators))


_Cmd = tuple[int, Mode, Doc]


class _Printer:
    def __init__(self, width: int) -> None:
        self.width = width
        self.out: list[str] = []
        self.col = 0
        self.indent = 0
        self.content = False  # whether the current line holds anything yet
        self.pending: list[str] = []  # trailing comments waiting for the end of the line

    def newline(self, ind: int) -> None:
        """End the current line (if it holds anything) and start one at ``ind``."""
        if self.content or self.pending:
            self.flush_pending()
            self.out.append("\n")
        self.content = False
        self.indent = ind
        self.col = ind

    def flush_pending(self) -> None:
        if self.pending:
            self.emit("  " + "  ".join(self.pending))
            self.pending = []

    def emit(self, s: str) -> None:
        if not self.content:
            s = s.lstrip(" ")
            if not s:
                return
            self.out.append(" " * self.indent)
            self.col = self.indent
            self.content = True
        self.out.append(s)
        self.col += len(s)

    def text(self, s: str, ind: int) -> None:
        if self.pending:
            if not s.strip():
                return  # a space after a trailing comment is the line's end
            self.newline(ind)
        self.emit(s)

    def blank(self, ind: int) -> None:
        self.newline(ind)
        self.out.append("\n")

    def result(self) -> str:
        self.flush_pending()
        lines = "".join(self.out).split("\n")
        return "\n".join(x.rstrip() for x in lines)


def _fits(cmds: list[_Cmd], rest: list[_Cmd], room: int) -> bool:
    """Whether ``cmds`` (then ``rest``, up to its first line break) fit in ``room`` columns."""
    stack = list(reversed(cmds))
    rest_at = len(rest)
    suffix = False
    while room >= 0:
        if not stack:
            if rest_at == 0:
                return True
            rest_at -= 1
            stack.append(rest[rest_at])
            continue
        ind, mode, doc = stack.pop()
        if isinstance(doc, Text):
            if suffix and doc.s.strip():
                return False  # code after a trailing comment cannot share its line
            room -= len(doc.s)
        elif isinstance(doc, Line):
            if mode == "break":
                return True
            room -= 0 if doc.soft else 1
        elif isinstance(doc, HardLine | Blank | Comment):
            return True
        elif isinstance(doc, Suffix):
            suffix = True
        elif isinstance(doc, Group):
            sub: Mode = "break" if doc.hard else mode
            stack.extend((ind, sub, p) for p in reversed(doc.parts))
        elif isinstance(doc, Concat | Indent | Align):
            stack.extend((ind, mode, p) for p in reversed(doc.parts))
        else:
            seq = _fill_sequence(doc)
            stack.extend((ind, mode, p) for p in reversed(seq))
    return False


def _fill_sequence(doc: Fill) -> list[Doc]:
    seq: list[Doc] = []
    for i, item in enumerate(doc.items):
        if i:
            seq.append(doc.separators[i - 1])
        seq.append(item)
    return seq


def render(doc: Doc, width: int = 100) -> str:
    """Lay a document out within ``width`` columns (a long word may still overflow)."""
    p = _Printer(width)
    stack: list[_Cmd] = [(0, "break", doc)]
    while stack:
        ind, mode, d = stack.pop()
        if isinstance(d, Text):
            p.text(d.s, ind)
        elif isinstance(d, Line):
            if mode == "flat":
                p.text("" if d.soft else " ", ind)
            else:
                p.newline(ind)
        elif isinstance(d, HardLine):
            p.newline(ind)
        elif isinstance(d, Blank):
            p.blank(ind)
        elif isinstance(d, Comment):
            p.newline(ind)
            p.emit(d.s)
            p.newline(ind)
        elif isinstance(d, Suffix):
            p.pending.append(d.s)
        elif isinstance(d, Concat):
            stack.extend((ind, mode, x) for x in reversed(d.parts))
        elif isinstance(d, Indent):
            stack.extend((ind + d.n, mode, x) for x in reversed(d.parts))
        elif isinstance(d, Align):
            at = p.col if p.content else p.indent
            stack.extend((at, mode, x) for x in reversed(d.parts))
        elif isinstance(d, Group):
            if p.pending and mode == "break":
                p.newline(ind)  # code after a trailing comment starts a new line
            flat = (
                mode == "flat" or not d.hard and _fits([(ind, "flat", d)], stack, p.width - p.col)
            )
            sub: Mode = "flat" if flat and not d.hard else "break"
            stack.extend((ind, sub, x) for x in reversed(d.parts))
        else:
            _print_fill(p, d, ind, mode, stack)
    return p.result()


def _print_fill(p: _Printer, d: Fill, ind: int, mode: Mode, stack: list[_Cmd]) -> None:
    """Queue a fill: each separator is flat when the item after it still fits on the line."""
    todo: list[_Cmd] = []
    room = p.width - p.col
    for i, item in enumerate(d.items):
        if i:
            sep = d.separators[i - 1]
            width = _flat_width(sep) + _flat_width(item)
            sep_mode: Mode = "flat"
            if mode == "break" and (width > room or _hard(item) or _hard(sep)):
                sep_mode = "break"
                room = p.width - ind
            else:
                room -= _flat_width(sep)
            todo.append((ind, sep_mode, sep))
        room -= _flat_width(item)
        todo.append((ind, "flat" if not _hard(item) and mode == "flat" else mode, group(item)))
    stack.extend(reversed(todo))


def _flat_width(doc: Doc) -> int:
    """The width of a document printed flat (trailing comments and breaks count as wide)."""
    if isinstance(doc, Text):
        return len(doc.s)
    if isinstance(doc, Line):
        return 0 if doc.soft else 1
    if isinstance(doc, HardLine | Blank | Comment | Suffix):
        return 10_000
    if isinstance(doc, Group | Concat | Indent | Align):
        return sum(_flat_width(x) for x in doc.parts)
    return sum(_flat_width(x) for x in _fill_sequence(doc))
