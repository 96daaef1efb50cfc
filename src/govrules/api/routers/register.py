"""The register over HTTP: places, systems, the calendar, re-assessment and the audit log (the
JSON routes, here), and the pages for people (system matrix, place history, calendar; in
:mod:`.register_pages`, whose router this module re-exports as ``pages``).

Access. Once any token exists, every route here needs ``Authorization: Bearer TOKEN`` (the
pages read the same token from a cookie set by ``/register/login``): 401 without a valid token,
403 for a role or system it does not hold. A token limited to one system sees only that
system's places, and may submit only declarations of that system. Before any token exists the
register is open (``govrules serve`` then listens on loopback only), and changes are recorded as
made by ``anonymous``. Tokens and roles are checked in :mod:`._register_access`; the examples
of the OpenAPI document are in :mod:`._register_docs`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Query
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ...register import NotInRegister
from ...register.identity import slug
from ...register.service import PLACE_FORMAT
from ..body import body_kind
from ..body import parse
from ..body import query_date
from ..body import read_assessment
from ..problems import ApiError
from ._register_access import ANONYMOUS as ANONYMOUS
from ._register_access import COOKIE as COOKIE
from ._register_access import Admin
from ._register_access import Assessor
from ._register_access import PlaceId
from ._register_access import Principal as Principal
from ._register_access import Reader
from ._register_access import RegisterDep
from ._register_access import ServiceDep
from ._register_access import SystemId
from ._register_access import evaluator
from ._register_access import forbidden_system
from ._register_access import get_register as get_register
from ._register_access import matrix_rules
from ._register_access import not_found
from ._register_access import place_system
from ._register_docs import AUTH
from ._register_docs import ENTRY
from ._register_docs import HISTORY
from ._register_docs import SECURITY
from ._register_docs import SUBMIT_BODY
from ._register_docs import UNAUTHORISED
from ._register_docs import example
from ._register_docs import not_found_doc
from ._responses import errors
from .register_pages import calendar_page as calendar_page
from .register_pages import index_page as index_page
from .register_pages import login as login
from .register_pages import login_page as login_page
from .register_pages import logout as logout
from .register_pages import pages as pages
from .register_pages import place_page as place_page
from .register_pages import system_page as system_page

router = APIRouter(prefix="/v1", tags=["register"])


# -- places ------------------------------------------------------------------------------------


@router.post(
    "/places/{place}/declarations",
    response_model=None,
    status_code=201,
    responses={
        201: example(
            {"place": "northshire", "version": 1, "sha256": "9f2c…", "report": {"…": "…"}},
            "Stored as a new version and assessed; the report is the govrules/report/v1 one.",
        ),
        200: example(
            {"place": "northshire", "version": 1, "sha256": "9f2c…", "report": {"…": "…"}},
            "The same content as the place's latest version: that version, no new one.",
        ),
        **AUTH,
        **errors(400, 404, 408, 413, 415, 422),
    },
    openapi_extra={**SUBMIT_BODY, **SECURITY},
    summary="Store and assess a place's declaration",
)
async def submit_declaration(
    request: Request,
    place: PlaceId,
    who: Assessor,
    register: RegisterDep,
    service: ServiceDep,
    as_of: Annotated[
        str | None,
        Query(
            json_schema_extra={"format": "date"},
            description="Evaluation date (default today).",
            examples=["2023-09-30"],
        ),
    ] = None,
    rulesets: Annotated[
        list[str] | None, Query(description="Ruleset names (repeatable; default all loaded).")
    ] = None,
) -> JSONResponse:
    """Store a new version of the place's declaration (one transaction: the version, its
    assessment and the audit entry) and answer with its report. Identical content to the
    latest version answers 200 with that version. The declaration's `place.id` must be
    `place` (else 422); a token limited to a system may submit only that system's places."""
    raw = await request.body()
    date = query_date(as_of)
    content_type = request.headers.get("content-type")

    def work() -> JSONResponse:
        job = read_assessment(raw, content_type, date, rulesets)
        # The plain data as sent (validated just above), for the stored copy and its hash.
        data, _ = parse(raw, body_kind(content_type))
        if isinstance(data, dict) and body_kind(content_type) == "json":
            data = data["declaration"]
        assert isinstance(data, dict)
        document: dict[str, Any] = data
        if document.get("format") != PLACE_FORMAT:
            raise ApiError(
                422,
                "invalid_declaration",
                f"the register keeps place declarations ({PLACE_FORMAT}) only",
                [{"path": "format", "message": f"expected {PLACE_FORMAT!r}"}],
            )
        declared = document["place"]["id"]
        if declared != place:
            raise ApiError(
                422,
                "invalid_declaration",
                f"the declaration is for place {declared!r}, not {place!r}",
                [{"path": "place.id", "message": f"expected {place!r} (the place in the path)"}],
            )
        system = slug(document["system"]["name"])
        if not who.covers(system):
            raise forbidden_system(who, system)
        try:
            current = register.place_system(place)
        except NotInRegister:
            current = system
        if not who.covers(current):
            raise forbidden_system(who, current)
        report = service.engine_for(job.rulesets).evaluate(job.declaration, job.as_of).to_json()
        stored = register.submit(document, report, actor=who.name, source=None)
        return JSONResponse(stored.to_json(), status_code=201 if stored.created else 200)

    return await run_in_threadpool(work)


