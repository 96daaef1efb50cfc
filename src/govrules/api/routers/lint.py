"""``POST /v1/lint``: check rule text without a declaration."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ..body import read_lint
from ..dependencies import get_service
from ..schemas import LintResult
from ..service import Service
from ._responses import errors

router = APIRouter(prefix="/v1", tags=["lint"])

_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/LintRequest"},
                "examples": {
                    "clean": {
                        "summary": "A ruleset header alone",
                        "value": {"source": 'ruleset "local" version "1"\n'},
                    },
                    "broken": {
                        "summary": "A rule that is not closed",
                        "value": {"source": 'ruleset "local" version "1"\nrule X-1 {\n'},
                    },
                },
            }
        },
    }
}


@router.post(
    "/lint",
    response_model=None,
    responses={
        200: {"model": LintResult, "description": "Diagnostics; an empty list when clean."},
        **errors(400, 408, 413, 415, 422),
    },
    openapi_extra=_REQUEST_BODY,
    summary="Lint rule text",
)
async def lint(request: Request, service: Annotated[Service, Depends(get_service)]) -> JSONResponse:
    """Parse and check one rule file on its own, as `govrules lint` does. Problems in the rule
    text are diagnostics in a 200 answer; 4xx answers are about the request itself."""
    raw = await request.body()
    content_type = request.headers.get("content-type")

    def work() -> dict[str, Any]:
        source, name = read_lint(raw, content_type)
        return {"diagnostics": service.lint(source, name)}

    return JSONResponse(await run_in_threadpool(work))
