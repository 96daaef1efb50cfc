"""Reading a place declaration: YAML or JSON text to a validated :class:`PlaceDeclaration`.

The pipeline is ``parse_document`` (text to plain data plus a :class:`LocationIndex`; in
:mod:`govrules.reading`, with YAML read by :mod:`govrules.yamlsafe`) then
``validate_declaration`` (plain data to the pydantic model, with every pydantic error worded for
people and placed at its line and column). The HTTP API calls the second step alone on an
already-parsed JSON body.

Every problem a user can cause becomes a :class:`~govrules.errors.DeclarationError`; nothing else
escapes (no ``OSError``, ``UnicodeDecodeError``, ``yaml.YAMLError`` or ``RecursionError``).
The names of the reading modules are re-exported here, where callers have always found them.
"""

from __future__ import annotations

import difflib
import os
import typing
from typing import BinaryIO
from typing import Literal

from pydantic import BaseModel
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from .errors import DeclarationError
from .errors import DeclarationSyntaxError
from .errors import InputIssue
from .formats import DECLARATION_FORMATS
from .locations import MAX_DEPTH as MAX_DEPTH
from .locations import LocationIndex as LocationIndex
from .locations import PathTuple as PathTuple
from .locations import Position as Position
from .locations import format_path as format_path
from .models import FINANCIAL_YEAR_PATTERN
from .models import NON_BLANK_PATTERN
from .models import SLUG_PATTERN
from .models import PlaceDeclaration
from .models import describe_value
from .reading import Format as Format
from .reading import parse_document as parse_document
from .yamlsafe import DeclarationLoader as DeclarationLoader

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
