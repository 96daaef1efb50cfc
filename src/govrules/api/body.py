"""Reading request bodies with govrules' own loader, never FastAPI's default JSON parsing.

The loader (:func:`govrules.declaration.parse_document`) refuses ``NaN``/``Infinity``, duplicate
keys, nesting deeper than 64 levels and YAML aliases that would add more than 10,000 values
before anything is expanded, and gives every value a line and column. The body has already
passed :class:`~govrules.api.guard.BodyGuard`, so it is at most ``max_body_bytes`` long.

Paths in 422 answers are relative to the *declaration* (``place.population``), the same paths
``govrules check`` prints, whether the declaration came wrapped in JSON or as raw YAML; line and
column are positions in the request body. Problems with the wrapper itself use the wrapper's
field names (``as_of``, ``rulesets``, ``declaration``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..declaration import LocationIndex
from ..declaration import PathTuple
from ..declaration import Position
from ..declaration import parse_document
from ..declaration import validate_declaration
from ..errors import DeclarationError
from ..errors import DeclarationSyntaxError
from ..errors import InputIssue
from ..errors import UsageError
from ..evaluator import parse_date
from ..models import describe_value
from .problems import ApiError

BODY_NAME = "<request>"
JSON_TYPES = frozenset({"", "application/json", "application/x-www-form-urlencoded", "text/plain"})
YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"})
_WRAPPER_FIELDS = ("declaration", "as_of", "rulesets")


@dataclass(frozen=True, slots=True)
class Assessment:
    """A parsed and validated assessment request."""

    declaration: BaseModel
    as_of: dt.date
    rulesets: list[str] | None


def media_type(content_type: str | None) -> str:
    """The bare media type of a ``Content-Type`` header, lower case.

    Examples:
        >>> media_type("Application/YAML; charset=utf-8")
        'application/yaml'
        >>> media_type("application/vnd.example+json")
        'application/json'
    """
    bare = (content_type or "").split(";", 1)[0].strip().lower()
    return "application/json" if bare.endswith("+json") else bare


def body_kind(content_type: str | None) -> str:
    """``"json"`` or ``"yaml"``; 415 for anything else.

    A missing type, ``text/plain`` and ``application/x-www-form-urlencoded`` (what ``curl -d``
    sends) are read as JSON.
    """
    kind = media_type(content_type)
    if kind in JSON_TYPES:
        return "json"
    if kind in YAML_TYPES:
        return "yaml"
    raise ApiError(
        415,
        "unsupported_media_type",
        f"cannot read a body of type {kind!r}; send application/json or application/yaml",
    )


def decode(raw: bytes) -> str:
    """UTF-8 text (a BOM is dropped); 400 naming the line and column of a bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ApiError.from_issues(
            [
                InputIssue(
                    "", f"the body is not UTF-8 text (byte at offset {error.start})", line, column
                )
            ],
            syntax=True,
        ) from None


def parse(raw: bytes, fmt: str) -> tuple[object, LocationIndex]:
    """Plain data and locations of a body; 400 if it is malformed."""
    try:
        return parse_document(decode(raw), BODY_NAME, "yaml" if fmt == "yaml" else "json")
    except DeclarationSyntaxError as err:
        raise ApiError.from_declaration(err) from None


def sub_index(index: LocationIndex, prefix: PathTuple) -> LocationIndex:
    """The locations under ``prefix``, with paths relative to it (worked out only when a
    message needs one: a valid request never reads its locations)."""
    return LocationIndex.deferred(lambda: _sub_index(index, prefix))


def _sub_index(index: LocationIndex, prefix: PathTuple) -> LocationIndex:
    n = len(prefix)
    values: dict[PathTuple, Position] = {}
    keys: dict[PathTuple, Position] = {}
    for path in index:
        if path[:n] == prefix:
            values[path[n:]] = index[path]
            key = index.key_position(path)
            if key is not None:
                keys[path[n:]] = key
    return LocationIndex(values, keys)


def _at(index: LocationIndex, path: PathTuple, key: bool = False) -> tuple[int | None, int | None]:
    found = index.key_position(path) if key else (index.get(path) or index.nearest(path))
    return (found[0], found[1]) if found else (None, None)


def _date(
    value: object, path: str, where: Callable[[], tuple[int | None, int | None]]
) -> dt.date | InputIssue:
    """A date, or the issue with its position (looked up only then)."""
    if not isinstance(value, str):
        return InputIssue(
            path, f"expected a date as YYYY-MM-DD, got {describe_value(value)}", *where()
        )
    try:
        return parse_date(value)
    except UsageError as err:
        return InputIssue(path, str(err), *where())