@router.get(
    "/places",
    responses={200: example([ENTRY], "Each place's latest verdict."), **UNAUTHORISED},
    summary="List the places",
    openapi_extra=SECURITY,
)
def list_places(who: Reader, register: RegisterDep) -> list[dict[str, Any]]:
    """Every place in the register (a system-limited token: its system's places) with its
    latest version and verdict."""
    return register.places(system=who.system)


@router.get(
    "/places/{place}",
    responses={
        200: example(
            {**ENTRY, "history": [HISTORY]},
            "The latest entry, and every assessment, newest first.",
        ),
        **AUTH,
        **not_found_doc("place"),
        **errors(422),
    },
    summary="A place's latest verdict and history",
    openapi_extra=SECURITY,
)
def get_place(place: PlaceId, who: Reader, register: RegisterDep) -> dict[str, Any]:
    """The latest entry of the place plus its history: each assessment with its version,
    counts per tier, and the criteria whose status changed from the one before."""
    place_system(register, who, place)
    try:
        return register.place(place)
    except NotInRegister as err:
        raise not_found(err) from None


@router.get(
    "/places/{place}/report",
    responses={
        200: {"description": "The govrules/report/v1 report of the latest assessment."},
        **AUTH,
        **not_found_doc("place"),
        **errors(422),
    },
    summary="A place's latest report",
    openapi_extra=SECURITY,
)
def get_place_report(place: PlaceId, who: Reader, register: RegisterDep) -> dict[str, Any]:
    """The full report of the place's latest assessment."""
    place_system(register, who, place)
    try:
        return register.report(place)
    except NotInRegister as err:
        raise not_found(err) from None


# -- systems -----------------------------------------------------------------------------------


@router.get(
    "/systems",
    responses={
        200: example(
            [
                {
                    "system": "northshire-and-coast-ics",
                    "name": "Northshire and Coast ICS",
                    "icb": "NHS Northshire and Coast Integrated Care Board",
                    "places": ["northshire"],
                }
            ],
            "Every system with a place in the register.",
        ),
        **UNAUTHORISED,
    },
    summary="List the systems",
    openapi_extra=SECURITY,
)
def list_systems(who: Reader, register: RegisterDep) -> list[dict[str, Any]]:
    """Systems (identified by the slug of `system.name`) and their places."""
    return register.systems(system=who.system)


@router.get(
    "/systems/{system}",
    responses={
        200: example(
            {
                "system": "northshire-and-coast-ics",
                "places": [ENTRY],
                "matrix": {"northshire": {"SAP-1": "pass", "SAP-2": "pass"}},
                "checks": [
                    {"check": "SAP-7", "status": "pass", "explanation": "each of the 3 places …"},
                    {
                        "check": "system-facts",
                        "status": "fail",
                        "explanation": "system.places: 3 in north; 2 in south",
                    },
                ],
            },
            "Each place's verdict, the places × criteria matrix and the system-level checks.",
        ),
        **AUTH,
        **not_found_doc("system"),
        **errors(422),
    },
    summary="A system: verdicts, matrix and system-level checks",
    openapi_extra=SECURITY,
)
def get_system(
    system: SystemId, who: Reader, register: RegisterDep, service: ServiceDep
) -> dict[str, Any]:
    """The system view for an ICB. `checks` holds what no single place's report can show:
    SAP-7 (every place of the system has a single accountable person, and every place the
    system counts is in the register) and `system-facts` (the `system.*` facts are the same in
    every place's declaration; each disagreement is named)."""
    if not who.covers(system):
        raise forbidden_system(who, system)
    try:
        view = register.system(system)
    except NotInRegister as err:
        raise not_found(err) from None
    view["rules"] = matrix_rules(service, view["matrix"])
    return view


# -- calendar, reassessment, audit -------------------------------------------------------------


