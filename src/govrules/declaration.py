"""Reading a place declaration: YAML or JSON text to a validated :class:`PlaceDeclaration`.

The pipeline is ``parse_document`` (text to plain data plus a :class:`LocationIndex`) then
``validate_declaration`` (plain data to the pydantic model). The HTTP API calls the second step
alone on an already-parsed JSON body.

YAML is read event by event from PyYAML's safe parser (libyaml's when available), and plain
Python values are built from the events without recursion. This lets the loader:

- refuse anchors and aliases before any of them is expanded (this defeats alias bombs);
- refuse nesting deeper than :data:`MAX_DEPTH` as soon as it is reached;
- refuse duplicate keys, naming the key, line and column;
- keep dates as text, so ``2023-02-30`` is an ordinary validation error with a path;
- record the line and column of every value and key for error messages.

Every problem a user can cause becomes a :class:`~govrules.errors.DeclarationError`; nothing else
escapes (no ``OSError``, ``UnicodeDecodeError``, ``yaml.YAMLError`` or ``RecursionError``).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import typing
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import BinaryIO
from typing import Literal
from typing import NoReturn

import yaml
from pydantic import BaseModel
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .errors import DeclarationError
from .errors import DeclarationSyntaxError
from .errors import InputIssue
from .formats import DECLARATION_FORMATS
from .models import FINANCIAL_YEAR_PATTERN
from .models import NON_BLANK_PATTERN
from .models import SLUG_PATTERN
from .models import PlaceDeclaration
from .models import describe_value

__all__ = [
    "MAX_DEPTH",
    "DeclarationLoader",
    "LocationIndex",
    "Position",
    "PathTuple",
    "format_path",
    "STDIN_NAME",
    "load_declaration",
    "load_declaration_bytes",
    "load_declaration_stream",
    "load_declaration_text",
    "parse_document",
    "validate_declaration",
]

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists a declaration may use (the root mapping is level 1)."""

PathTuple = tuple[str | int, ...]
"""A field path: mapping keys as ``str``, list indexes as ``int``."""

Position = tuple[int, int]
"""A 1-based ``(line, column)``."""

Format = Literal["yaml", "json", "auto"]

if TYPE_CHECKING:
    _BaseLoader = yaml.SafeLoader
else:
    # libyaml's parser is much faster; the Python one behaves the same for our purposes.
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_YAML_TAG = "tag:yaml.org,2002:"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A JSON string literal, or one of the brackets that open or close a level of nesting.
_JSON_NESTING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_JSON_CONSTANT_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?Infinity|NaN', re.DOTALL)
_JSON_LONG_NUMBER_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[0-9]{1000,}', re.DOTALL)


# --------------------------------------------------------------------------------------------
# Paths and locations


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


def _line_column(text: str, offset: int) -> Position:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _syntax_error(
    name: str,
    message: str,
    code: str,
    position: Position | None = None,
    path: str = "",
) -> DeclarationSyntaxError:
    line, column = position if position is not None else (None, None)
    return DeclarationSyntaxError(name, [InputIssue(path, message, line, column, code)])


