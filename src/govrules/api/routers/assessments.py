"""``POST /v1/assessments``: check a declaration and answer with the report."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Query
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from ...models import SPEC_EXAMPLE
from ...selection import OnlyChoice
from ...selection import Selection
from ...selection import SeverityChoice
from ..body import query_date
from ..body import read_assessment
from ..dependencies import get_service
from ..schemas import ReportOut
from ..service import Service
from ._responses import errors
from ._responses import json_bytes

router = APIRouter(prefix="/v1", tags=["assessments"])

_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "JSON: the declaration wrapped with optional `as_of` and `rulesets`. "
        "YAML: the declaration itself (as in `examples/`), with `as_of` and `rulesets` as query "
        "parameters.",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/AssessmentRequest"},
                "examples": {
                    "northshire": {
                        "summary": "The example declaration of docs/declaration-format.md",
                        "value": {"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30"},
                    }
                },
            },
            "application/yaml": {
                "schema": {"$ref": "#/components/schemas/PlaceDeclaration"},
                "examples": {
                    "northshire": {
                        "summary": "The example declaration, sent as YAML",
                        "value": SPEC_EXAMPLE,
                    }
                },
            },
        },
    }
}


@router.post(
    "/assessments",
    response_model=None,
    responses={
        200: {"model": ReportOut, "description": "The govrules/report/v1 report."},
        **errors(400, 404, 408, 413, 415, 422),
    },
    openapi_extra=_REQUEST_BODY,
    summary="Check a declaration",
)
async def create_assessment(
    request: Request,
    service: Annotated[Service, Depends(get_service)],
    as_of: Annotated[
        str | None,
        Query(
            json_schema_extra={"format": "date"},
            description="Evaluation date YYYY-MM-DD (default today); for YAML bodies, or "
            "instead of the JSON field.",
            examples=["2023-09-30"],
        ),
    ] = None,
    rulesets: Annotated[
        list[str] | None,
        Query(description="Ruleset names (repeatable; default all loaded)."),
    ] = None,
    severity: Annotated[
        SeverityChoice,
        Query(
            description="Show only the findings of this tier; `compliant`, `summary` and "
            "`by_severity` still cover every finding, and the report gains a `shown` member."
        ),
    ] = "all",
    only: Annotated[
        OnlyChoice,
        Query(
            description="`failing`: show only failing findings; the verdict and counts still "
            "cover every finding, and the report gains a `shown` member."
        ),
    ] = "all",
) -> Response:
    """Check one declaration against the loaded rulesets and return the report, the same
    document as `govrules check --format json`.

    An invalid declaration gives 422 naming every bad field; malformed text 400 with line and
    column; an unknown ruleset 404.
    """
    raw = await request.body()
    date = query_date(as_of)
    content_type = request.headers.get("content-type")

    def work() -> bytes:
        # Parsing, validation, evaluation and serialising are CPU work: off the event loop.
        job = read_assessment(raw, content_type, date, rulesets)
        report = service.assess(job.declaration, job.as_of, job.rulesets, Selection(severity, only))
        return json_bytes(report)

    return Response(await run_in_threadpool(work), media_type="application/json")
