"""Reading YAML declarations safely: events to plain values, with the location of each.

YAML is read event by event from PyYAML's safe parser (libyaml's when available), and plain
Python values are built from the events without recursion. This lets the loader:

- accept anchors and aliases, counting the values each alias stands for, and refuse a document
  whose aliases would add more than :data:`MAX_ALIAS_VALUES` values before anything is expanded
  (this defeats alias bombs);
- refuse nesting deeper than :data:`~govrules.locations.MAX_DEPTH` as soon as it is reached;
- refuse duplicate keys, naming the key, line and column;
- keep dates as text, so ``2023-02-30`` is an ordinary validation error with a path;
- record the line and column of every value and key for error messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any

import yaml

from .errors import DeclarationSyntaxError
from .errors import InputIssue
from .locations import MAX_DEPTH
from .locations import LocationIndex
from .locations import PathTuple
from .locations import Position
from .locations import format_path
from .locations import line_column
from .locations import syntax_error
from .models import describe_value

__all__ = ["MAX_ALIAS_VALUES", "DeclarationLoader", "parse_yaml"]

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    # libyaml's parser is much faster; the Python one behaves the same for our purposes.
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML_TAG = "tag:yaml.org,2002:"


def _mark_position(mark: Any) -> Position | None:
    """A PyYAML ``Mark`` (0-based) as a 1-based position."""
    if mark is None:
        return None
    return int(mark.line) + 1, int(mark.column) + 1


class _Frame:
    """One open mapping or list while building values from YAML events."""

    __slots__ = ("container", "path", "key", "discard", "seen", "anchor", "start", "height")

    def __init__(
        self,
        container: dict[str, object] | list[object],
        path: PathTuple,
        anchor: str | None = None,
        start: int = 0,
    ) -> None:
        self.container = container
        self.path = path
        # For a mapping: the key whose value comes next (None while a key is expected).
        self.key: str | None = None
        # The pending key repeats an earlier one: build its value but do not store it.
        self.discard = False
        self.seen: dict[str, Position | None] = {}
        # The anchor on this collection, and the count of values built before it started.
        self.anchor = anchor
        self.start = start
        # Levels of nesting in this collection, itself included.
        self.height = 1

    def grow(self, child_height: int) -> None:
        """Take account of a finished child value ``child_height`` levels deep."""
        self.height = max(self.height, child_height + 1)


MAX_ALIAS_VALUES = 10_000
"""The most values YAML aliases may add to a declaration, counted as if each alias were
replaced by a copy of its anchor's value. Tools such as PyYAML write anchors and aliases for
repeated lists; a real declaration gains a few dozen values that way. An alias bomb (each level
repeating the one before) passes the limit within a few lines and is refused there, before
anything is expanded; aliases are shared, never copied, so the work done is bounded by the
length of the text."""


class _Anchor:
    """A value with an anchor (``&name``): what an alias to it stands for."""

    __slots__ = ("value", "key", "size", "height")

    def __init__(self, value: object, *, key: str | None = None, size: int | None = 1) -> None:
        self.value = value
        # The text of an anchored scalar, for an alias used as a mapping key.
        self.key = key
        # Values in it (None while the collection is still open); nesting levels in it.
        self.size = size
        self.height = 0

    def close(self, size: int, height: int) -> None:
        """The anchored collection is complete."""
        self.size, self.height = size, height


def _resolve_alias(
    anchors: dict[str, _Anchor], alias: str, name: str, position: Position | None
) -> _Anchor:
    """The finished value an alias (``*name``) stands for.

    Raises:
        DeclarationSyntaxError: no anchor of that name comes before the alias, or the alias is
            inside the collection it names (which would never end).
    """
    target = anchors.get(alias)
    if target is None:
        raise syntax_error(
            name,
            f"alias '*{alias}' names no anchor before it (an anchor is written '&{alias}' "
            "before the value it names)",
            "yaml_unknown_alias",
            position,
        )
    if target.size is None:
        raise syntax_error(
            name,
            f"alias '*{alias}' is inside the collection it names, which would never end",
            "yaml_alias_expansion",
            position,
        )
    return target


class DeclarationLoader(_BaseLoader):
    """A safe YAML loader for declarations (libyaml's parser when PyYAML has it).

    Call :meth:`load_document` instead of ``yaml.load``: it reads the parser's events and builds
    plain ``dict``/``list``/scalar values iteratively. An alias stands for its anchor's value
    (shared, not copied) as long as aliases add at most :data:`MAX_ALIAS_VALUES` values; unsupported
    tags, complex keys, duplicate keys, nesting deeper than :data:`MAX_DEPTH` and more than one
    document are refused. Timestamps stay text. The loader must be disposed of after use.

    Examples:
        >>> loader = DeclarationLoader("a: [1, 2023-04-01]\\n")
        >>> try:
        ...     data, index = loader.load_document("<doc>")
        ... finally:
        ...     loader.dispose()
        >>> data, index[("a", 1)]
        ({'a': [1, '2023-04-01']}, (1, 8))
    """

    # PyYAML's parser methods are untyped; these typed doors keep ``mypy --strict`` quiet.
    def _next_event(self) -> Any:
        get: Callable[[], Any] = self.get_event
        return get()

    def _peek_event(self) -> Any:
        peek: Callable[[], Any] = self.peek_event
        return peek()

    def _resolve_scalar(self, value: str, implicit: Any) -> str:
        resolve: Callable[[Any, str, Any], str] = self.resolve
        return resolve(yaml.ScalarNode, value, implicit)

    def load_document(self, name: str) -> tuple[object, LocationIndex]:
        """Read the single document of the stream.

        Args:
            name: The source name used in error messages.

        Returns:
            The document as plain values (``None`` for an empty stream) and its locations.

        Raises:
            DeclarationSyntaxError: The text is not acceptable YAML for a declaration.
            yaml.YAMLError: The parser rejected the text (the caller converts it).
        """
        self._next_event()  # StreamStartEvent
        if self.check_event(yaml.StreamEndEvent):
            return None, LocationIndex()
        self._next_event()  # DocumentStartEvent
        data, index = self._build_values(name)
        self._next_event()  # DocumentEndEvent
        if not self.check_event(yaml.StreamEndEvent):
            extra = self._peek_event()
            raise syntax_error(
                name,
                "a declaration must be a single YAML document, found another one",
                "yaml_multiple_documents",
                _mark_position(extra.start_mark),
            )
        return data, index

    def _build_values(self, name: str) -> tuple[object, LocationIndex]:
        values: dict[PathTuple, Position] = {}
        keys: dict[PathTuple, Position] = {}
        duplicates: list[InputIssue] = []
        stack: list[_Frame] = []
        anchors: dict[str, _Anchor] = {}
        root: object = None
        built = 0  # values built so far, aliases counted as the values they stand for
        added = 0  # of which aliases added
        while True:
            event = self._next_event()
            position = _mark_position(event.start_mark)
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    anchors[done.anchor].close(built - done.start, done.height)
                if not stack:
                    break
                stack[-1].grow(done.height)
                continue
            frame = stack[-1] if stack else None
            anchor: str | None = getattr(event, "anchor", None)
            target: _Anchor | None = None
            if isinstance(event, yaml.AliasEvent):
                target = _resolve_alias(anchors, str(anchor), name, position)
                size = target.size or 0  # never None: _resolve_alias refuses open collections
                added += size
                built += size
                if added > MAX_ALIAS_VALUES:
                    raise syntax_error(
                        name,
                        f"YAML aliases would add more than {MAX_ALIAS_VALUES:,} values to the "
                        f"declaration (at alias '*{anchor}'); a declaration needs far fewer, "
                        "so it is refused before it is expanded",
                        "yaml_alias_expansion",
                        position,
                    )
                if len(stack) + target.height > MAX_DEPTH:
                    raise syntax_error(
                        name,
                        f"the declaration is nested more than {MAX_DEPTH} levels deep "
                        f"(with alias '*{anchor}' expanded)",
                        "nesting_too_deep",
                        position,
                    )
            # A scalar in key position of a mapping is a key, not a value.
            if frame is not None and isinstance(frame.container, dict) and frame.key is None:
                if target is not None and target.key is not None:
                    key = target.key
                elif isinstance(event, yaml.ScalarEvent):
                    key = str(event.value)
                    if anchor is not None:
                        anchors[anchor] = _Anchor(key, key=key)
                else:
                    raise syntax_error(
                        name,
                        "mapping keys must be plain text, not a list or a mapping",
                        "yaml_complex_key",
                        position,
                    )
                key_path = (*frame.path, key)
                first = frame.seen.get(key, ...)
                if first is not ...:
                    where = f" (first at line {first[0]}, column {first[1]})" if first else ""
                    where_here = f" at line {position[0]}, column {position[1]}" if position else ""
                    duplicates.append(
                        InputIssue(
                            format_path(key_path),
                            f"duplicate key '{key}'{where_here}{where}",
                            position[0] if position else None,
                            position[1] if position else None,
                            "duplicate_key",
                        )
                    )
                    frame.discard = True
                else:
                    frame.seen[key] = position
                    frame.discard = False
                    if position is not None:
                        keys[key_path] = position
                frame.key = key
                continue
            # Build the value (containers are attached empty and filled as events arrive; an
            # alias stands for the finished value of its anchor, shared, never copied).
            value: object
            if target is not None:
                value = target.value
            elif isinstance(event, yaml.ScalarEvent):
                value = self._scalar(event, name, position)
                built += 1
                if anchor is not None:
                    anchors[anchor] = _Anchor(value, key=str(event.value))
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise syntax_error(
                        name,
                        f"the declaration is nested more than {MAX_DEPTH} levels deep",
                        "nesting_too_deep",
                        position,
                    )
                is_mapping = isinstance(event, yaml.MappingStartEvent)
                self._check_collection_tag(event, is_mapping, name, position)
                value = {} if is_mapping else []
                built += 1
                if anchor is not None:
                    anchors[anchor] = _Anchor(value, size=None)
            else:  # pragma: no cover - the parser emits nothing else inside a document
                raise syntax_error(
                    name, f"unexpected YAML event {type(event).__name__}", "yaml_syntax_error"
                )
            # Attach the value to its parent and record where it starts.
            path: PathTuple
            store = True
            if frame is None:
                path = ()
                root = value
            elif isinstance(frame.container, dict):
                assert frame.key is not None
                path = (*frame.path, frame.key)
                store = not frame.discard
                if store:
                    frame.container[frame.key] = value
                frame.key = None
            else:
                path = (*frame.path, len(frame.container))
                frame.container.append(value)
            if store and position is not None:
                values[path] = position
            if target is None and isinstance(
                event, yaml.MappingStartEvent | yaml.SequenceStartEvent
            ):
                assert isinstance(value, dict | list)
                stack.append(_Frame(value, path, anchor, built - 1))
            elif not stack:
                break
            else:
                stack[-1].grow(target.height if target is not None else 0)
        if duplicates:
            raise DeclarationSyntaxError(name, duplicates)
        return root, LocationIndex(values, keys)

    def _check_collection_tag(
        self, event: Any, is_mapping: bool, name: str, position: Position | None
    ) -> None:
        tag = event.tag
        expected = _YAML_TAG + ("map" if is_mapping else "seq")
        if tag is not None and tag not in ("!", expected):
            raise syntax_error(
                name, f"unsupported YAML tag {tag!r}", "yaml_unsupported_tag", position
            )

    def _scalar(self, event: Any, name: str, position: Position | None) -> object:
        """A plain Python value for a scalar: text, int, float, bool or None."""
        raw: str = event.value
        tag = event.tag
        explicit = not (tag is None or tag == "!")
        if not explicit:
            tag = self._resolve_scalar(raw, event.implicit)
        kind = tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else None
        node = yaml.ScalarNode(tag, raw, event.start_mark, event.end_mark, event.style)
        try:
            if kind == "str":
                return raw
            if kind == "null":
                return None
            if kind == "bool":
                return bool(self.construct_yaml_bool(node))
            if kind == "int":
                return int(self.construct_yaml_int(node))
            if kind == "float":
                return float(self.construct_yaml_float(node))
        except (KeyError, ValueError, OverflowError):
            what = {"bool": "true or false", "int": "a whole number", "float": "a number"}
            expected = what.get(kind or "", "a value")
            raise syntax_error(
                name,
                f"cannot read {describe_value(raw)} as {expected}"
                + (" (it has too many digits)" if len(raw) > 1000 else ""),
                "yaml_bad_scalar",
                position,
            ) from None
        # Dates stay text so that the models validate them with a path ("2023-02-30").
        if kind == "timestamp" or not explicit:
            return raw
        raise syntax_error(name, f"unsupported YAML tag {tag!r}", "yaml_unsupported_tag", position)


def _yaml_error_issue(error: yaml.YAMLError, text: str) -> InputIssue:
    """One issue for a PyYAML error, with its line and column."""
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        position = _mark_position(mark)
        problem = error.problem or "invalid YAML"
        if "maximum nesting depth" in problem:
            # libyaml's own limit (1,000 flow levels) can trip before ours does.
            message = f"the declaration is nested more than {MAX_DEPTH} levels deep"
            line, column = position if position is not None else (None, None)
            return InputIssue("", message, line, column, "nesting_too_deep")
        plain = _plain_words(problem, error.context or "", error.context_mark, mark, text)
        if plain is not None:
            return InputIssue("", plain[0], plain[1][0], plain[1][1], "yaml_syntax_error")
        message = problem + (f" ({error.context})" if error.context else "")
    elif isinstance(error, yaml.reader.ReaderError):
        position = line_column(text, error.position) if error.position <= len(text) else None
        character = error.character
        shown = repr(chr(character)) if isinstance(character, int) else repr(character)
        message = f"character {shown} is not allowed in YAML ({error.reason})"
    else:
        position = None
        message = str(error) or "invalid YAML"
    line, column = position if position is not None else (None, None)
    return InputIssue("", f"invalid YAML: {message}", line, column, "yaml_syntax_error")


#: What YAML counts as a line break (its marks count lines by these).
_YAML_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _indentation(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _key_column(line: str) -> int:
    """Where the keys of a line start: after ``- `` for a list item that is a mapping."""
    n = _indentation(line)
    rest = line.lstrip(" ")
    return n + 2 if rest.startswith("- ") and ": " in rest else n


def _spaces(n: int) -> str:
    return f"{n} space" + ("" if n == 1 else "s")


def _plain_words(
    problem: str, context: str, context_mark: Any, mark: Any, text: str
) -> tuple[str, Position] | None:
    """What PyYAML's jargon means for the common slips in hand-written YAML (a tab used for
    indentation, a line indented too far or not far enough), with the line at fault; None
    when the error is none of those."""
    if mark is None:
        return None
    lines = _YAML_LINE_BREAK.split(text)
    row = int(mark.line)
    line = lines[row] if row < len(lines) else ""
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    if "\t" in lead or "tab" in problem:
        column = lead.index("\t") if "\t" in lead else int(mark.column)
        return "YAML does not allow tabs for indentation; use spaces", (row + 1, column + 1)
    here = _indentation(line)
    if problem.startswith("mapping values are not allowed"):
        above = next(
            (
                r
                for r in range(row - 1, -1, -1)
                if lines[r].strip() and not lines[r].lstrip().startswith("#")
            ),
            None,
        )
        if above is not None and here > _key_column(lines[above]):
            return (
                f"the indentation of line {row + 1} is off: it is indented by {_spaces(here)}, "
                f"more than line {above + 1} ({_key_column(lines[above])}), which already has a "
                f"value, so YAML reads line {row + 1} as part of that value; indent it like the "
                "keys it belongs with",
                (row + 1, here + 1),
            )
        if ": " in line[: int(mark.column)]:
            return (
                "a value that contains ': ' must be put in quotes, or YAML reads it as another "
                'key (for example: title: "Plan: 2023")',
                (row + 1, int(mark.column) + 1),
            )
        return None
    if problem.startswith("did not find expected") and "block" in context:
        if "'-'" in problem and here == int(context_mark.column):
            return (
                f"line {row + 1} is inside the list that starts at line "
                f"{int(context_mark.line) + 1} but is not an item of it: start it with '- ', "
                "or indent it less to end the list",
                (row + 1, here + 1),
            )
        levels = _levels_above(lines, row)
        if levels and here not in levels:
            ordered = [str(n) for n in sorted(levels)]
            shown = (
                ", ".join(ordered[:-1]) + " or " + ordered[-1] if len(ordered) > 1 else ordered[0]
            )
            return (
                f"the indentation of line {row + 1} is off: it is indented by {_spaces(here)}, "
                f"which lines up with no block above it (those are indented by {shown}); give "
                "the keys or items of one block the same indentation",
                (row + 1, here + 1),
            )
    return None


def _levels_above(lines: list[str], row: int) -> set[int]:
    """The indentations of the blocks open at ``row``: going up, each line indented less than
    every line seen so far (blank lines and comments skipped)."""
    levels: set[int] = set()
    least: int | None = None
    for r in range(row - 1, -1, -1):
        line = lines[r]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        n = _indentation(line)
        levels.add(_key_column(line))  # the keys of a mapping that is a list item
        if least is None or n < least:
            levels.add(n)
            least = n
        if n == 0:
            break
    return levels


def parse_yaml(text: str, name: str) -> tuple[object, LocationIndex]:
    loader: DeclarationLoader | None = None
    try:
        loader = DeclarationLoader(text)
        return loader.load_document(name)
    except yaml.YAMLError as error:
        raise DeclarationSyntaxError(name, [_yaml_error_issue(error, text)]) from None
    except UnicodeError:
        # libyaml encodes the text to UTF-8, which fails on lone surrogates.
        raise syntax_error(
            name, "the text is not valid Unicode (it has a lone surrogate)", "yaml_syntax_error"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
