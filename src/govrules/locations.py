"""Where things are in a declaration's text: field paths, and the line and column of each value.

The readers (:mod:`govrules.yamlsafe` for YAML, :mod:`govrules.reading` for JSON and the entry
point) record a :class:`LocationIndex` while they build plain values, so that every problem found
later, by validation or by a rule, can be reported at its line and column.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping

from .errors import DeclarationSyntaxError
from .errors import InputIssue

__all__ = [
    "MAX_DEPTH",
    "LocationIndex",
    "PathTuple",
    "Position",
    "format_path",
    "line_column",
    "syntax_error",
]

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists a declaration may use (the root mapping is level 1)."""

PathTuple = tuple[str | int, ...]
"""A field path: mapping keys as ``str``, list indexes as ``int``."""

Position = tuple[int, int]
"""A 1-based ``(line, column)``."""

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_path(loc: tuple[str | int, ...]) -> str:
    """Render a field path as ``accountable_persons[0].agreed_by``.

    Keys that are not plain identifiers are quoted, so a path is never ambiguous.

    Args:
        loc: Mapping keys and list indexes from the root of the document.

    Returns:
        The path as text; the empty string for the root.

    Examples:
        >>> format_path(("accountable_persons", 0, "agreed_by"))
        'accountable_persons[0].agreed_by'
        >>> format_path(("partners", "my key"))
        'partners["my key"]'
        >>> format_path(())
        ''
    """
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _IDENTIFIER.fullmatch(part):
            parts.append(f".{part}" if parts else part)
        else:
            parts.append(f"[{json.dumps(part, ensure_ascii=False)}]")
    return "".join(parts)


class LocationIndex(Mapping[PathTuple, Position]):
    """Where each value of a parsed document starts in its text.

    As a mapping it gives the 1-based ``(line, column)`` of the value at a path. It also keeps
    where each mapping key was written (:meth:`key_position`), which is where an unknown or
    duplicate key should be reported.

    Examples:
        >>> index = LocationIndex({(): (1, 1), ("place",): (2, 3)}, {("place",): (2, 1)})
        >>> index[("place",)], index.key_position(("place",))
        ((2, 3), (2, 1))
        >>> index.nearest(("place", "id"))
        (2, 3)
    """

    def __init__(
        self,
        values: dict[PathTuple, Position] | None = None,
        keys: dict[PathTuple, Position] | None = None,
    ) -> None:
        self._given_values: dict[PathTuple, Position] = values if values is not None else {}
        self._given_keys: dict[PathTuple, Position] = keys if keys is not None else {}
        self._loader: Callable[[], LocationIndex] | None = None

    @classmethod
    def deferred(cls, loader: Callable[[], LocationIndex]) -> LocationIndex:
        """An index worked out only when a position is first asked for (on an error).

        Valid documents never need positions, so a JSON body is not read a second time.
        """
        index = cls()
        index._loader = loader
        return index

    def _materialise(self) -> None:
        if self._loader is not None:
            loaded, self._loader = self._loader(), None
            self._given_values, self._given_keys = loaded._values, loaded._keys

    @property
    def _values(self) -> dict[PathTuple, Position]:
        self._materialise()
        return self._given_values

    @property
    def _keys(self) -> dict[PathTuple, Position]:
        self._materialise()
        return self._given_keys

    def __getitem__(self, path: PathTuple) -> Position:
        return self._values[path]

    def __iter__(self) -> Iterator[PathTuple]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def key_position(self, path: PathTuple) -> Position | None:
        """Where the key of the value at ``path`` was written, else where the value starts."""
        found = self._keys.get(path)
        return found if found is not None else self._values.get(path)

    def nearest(self, path: PathTuple) -> Position | None:
        """The position of ``path``, or of its closest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self._values.get(path[:end])
            if found is not None:
                return found
        return None


def line_column(text: str, offset: int) -> Position:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def syntax_error(
    name: str,
    message: str,
    code: str,
    position: Position | None = None,
    path: str = "",
) -> DeclarationSyntaxError:
    line, column = position if position is not None else (None, None)
    return DeclarationSyntaxError(name, [InputIssue(path, message, line, column, code)])