@router.get(
    "/calendar",
    responses={
        200: example(
            [{"place": "northshire", "rule": "DIG-1", "due": "2024-12-31", "would_pass": True}],
            "The criteria coming due, soonest first.",
        ),
        **UNAUTHORISED,
        **errors(422),
    },
    summary="The criteria coming due",
    openapi_extra=SECURITY,
)
def get_calendar(
    who: Reader,
    register: RegisterDep,
    service: ServiceDep,
    months: Annotated[int, Query(ge=1, le=120, description="How far ahead.")] = 12,
    as_of: Annotated[
        str | None,
        Query(
            json_schema_extra={"format": "date"},
            description="From this date (default today).",
            examples=["2023-09-30"],
        ),
    ] = None,
) -> list[dict[str, Any]]:
    """For each place's latest declaration, the criteria due after `as_of` and within
    `months` of it, and whether each would pass on `as_of`."""
    date = query_date(as_of) or dt.date.today()
    return register.calendar(
        evaluator(service.engine), as_of=date, months=months, system=who.system
    )


class ReassessmentRequest(BaseModel):
    """The body of `POST /v1/reassessments` (may be empty)."""

    model_config = {"extra": "forbid"}
    rulesets: list[str] | None = None
    as_of: str | None = None


@router.post(
    "/reassessments",
    responses={
        200: example(
            {
                "changes": [{"place": "riverside", "rule": "SAP-2", "from": "fail", "to": "pass"}],
                "verdicts": [{"place": "riverside", "from": False, "to": True}],
                "assessed": 7,
                "unchanged": 0,
                "skipped": [],
                "errors": [],
            },
            "Each finding whose status changed.",
        ),
        **AUTH,
        **errors(400, 404, 415, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "rulesets": {
                                "type": "array",
                                "items": {"type": "string"},
                                "minItems": 1,
                            },
                            "as_of": {"type": "string", "format": "date"},
                        },
                    },
                    "example": {"rulesets": ["national-2022"]},
                }
            },
        },
        **SECURITY,
    },
    summary="Re-assess every place",
)
async def reassess(
    request: Request, who: Admin, register: RegisterDep, service: ServiceDep
) -> dict[str, Any]:
    """Assess every place's latest declaration again under the named rulesets (default all
    loaded), on `as_of` or, by default, on the date of its latest assessment, so that the
    changes come from the rules alone. Answers every finding whose status changed."""
    raw = await request.body()

    def work() -> dict[str, Any]:
        names: list[str] | None = None
        date: dt.date | None = None
        if raw.strip():
            if body_kind(request.headers.get("content-type")) != "json":
                raise ApiError(
                    415, "unsupported_media_type", "send the request as application/json"
                )
            data, _ = parse(raw, "json")
            if not isinstance(data, dict):
                raise ApiError(422, "invalid_request", "expected a JSON object")
            unknown = sorted(set(data) - {"rulesets", "as_of"})
            if unknown:
                raise ApiError(
                    422,
                    "invalid_request",
                    "unknown request field(s)",
                    [{"path": k, "message": "expected rulesets or as_of"} for k in unknown],
                )
            value = data.get("rulesets")
            if "rulesets" in data:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise ApiError(
                        422,
                        "invalid_request",
                        "rulesets must be a list of ruleset names",
                        [{"path": "rulesets", "message": "expected a list of names"}],
                    )
                names = value
            if "as_of" in data:
                if not isinstance(data["as_of"], str):
                    raise ApiError(
                        422,
                        "invalid_request",
                        "as_of must be a date",
                        [{"path": "as_of", "message": "expected YYYY-MM-DD"}],
                    )
                date = query_date(data["as_of"])
        engine = service.engine_for(names)
        return register.reassess(
            evaluator(engine), actor=who.name, as_of=date, system=who.system
        ).to_json()

    return await run_in_threadpool(work)


@router.get(
    "/audit",
    responses={
        200: example(
            [
                {
                    "id": 3,
                    "at": "2023-10-02T09:14:03.120512+00:00",
                    "actor": "northshire-assessor",
                    "action": "declaration.add",
                    "system": "northshire-and-coast-ics",
                    "place": "northshire",
                    "detail": {"version": 2},
                }
            ],
            "The audit log, newest first.",
        ),
        **AUTH,
        **errors(422),
    },
    summary="The audit log",
    openapi_extra=SECURITY,
)
def get_audit(
    who: Admin,
    register: RegisterDep,
    limit: Annotated[int, Query(ge=1, le=100_000, description="At most this many entries.")] = 1000,
) -> list[dict[str, Any]]:
    """Every change to the register (who, what, when), newest first. A token limited to a
    system sees that system's entries only."""
    return register.audit_log(system=who.system, limit=limit)