def query_date(value: str | None) -> dt.date | None:
    """``as_of`` from the query string; 422 when it is not a real date."""
    if value is None:
        return None
    got = _date(value, "as_of", lambda: (None, None))
    if isinstance(got, InputIssue):
        raise ApiError.from_issues([got], code="invalid_request")
    return got


def validate(data: object, index: LocationIndex) -> BaseModel | list[InputIssue]:
    """The declaration model, or every issue with it."""
    try:
        return validate_declaration(data, BODY_NAME, index)
    except DeclarationError as err:
        return list(err.issues)


def read_assessment(
    raw: bytes, content_type: str | None, as_of: dt.date | None, rulesets: list[str] | None
) -> Assessment:
    """Parse and validate an assessment request (JSON wrapper, or a raw YAML declaration).

    ``as_of`` and ``rulesets`` are the query parameters; in JSON they may be given in the body
    instead (a query parameter wins where both are given). A body value of null is the same as
    leaving it out.
    """
    fmt = body_kind(content_type)
    data, index = parse(raw, fmt)
    if fmt == "yaml":
        checked = validate(data, index)
        if isinstance(checked, list):
            raise ApiError.from_issues(checked)
        return Assessment(checked, as_of or dt.date.today(), rulesets)

    issues: list[InputIssue] = []
    if not isinstance(data, dict):
        raise ApiError.from_issues(
            [
                InputIssue(
                    "",
                    f"expected a JSON object with a 'declaration', got {describe_value(data)}",
                    *_at(index, ()),
                )
            ]
        )
    for key in data:
        if key not in _WRAPPER_FIELDS:
            issues.append(
                InputIssue(
                    str(key),
                    f"unknown request field {str(key)!r}; expected one of: "
                    f"{', '.join(_WRAPPER_FIELDS)}",
                    *_at(index, (key,), key=True),
                )
            )
    # null means "not given", as the OpenAPI document says: the default applies. A query
    # parameter wins over the body's value (the URL is what a caller changes last).
    date = as_of
    if data.get("as_of") is not None:
        got = _date(data["as_of"], "as_of", lambda: _at(index, ("as_of",)))
        if isinstance(got, InputIssue):
            issues.append(got)
        elif as_of is None:
            date = got
    names = rulesets
    if data.get("rulesets") is not None:
        value = data["rulesets"]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            issues.append(
                InputIssue(
                    "rulesets",
                    f"expected a list of ruleset names, got {describe_value(value)}",
                    *_at(index, ("rulesets",)),
                )
            )
        elif rulesets is None:
            names = list(value)
    declaration: BaseModel | None = None
    if "declaration" not in data:
        issues.append(InputIssue("declaration", "required field is missing", *_at(index, ())))
    else:
        checked = validate(data["declaration"], sub_index(index, ("declaration",)))
        if isinstance(checked, list):
            issues.extend(checked)
        else:
            declaration = checked
    if issues or declaration is None:
        issues.sort(key=lambda i: (i.line or 0, i.column or 0))
        raise ApiError.from_issues(issues)
    return Assessment(declaration, date or dt.date.today(), names)


def read_lint(raw: bytes, content_type: str | None) -> tuple[str, str]:
    """``(source, name)`` of a lint request."""
    if body_kind(content_type) != "json":
        raise ApiError(415, "unsupported_media_type", "send the lint request as application/json")
    data, index = parse(raw, "json")
    if not isinstance(data, dict):
        raise ApiError.from_issues(
            [
                InputIssue(
                    "",
                    f"expected a JSON object with a 'source', got {describe_value(data)}",
                    *_at(index, ()),
                )
            ],
            code="invalid_request",
        )
    issues: list[InputIssue] = []
    for key in data:
        if key not in ("source", "name"):
            issues.append(
                InputIssue(
                    str(key),
                    f"unknown request field {str(key)!r}; expected source, name",
                    *_at(index, (key,), key=True),
                )
            )
    fields: dict[str, str] = {"name": "<source>"}
    for key in ("source", "name"):
        value: Any = data.get(key)
        if key not in data:
            if key == "source":
                issues.append(InputIssue("source", "required field is missing", *_at(index, ())))
        elif not isinstance(value, str):
            issues.append(
                InputIssue(key, f"expected text, got {describe_value(value)}", *_at(index, (key,)))
            )
        else:
            fields[key] = value
    if issues:
        raise ApiError.from_issues(issues, code="invalid_request")
    return fields["source"], fields["name"]
