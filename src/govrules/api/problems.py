"""Error answers: every failure the API gives is one JSON shape, ``{code, message, errors}``.

``errors`` is the list of ``docs/http-api.md`` (``{"path", "message"}`` plus ``line`` and
``column`` where known); ``code`` is a stable snake_case identifier and ``message`` a sentence
for people. Handlers for FastAPI's and Starlette's own exceptions map them onto the same shape,
and a catch-all turns anything unexpected into a 500 that names no internals (the traceback goes
to the server log only).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..backends.durable_process import WorkerStopped
from ..declaration import format_path
from ..errors import DeclarationError
from ..errors import DeclarationSyntaxError
from ..errors import EvaluationError
from ..errors import GovrulesError
from ..errors import InputIssue
from ..errors import UsageError

log = logging.getLogger("govrules.api")

_STATUS_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
}


class ApiError(Exception):
    """An answer other than 2xx, raised anywhere below an endpoint.

    Examples:
        >>> err = ApiError(404, "unknown_ruleset", "no ruleset named 'x'")
        >>> err.body()
        {'code': 'unknown_ruleset', 'message': "no ruleset named 'x'", 'errors': []}
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        errors: Iterable[Mapping[str, Any]] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = [dict(e) for e in errors]
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The JSON document sent to the client."""
        return {"code": self.code, "message": self.message, "errors": self.errors}

    def response(self) -> JSONResponse:
        """The error as a response."""
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)

    @classmethod
    def from_declaration(cls, err: DeclarationError) -> ApiError:
        """400 for malformed text (with line and column), 422 for an invalid declaration."""
        return cls.from_issues(err.issues, syntax=isinstance(err, DeclarationSyntaxError))

    @classmethod
    def from_issues(
        cls,
        issues: Iterable[InputIssue],
        *,
        syntax: bool = False,
        code: str = "invalid_declaration",
    ) -> ApiError:
        """One answer naming every issue: 400 for malformed text, else 422 with ``code``."""
        found = list(issues)
        if syntax:
            first = found[0] if found else None
            where = f" at line {first.line}, column {first.column}" if first and first.line else ""
            return cls(
                400,
                "malformed_body",
                f"the request body is not well-formed{where}",
                (i.to_json() for i in found),
            )
        count = f"{len(found)} problem{'s' if len(found) != 1 else ''}"
        return cls(422, code, f"{count} in the request", (i.to_json() for i in found))


def _issue(path: str, message: str) -> dict[str, Any]:
    return {"path": path, "message": message}


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _govrules_error(_: Request, exc: Exception) -> JSONResponse:
    # Endpoints translate the errors they expect; this is the net for the rest.
    if isinstance(exc, DeclarationError):
        return ApiError.from_declaration(exc).response()
    if isinstance(exc, UsageError):
        return ApiError(422, exc.code, str(exc)).response()
    if isinstance(exc, WorkerStopped):
        # Says which signal, and that the engine was restarted: no internals.
        return ApiError(500, exc.code, str(exc)).response()
    if isinstance(exc, EvaluationError):
        log.error("evaluation failed: %s", exc)
        return ApiError(500, exc.code, "the rule engine failed on this declaration").response()
    assert isinstance(exc, GovrulesError)
    return ApiError(422, exc.code, str(exc)).response()


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for detail in exc.errors():
        loc = tuple(p for p in detail.get("loc", ()) if isinstance(p, str | int))
        errors.append(_issue(format_path(loc), str(detail.get("msg", "invalid value"))))
    return ApiError(422, "invalid_request", "the request parameters are invalid", errors).response()


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    if exc.status_code == 404:
        message = "no such resource; see /docs for the endpoints"
    return ApiError(exc.status_code, code, message, headers=exc.headers).response()


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    # No internals in the answer: the traceback is logged (and re-raised by Starlette to the
    # server, which logs it too).
    log.error("unexpected error", exc_info=exc)
    return ApiError(500, "internal_error", "internal server error").response()


def install_handlers(app: FastAPI) -> None:
    """Register every exception handler on ``app``."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(GovrulesError, _govrules_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
