"""Source text and positions: the shared vocabulary of every error message.

A :class:`Span` is 1-based (line and column), as editors count. A :class:`Source`
knows its name (a file path or ``<string>``) and can render a caret snippet under a span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field


@dataclass(frozen=True, slots=True)
class Span:
    """A region of source text, 1-based and inclusive of its start.

    Examples:
        >>> Span(3, 7, 3, 12)
        Span(line=3, column=7, end_line=3, end_column=12)
    """

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        """A span of one character."""
        return cls(line, column, line, column + 1)

    def shifted(self, line_offset: int, column_offset: int) -> Span:
        """This span moved by a number of lines and (on its first line) columns."""
        if line_offset:
            return Span(
                self.line + line_offset,
                self.column,
                self.end_line + line_offset,
                self.end_column,
            )
        return Span(
            self.line,
            self.column + column_offset,
            self.end_line,
            self.end_column + (column_offset if self.end_line == self.line else 0),
        )


UNKNOWN_SPAN = Span(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Source:
    """A named piece of text (a rule file, a declaration).

    Examples:
        >>> print(Source("a = 1\\nb = ?", "demo.gr").snippet(Span(2, 5, 2, 6)))
          2 | b = ?
            |     ^
    """

    text: str
    name: str = "<string>"
    _lines: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lines end at "\n" only, as the parser counts them ("\r\n" keeps working).
        lines = self.text.split("\n")
        object.__setattr__(self, "_lines", tuple(x.removesuffix("\r") for x in lines))

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, or an empty string past the end."""
        if 1 <= line <= len(self._lines):
            return self._lines[line - 1]
        return ""

    def snippet(self, span: Span) -> str:
        """The source line of ``span`` with a caret line under it.

        A very long line is shown as a window around the span, and characters a terminal
        cannot show (control characters, lone surrogates) as ``�``.

        Examples:
            >>> print(Source("x" * 200 + " = ?", "long.gr").snippet(Span(1, 204, 1, 205)))
              1 | …xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx = ?
                |                                                                                 ^
        """
        if span.line <= 0:
            return ""
        text = _UNPRINTABLE.sub("\ufffd", self.line_text(span.line).expandtabs(1))
        column = span.column
        width = 1
        if span.end_line == span.line and span.end_column > span.column:
            width = span.end_column - span.column
        if len(text) > SNIPPET_WIDTH:
            start = max(0, min(column - 1 - SNIPPET_WIDTH // 2, len(text) - SNIPPET_WIDTH))
            shown = text[start : start + SNIPPET_WIDTH]
            more = start + SNIPPET_WIDTH < len(text)
            text = ("…" if start else "") + shown + ("…" if more else "")
            column = column - start + (1 if start else 0)
        width = max(1, min(width, max(1, len(text) - column + 1)))
        gutter = f"{span.line:>3} | "
        pad = " " * (len(gutter) - 2) + "| "
        return f"{gutter}{text}\n{pad}{' ' * (column - 1)}{'^' * width}"


#: Widest source line a snippet shows (a window around the error on longer lines).
SNIPPET_WIDTH = 80
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
