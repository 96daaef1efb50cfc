"""Reading declaration text: YAML or JSON to plain values and a :class:`LocationIndex`.

:func:`parse_document` is the first step of reading a declaration (the second, validation, is
:func:`govrules.declaration.validate_declaration`). JSON is read with :mod:`json`, refusing
``NaN``/``Infinity``, duplicate keys and deep nesting before it recurses; YAML with the safe
event reader of :mod:`govrules.yamlsafe`. Every problem becomes a
:class:`~govrules.errors.DeclarationSyntaxError` with a line and column where one is known.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from typing import Literal
from typing import NoReturn

from .errors import DeclarationError
from .errors import DeclarationSyntaxError
from .errors import InputIssue
from .locations import MAX_DEPTH
from .locations import LocationIndex
from .locations import PathTuple
from .locations import Position
from .locations import format_path
from .locations import line_column
from .locations import syntax_error
from .yamlsafe import parse_yaml

__all__ = ["Format", "parse_document"]

Format = Literal["yaml", "json", "auto"]

# A JSON string literal, or one of the brackets that open or close a level of nesting.
_JSON_NESTING_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_JSON_CONSTANT_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|-?Infinity|NaN', re.DOTALL)
_JSON_LONG_NUMBER_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[0-9]{1000,}', re.DOTALL)


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
                raise syntax_error(
                    name,
                    f"the declaration is nested more than {MAX_DEPTH} levels deep",
                    "nesting_too_deep",
                    line_column(text, match.start()),
                )
        elif token in "]}":
            depth -= 1


def _json_locations(text: str, name: str) -> LocationIndex:
    """Locations of a JSON document, read with the YAML loader as a best effort.

    JSON is (nearly) a subset of YAML, so the YAML events give line and column for every value.
    Where the YAML reading fails (rare: e.g. tabs in some positions), issues have no position.
    """
    try:
        return parse_yaml(text, name)[1]
    except DeclarationError:
        return LocationIndex()


def _parse_json(text: str, name: str) -> tuple[object, LocationIndex]:
    _check_json_depth(text, name)
    try:
        data: object = json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=_unique_pairs
        )
    except json.JSONDecodeError as error:
        raise syntax_error(
            name, f"invalid JSON: {error.msg}", "json_syntax_error", (error.lineno, error.colno)
        ) from None
    except _JsonConstantError as error:
        found = _first_token(_JSON_CONSTANT_TOKEN, text)
        raise syntax_error(
            name,
            f"invalid JSON: {error.args[0]} is not allowed (numbers must be finite)",
            "json_syntax_error",
            line_column(text, found[1]) if found else None,
        ) from None
    except _JsonDuplicateKeyError as error:
        # The YAML reading of the same text finds the duplicate with its position.
        try:
            parse_yaml(text, name)
        except DeclarationSyntaxError as located:
            if any(issue.code == "duplicate_key" for issue in located.issues):
                raise located from None
        raise syntax_error(name, f"duplicate key '{error.key}'", "duplicate_key") from None
    except (ValueError, RecursionError):
        # Integers beyond Python's digit limit; deep nesting was refused above.
        found = _first_token(_JSON_LONG_NUMBER_TOKEN, text)
        raise syntax_error(
            name,
            "invalid JSON: a number has too many digits",
            "json_syntax_error",
            line_column(text, found[1]) if found else None,
        ) from None
    return data, LocationIndex.deferred(lambda: _json_locations(text, name))


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
        data, index = parse_yaml(text, name)
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
