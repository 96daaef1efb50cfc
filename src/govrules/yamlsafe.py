"""Reading YAML declarations safely: events to plain values, with the location of each.

YAML is read event by event from PyYAML's safe parser (libyaml's when available), and plain
Python values are built from the events without recursion. This lets the loader:

- refuse anchors and aliases before any of them is expanded (this defeats alias bombs);
- refuse nesting deeper than :data:`~govrules.locations.MAX_DEPTH` as soon as it is reached;
- refuse duplicate keys, naming the key, line and column;
- keep dates as text, so ``2023-02-30`` is an ordinary validation error with a path;
- record the line and column of every value and key for error messages.
"""

from __future__ import annotations

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

__all__ = ["DeclarationLoader", "parse_yaml"]

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

    __slots__ = ("container", "path", "key", "discard", "seen")

    def __init__(self, container: dict[str, object] | list[object], path: PathTuple) -> None:
        self.container = container
        self.path = path
        # For a mapping: the key whose value comes next (None while a key is expected).
        self.key: str | None = None
        # The pending key repeats an earlier one: build its value but do not store it.
        self.discard = False
        self.seen: dict[str, Position | None] = {}


class DeclarationLoader(_BaseLoader):
    """A safe YAML loader for declarations (libyaml's parser when PyYAML has it).

    Call :meth:`load_document` instead of ``yaml.load``: it reads the parser's events and builds
    plain ``dict``/``list``/scalar values iteratively, refusing anchors, aliases, unsupported
    tags, complex keys, duplicate keys, nesting deeper than :data:`MAX_DEPTH` and more than one
    document. Timestamps stay text. The loader must be disposed of after use.

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
        root: object = None
        while True:
            event = self._next_event()
            position = _mark_position(event.start_mark)
            if isinstance(event, yaml.AliasEvent):
                raise syntax_error(
                    name, "YAML aliases are not allowed in declarations", "yaml_alias", position
                )
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                if not stack:
                    break
                continue
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise syntax_error(
                    name,
                    f"YAML anchors and aliases are not allowed in declarations"
                    f" (found anchor '&{anchor}')",
                    "yaml_alias",
                    position,
                )
            frame = stack[-1] if stack else None
            # A scalar in key position of a mapping is a key, not a value.
            if frame is not None and isinstance(frame.container, dict) and frame.key is None:
                if not isinstance(event, yaml.ScalarEvent):
                    raise syntax_error(
                        name,
                        "mapping keys must be plain text, not a list or a mapping",
                        "yaml_complex_key",
                        position,
                    )
                key = str(event.value)
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
            # Build the value (containers are attached empty and filled as events arrive).
            value: object
            if isinstance(event, yaml.ScalarEvent):
                value = self._scalar(event, name, position)
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
            if isinstance(value, dict | list) and isinstance(
                event, yaml.MappingStartEvent | yaml.SequenceStartEvent
            ):
                stack.append(_Frame(value, path))
            elif not stack:
                break
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