# --------------------------------------------------------------------------------------------
# YAML


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
            raise _syntax_error(
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
                raise _syntax_error(
                    name, "YAML aliases are not allowed in declarations", "yaml_alias", position
                )
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                if not stack:
                    break
                continue
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise _syntax_error(
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
                    raise _syntax_error(
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
                    raise _syntax_error(
                        name,
                        f"the declaration is nested more than {MAX_DEPTH} levels deep",
                        "nesting_too_deep",
                        position,
                    )
                is_mapping = isinstance(event, yaml.MappingStartEvent)
                self._check_collection_tag(event, is_mapping, name, position)
                value = {} if is_mapping else []
            else:  # pragma: no cover - the parser emits nothing else inside a document
                raise _syntax_error(
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
            raise _syntax_error(
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
            raise _syntax_error(
                name,
                f"cannot read {describe_value(raw)} as {expected}"
                + (" (it has too many digits)" if len(raw) > 1000 else ""),
                "yaml_bad_scalar",
                position,
            ) from None
        # Dates stay text so that the models validate them with a path ("2023-02-30").
        if kind == "timestamp" or not explicit:
            return raw
        raise _syntax_error(name, f"unsupported YAML tag {tag!r}", "yaml_unsupported_tag", position)


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
        position = _line_column(text, error.position) if error.position <= len(text) else None
        character = error.character
        shown = repr(chr(character)) if isinstance(character, int) else repr(character)
        message = f"character {shown} is not allowed in YAML ({error.reason})"
    else:
        position = None
        message = str(error) or "invalid YAML"
    line, column = position if position is not None else (None, None)
    return InputIssue("", f"invalid YAML: {message}", line, column, "yaml_syntax_error")


def _parse_yaml(text: str, name: str) -> tuple[object, LocationIndex]:
    loader: DeclarationLoader | None = None
    try:
        loader = DeclarationLoader(text)
        return loader.load_document(name)
    except yaml.YAMLError as error:
        raise DeclarationSyntaxError(name, [_yaml_error_issue(error, text)]) from None
    except UnicodeError:
        # libyaml encodes the text to UTF-8, which fails on lone surrogates.
        raise _syntax_error(
            name, "the text is not valid Unicode (it has a lone surrogate)", "yaml_syntax_error"
        ) from None
    finally:
        if loader is not None:
            loader.dispose()


# --------------------------------------------------------------------------------------------
# JSON


class _JsonConstantError(Exception):
    """``NaN``, ``Infinity`` or ``-Infinity`` appeared in JSON."""


class _JsonDuplicateKeyError(Exception):
    """A JSON object repeats a key."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _reject_constant(constant: str) -> NoReturn:
    raise _JsonConstantError(constant)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _JsonDuplicateKeyError(key)
        out[key] = value
    return out


def _first_token(pattern: re.Pattern[str], text: str) -> tuple[str, int] | None:
    """The first match of ``pattern`` that is not a string literal, with its offset."""
    for match in pattern.finditer(text):
        if not match.group().startswith('"'):
            return match.group(), match.start()
    return None


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def _check_json_depth(text: str, name: str) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` before ``json.loads`` recurses into it."""
    # Fast path: strings removed at C speed, then only brackets are walked.
    deepest = depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub('""', text)):
        if bracket in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    if deepest <= MAX_DEPTH:
        return
    depth = 0
    for match in _JSON_NESTING_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _syntax_error(
                    name,
                    f"the declaration is nested more than {MAX_DEPTH} levels deep",
                    "nesting_too_deep",
                    _line_column(text, match.start()),
                )
        elif token in "]}":
            depth -= 1


def _json_locations(text: str, name: str) -> LocationIndex:
    """Locations of a JSON document, read with the YAML loader as a best effort.

    JSON is (nearly) a subset of YAML, so the YAML events give line and column for every value.
    Where the YAML reading fails (rare: e.g. tabs in some positions), issues have no position.
    """
    try:
        return _parse_yaml(text, name)[1]
    except DeclarationError:
        return LocationIndex()


def _parse_json(text: str, name: str) -> tuple[object, LocationIndex]:
    _check_json_depth(text, name)
    try:
        data: object = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_unique_pairs
        )
    except json.JSONDecodeError as error:
        raise _syntax_error(
            name, f"invalid JSON: {error.msg}", "json_syntax_error", (error.lineno, error.colno)
        ) from None
    except _JsonConstantError as error:
        found = _first_token(_JSON_CONSTANT_TOKEN, text)
        raise _syntax_error(
            name,
            f"invalid JSON: {error.args[0]} is not allowed (numbers must be finite)",
            "json_syntax_error",
            _line_column(text, found[1]) if found else None,
        ) from None
    except _JsonDuplicateKeyError as error:
        # The YAML reading of the same text finds the duplicate with its position.
        try:
            _parse_yaml(text, name)
        except DeclarationSyntaxError as located:
            if any(issue.code == "duplicate_key" for issue in located.issues):
                raise located from None
        raise _syntax_error(name, f"duplicate key '{error.key}'", "duplicate_key") from None
    except (ValueError, RecursionError):
        # Integers beyond Python's digit limit; deep nesting was refused above.
        found = _first_token(_JSON_LONG_NUMBER_TOKEN, text)
        raise _syntax_error(
            name,
            "invalid JSON: a number has too many digits",
            "json_syntax_error",
            _line_column(text, found[1]) if found else None,
        ) from None
    return data, LocationIndex.deferred(lambda: _json_locations(text, name))


# --------------------------------------------------------------------------------------------
# Parsing entry points


def _choose_format(text: str, name: str, fmt: Format) -> Literal["yaml", "json"]:
    if fmt != "auto":
        return fmt
    suffix = Path(name).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return "json" if text.lstrip("\ufeff \t\r\n").startswith(("{", "[")) else "yaml"


def parse_document(
    text: str, name: str = "<string>", fmt: Format = "auto"
) -> tuple[object, LocationIndex]:
    """Parse declaration text to plain values, with the location of every value.

    Args:
        text: The YAML or JSON text.
        name: The source name used in error messages (a file path or ``<string>``).
        fmt: ``"yaml"``, ``"json"`` or ``"auto"``: a ``.json`` name or text starting with ``{``
            or ``[`` is JSON, a ``.yaml``/``.yml`` name or anything else is YAML.

    Returns:
        The document (``None`` when it is empty) and its :class:`LocationIndex`.

    Raises:
        DeclarationSyntaxError: The text is malformed, too deeply nested, uses YAML aliases,
            unsupported tags or duplicate keys, or has more than one YAML document.
    """
    if fmt not in ("yaml", "json", "auto"):
        raise ValueError(f"unknown declaration format {fmt!r}")
    if _choose_format(text, name, fmt) == "json":
        data, index = _parse_json(text.lstrip("\ufeff"), name)
    else:
        data, index = _parse_yaml(text, name)
    _refuse_surrogates(data, index, name)
    return data, index


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(data: object, index: LocationIndex, name: str) -> None:
    """A lone surrogate (written as an escape such as ``\\ud800``) is not a character: no text
    holding one can be stored, shown or sent on, so the document is refused where it is."""
    stack: list[tuple[PathTuple, object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                where = (*path, key)
                if isinstance(key, str) and _SURROGATE.search(key):
                    _surrogate_error(name, where, key, index.key_position(where))
                stack.append((where, item))
        elif isinstance(value, list):
            stack.extend(((*path, i), item) for i, item in enumerate(value))
        elif isinstance(value, str) and _SURROGATE.search(value):
            _surrogate_error(name, path, value, index.get(path) or index.nearest(path))


def _surrogate_error(name: str, path: PathTuple, text: str, at: Position | None) -> NoReturn:
    found = _SURROGATE.search(text)
    code = ord(found.group()) if found else 0
    line, column = at if at is not None else (None, None)
    shown = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", format_path(path))
    raise DeclarationSyntaxError(
        name,
        [
            InputIssue(
                shown,
                f"the text holds a lone surrogate (U+{code:04X}), which is not a character",
                line,
                column,
                "bad_character",
            )
        ],
    )


# --------------------------------------------------------------------------------------------
# Validation


_LIST_ITEMS = {
    "agreed_by": "organisation names",
    "contributions_agreed_by": "organisation names",
    "underpins_outcomes": "outcome names",
    "builds_on": "structure names",
    "local_authorities": "local authorities",
    "partners": "partner organisations",
    "accountable_persons": "accountable persons",
    "outcomes": "outcomes",
    "reports": "reports",
    "years": "financial years",
    "budget_lines": "budget lines",
}

_PATTERNS = {
    SLUG_PATTERN: "a slug of lowercase letters, digits and hyphens (such as 'northshire')",
    FINANCIAL_YEAR_PATTERN: (
        "a financial year such as '2023/24', whose second part is the year after the first "
        "(1900/01 to 2199/00)"
    ),
    NON_BLANK_PATTERN: "text that is not blank",
}


def _contained_types(annotation: object) -> list[object]:
    """The annotation and every type nested in it (``list[X] | None`` gives X too)."""
    found: list[object] = []
    pending = [annotation]
    while pending:
        current = pending.pop()
        found.append(current)
        if typing.get_origin(current) is not Literal:
            pending.extend(typing.get_args(current))
    return found


def _model_of(annotation: object) -> type[BaseModel] | None:
    for candidate in _contained_types(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _field_annotation(
    loc: PathTuple, root: type[BaseModel] = PlaceDeclaration
) -> tuple[type[BaseModel] | None, object]:
    """The model that holds the last field of ``loc`` and that field's annotation."""
    model: type[BaseModel] | None = root
    holder: type[BaseModel] | None = None
    annotation: object = root
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None, None
        holder = model
        annotation = model.model_fields[part].annotation
        model = _model_of(annotation)
    return holder, annotation


def _literal_values(annotation: object) -> tuple[object, ...] | None:
    for candidate in _contained_types(annotation):
        if typing.get_origin(candidate) is Literal:
            return typing.get_args(candidate)
    return None


def _unknown_field_message(loc: PathTuple, root: type[BaseModel]) -> str:
    key = loc[-1]
    message = f"unknown field {str(key)!r}"
    _, parent = _field_annotation(loc[:-1], root)
    model = _model_of(parent)
    if model is None:
        return message
    names = list(model.model_fields)
    close = difflib.get_close_matches(str(key), names, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    return f"{message}; expected one of: {', '.join(names)}"


def _issue_message(error: ErrorDetails, root: type[BaseModel]) -> str:
    """Plain-English text for one pydantic error: what was expected and what was received."""
    kind = error["type"]
    loc: PathTuple = tuple(error["loc"])
    ctx = error.get("ctx") or {}
    got = describe_value(error.get("input"))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return _unknown_field_message(loc, root)
    if kind == "literal_error":
        values = _literal_values(_field_annotation(loc, root)[1])
        if values is not None and len(values) == 1:
            return f"expected {values[0]!r}, got {got}"
        if values is not None:
            return f"expected one of {', '.join(repr(v) for v in values)}, got {got}"
        return f"expected {ctx.get('expected', 'one of the allowed values')}, got {got}"
    simple = {
        "int_type": "a whole number",
        "float_type": "a number",
        "finite_number": "a finite number",
        "bool_type": "true or false",
        "string_type": "text",
        "string_too_short": "text that is not empty",
        "model_type": "a mapping of fields",
        "model_attributes_type": "a mapping of fields",
        "dict_type": "a mapping",
        "date_type": "a date as YYYY-MM-DD",
    }
    if kind in simple:
        return f"expected {simple[kind]}, got {got}"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge" if kind == "greater_than_equal" else "le")
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        shown = f"{bound:,}" if isinstance(bound, int) and abs(bound) >= 10_000 else bound
        words = "at least" if kind == "greater_than_equal" else "at most"
        return f"expected a number {words} {shown}, got {got}"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"expected {_PATTERNS.get(pattern, f'text matching {pattern}')}, got {got}"
    if kind == "list_type":
        last = next((p for p in reversed(loc) if isinstance(p, str)), "")
        items = _LIST_ITEMS.get(last)
        return f"expected a list of {items}, got {got}" if items else f"expected a list, got {got}"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"expected at least {least} {'entry' if least == 1 else 'entries'}, got {got}"
    if kind in ("date_format", "date_invalid", "count_exceeds_total", "financial_year_invalid"):
        return error["msg"]
    text = error["msg"]
    return f"{text[:1].lower()}{text[1:]}, got {got}"


def _issue_position(error: ErrorDetails, locations: LocationIndex) -> Position | None:
    loc: PathTuple = tuple(error["loc"])
    if error["type"] == "extra_forbidden":
        return locations.key_position(loc) or locations.nearest(loc)
    if error["type"] == "missing":
        # The field is absent, so point at the mapping that should hold it.
        parent = loc[:-1]
        return locations.key_position(parent) or locations.nearest(parent)
    return locations.get(loc) or locations.nearest(loc)


def _issues_from_validation(
    error: ValidationError, locations: LocationIndex, root: type[BaseModel]
) -> list[InputIssue]:
    """Every pydantic error as an :class:`InputIssue`, in document order."""
    ranked: list[tuple[tuple[int, int, int], InputIssue]] = []
    for number, detail in enumerate(error.errors(include_url=False)):
        position = _issue_position(detail, locations)
        line, column = position if position is not None else (None, None)
        issue = InputIssue(
            format_path(tuple(detail["loc"])),
            _issue_message(detail, root),
            line,
            column,
            detail["type"],
        )
        order = (line if line is not None else 1 << 62, column or 0, number)
        ranked.append((order, issue))
    ranked.sort(key=lambda item: item[0])
    return [issue for _, issue in ranked]


def validate_declaration(
    data: object, name: str = "<string>", locations: LocationIndex | None = None
) -> BaseModel:
    """Validate parsed data (from :func:`parse_document`, or a JSON body) as a declaration.

    Args:
        data: Plain values: a mapping at the top level.
        name: The source name used in error messages.
        locations: Where each value was written, to give issues a line and column.

    Returns:
        The validated declaration.

    Raises:
        DeclarationError: With one issue per problem, in document order.
    """
    index = locations if locations is not None else LocationIndex()
    if data is None or not isinstance(data, dict):
        # Positions are looked up only on error: a valid document never needs them.
        root = index.get(())
        line, column = root if root is not None else (None, None)
    if data is None:
        raise DeclarationError(
            name, [InputIssue("", "the declaration is empty", line, column, "empty_declaration")]
        )
    if not isinstance(data, dict):
        raise DeclarationError(
            name,
            [
                InputIssue(
                    "",
                    f"expected a mapping of fields at the top level, got {describe_value(data)}",
                    line,
                    column,
                    "top_level_not_mapping",
                )
            ],
        )
    root_model = DECLARATION_FORMATS.get(str(data.get("format")), None)
    if root_model is None and isinstance(data.get("format"), str):
        where = index.get(("format",)) or index.get(())
        known = ", ".join(repr(f) for f in DECLARATION_FORMATS)
        raise DeclarationError(
            name,
            [
                InputIssue(
                    "format",
                    f"unknown declaration format {data['format']!r}; expected one of: {known}",
                    where[0] if where else None,
                    where[1] if where else None,
                    "unknown_format",
                )
            ],
        )
    model = root_model or PlaceDeclaration
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise DeclarationError(name, _issues_from_validation(error, index, model)) from None
    except RecursionError:
        raise DeclarationError(
            name,
            [
                InputIssue(
                    "", "the declaration is nested too deeply", None, None, "nesting_too_deep"
                )
            ],
        ) from None


def load_declaration_text(text: str, name: str = "<string>", *, fmt: Format = "auto") -> BaseModel:
    """Parse and validate declaration text.

    Args:
        text: YAML or JSON text.
        name: The source name used in error messages.
        fmt: ``"yaml"``, ``"json"`` or ``"auto"`` (see :func:`parse_document`).

    Returns:
        The validated declaration.

    Raises:
        DeclarationError: The text is malformed (:class:`DeclarationSyntaxError`) or does not
            match the format; every issue names its path and, where known, line and column.

    Examples:
        >>> try:
        ...     load_declaration_text("format: govrules/place/v2")
        ... except DeclarationError as error:
        ...     print(error.issues[-1].render("<string>").split(";")[0])
        <string>:1:9: format: unknown declaration format 'govrules/place/v2'
    """
    data, locations = parse_document(text, name, fmt)
    return validate_declaration(data, name, locations)


#: The largest declaration read, in bytes, unless ``GOVRULES_MAX_DECLARATION_BYTES`` says
#: otherwise; the same default as the HTTP API's body limit (1 MiB). Real declarations are a
#: few kilobytes; the limit keeps a huge file from taking minutes and gigabytes.
DEFAULT_MAX_DECLARATION_BYTES = 1 << 20


def max_declaration_bytes() -> int:
    """The size limit for declaration files (``GOVRULES_MAX_DECLARATION_BYTES``, else 1 MiB)."""
    raw = os.environ.get("GOVRULES_MAX_DECLARATION_BYTES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else DEFAULT_MAX_DECLARATION_BYTES


def size_words(size: int) -> str:
    """A size as people read it.

    Examples:
        >>> size_words(1 << 20), size_words(45_000_000), size_words(512)
        ('1 MiB', '42.9 MiB', '512 bytes')
    """
    if size >= 1 << 20:
        return f"{size / (1 << 20):.1f} MiB".replace(".0 MiB", " MiB")
    if size >= 1 << 10:
        return f"{size / (1 << 10):.1f} KiB".replace(".0 KiB", " KiB")
    return f"{size} bytes"


def too_large_issue(size: int | None, limit: int) -> InputIssue:
    """The one wording, for the CLI and the HTTP API, of a declaration over the size limit."""
    what = f"is {size_words(size)}, more" if size is not None else "is more"
    return InputIssue(
        "",
        f"the declaration {what} than the limit of {size_words(limit)} ({limit:,} bytes); "
        "a declaration is a few kilobytes, so check that this is the right file",
        None,
        None,
        "too_large",
    )


STDIN_NAME = "<stdin>"
"""The name of a declaration read from standard input (``govrules check -``)."""


def load_declaration(path: str | os.PathLike[str]) -> BaseModel:
    """Read a declaration file (UTF-8 YAML or JSON) and validate it.

    Args:
        path: The file; a ``.json`` suffix selects JSON, otherwise the content decides.

    Returns:
        The validated declaration.

    Raises:
        DeclarationError: The file cannot be read, is not UTF-8, or is not a valid declaration.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            limit = max_declaration_bytes()
            if size > limit:
                raise DeclarationError(name, [too_large_issue(size, limit)])
            raw = _read_limited(handle, name)
    except OSError as error:
        raise _unreadable(name, error) from None
    return load_declaration_bytes(raw, name)


def load_declaration_stream(stream: BinaryIO, name: str = STDIN_NAME) -> BaseModel:
    """Read a declaration from a byte stream (standard input for ``govrules check -``).

    Raises:
        DeclarationError: As :func:`load_declaration`; the stream is read at most one byte
            past the size limit.
    """
    try:
        raw = _read_limited(stream, name)
    except OSError as error:
        raise _unreadable(name, error) from None
    return load_declaration_bytes(raw, name)


def _unreadable(name: str, error: OSError) -> DeclarationError:
    reason = error.strerror or type(error).__name__
    return DeclarationError(
        name, [InputIssue("", f"cannot read the file: {reason}", None, None, "file_unreadable")]
    )


def _read_limited(stream: BinaryIO, name: str) -> bytes:
    """All of ``stream``, refused once it passes the size limit."""
    limit = max_declaration_bytes()
    raw = stream.read(limit + 1)
    if len(raw) > limit:  # a file that grew, or a pipe that reports no size
        raise DeclarationError(name, [too_large_issue(len(raw), limit)])
    return raw


def load_declaration_bytes(raw: bytes, name: str = "<string>") -> BaseModel:
    """Decode (UTF-8, with or without a byte order mark), parse and validate a declaration.

    Raises:
        DeclarationError: The bytes are not UTF-8 text (``not_utf8``, at the first bad byte) or
            not a valid declaration.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise DeclarationSyntaxError(
            name,
            [
                InputIssue(
                    "",
                    f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x}"
                    f" at offset {error.start})",
                    line,
                    column,
                    "not_utf8",
                )
            ],
        ) from None
    return load_declaration_text(text, name)
