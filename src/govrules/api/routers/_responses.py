"""OpenAPI ``responses`` entries shared by the routers: every error status is documented."""

from __future__ import annotations

import json
from typing import Any

import orjson

from ..schemas import ErrorBody

_DESCRIPTIONS = {
    400: "Malformed body: not UTF-8, not well-formed JSON/YAML (line and column given), "
    "nested more than 64 levels, NaN/Infinity, duplicate keys or YAML aliases.",
    404: "No such ruleset.",
    408: "The body did not arrive in time.",
    413: "The body is larger than the limit (1 MiB by default); refused before parsing.",
    415: "The Content-Type is neither JSON nor YAML.",
    422: "The request is understood but invalid: every bad field is named.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` entries for the given error statuses."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}


def json_bytes(document: Any) -> bytes:
    """A JSON answer as bytes: orjson where it can (reports are large, and this runs for
    every assessment), the standard library for what orjson refuses (a lone surrogate in a
    text), so every document the library's serialisers give is answered."""
    try:
        return orjson.dumps(document)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(document, separators=(",", ":")).encode("ascii")  # \ud800 escapes
