"""The register over HTTP: places, systems, the calendar, re-assessment and the audit log, and
the pages for people (system matrix, place history, calendar).

Access. Once any token exists, every route here needs ``Authorization: Bearer TOKEN`` (the
pages read the same token from a cookie set by ``/register/login``): 401 without a valid token,
403 for a role or system it does not hold. A token limited to one system sees only that
system's places, and may submit only declarations of that system. Before any token exists the
register is open (``govrules serve`` then listens on loopback only), and changes are recorded as
made by ``anonymous``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Path
from fastapi import Query
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.responses import JSONResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from ...evaluator import Engine
from ...models import SPEC_EXAMPLE
from ...register import NotInRegister
from ...register import Register
from ...register.identity import slug
from ...register.service import PLACE_FORMAT
from ...register.service import Evaluate
from ...register.tokens import RANK
from ...register.tokens import Role
from ..body import body_kind
from ..body import parse
from ..body import query_date
from ..body import read_assessment
from ..dependencies import get_service
from ..problems import ApiError
from ..schemas import DATE_PATTERN
from ..service import Service
from ._responses import errors
from .pages import templates

router = APIRouter(prefix="/v1", tags=["register"])
pages = APIRouter(prefix="/register", include_in_schema=False)

COOKIE = "govrules_token"
ANONYMOUS = "anonymous"
_bearer = HTTPBearer(
    auto_error=False,
    description="A token made by `govrules token create`; needed once any token exists.",
)


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a token's name, role and system limit (or anonymous, before any token
    exists)."""

    name: str
    role: Role
    system: str | None

    def covers(self, system: str | None) -> bool:
        """Whether this caller may act on ``system``."""
        return self.system is None or self.system == system


def get_register(request: Request) -> Register:
    """The application's register (built by ``create_app`` when a database is configured)."""
    register: Register = request.app.state.register
    return register


def _unauthorised(message: str) -> ApiError:
    return ApiError(
        401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="govrules"'}
    )


def _authenticate(register: Register, token: str | None, role: Role) -> Principal:
    """The caller holding ``token``, if it may act in ``role``; else 401 or 403."""
    if not register.has_tokens():
        return Principal(ANONYMOUS, "admin", None)
    if not token:
        raise _unauthorised("this register needs a bearer token (Authorization: Bearer TOKEN)")
    found = register.authenticate(token)
    if found is None:
        raise _unauthorised("the token is not valid: unknown, revoked or mistyped")
    if RANK[found.role] < RANK[role]:
        raise ApiError(
            403,
            "forbidden",
            f"the token {found.name!r} has the role {found.role}; this needs {role}",
        )
    return Principal(found.name, found.role, found.system)


def _needs(role: Role) -> Any:
    def dependency(
        register: Annotated[Register, Depends(get_register)],
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        return _authenticate(register, credentials.credentials if credentials else None, role)

    return dependency


Reader = Annotated[Principal, Depends(_needs("reader"))]
Assessor = Annotated[Principal, Depends(_needs("assessor"))]
Admin = Annotated[Principal, Depends(_needs("admin"))]
RegisterDep = Annotated[Register, Depends(get_register)]
ServiceDep = Annotated[Service, Depends(get_service)]
PlaceId = Annotated[str, Path(min_length=1, max_length=200, description="The place's `place.id`.")]
SystemId = Annotated[
    str, Path(min_length=1, max_length=200, description="The slug of the system's name.")
]


def _forbidden_system(who: Principal, system: str | None) -> ApiError:
    return ApiError(
        403,
        "forbidden",
        f"the token {who.name!r} is limited to system {who.system!r}, not {system!r}",
    )


def _not_found(err: NotInRegister) -> ApiError:
    return ApiError(404, "not_found", str(err))


def _place_system(register: Register, who: Principal, place: str) -> str:
    try:
        system = register.place_system(place)
    except NotInRegister as err:
        raise _not_found(err) from None
    if not who.covers(system):
        raise _forbidden_system(who, system)
    return system


def evaluator(engine: Engine) -> Evaluate:
    """``engine`` as the register's ``evaluate(declaration, as_of, source)``."""

    def evaluate(declaration: BaseModel, as_of: dt.date, source: str | None) -> dict[str, Any]:
        return engine.evaluate(declaration, as_of, source=source).to_json()

    return evaluate


# -- OpenAPI descriptions -------------------------------------------------------------------------

_ENTRY = {
    "place": "northshire",
    "name": "Northshire",
    "system": "northshire-and-coast-ics",
    "version": 2,
    "compliant": True,
    "assessed_at": "2023-10-02T09:14:03.120512+00:00",
}
_COUNTS = {"pass": 20, "fail": 0, "not_yet_due": 3, "not_applicable": 6}
_HISTORY = {
    "version": 2,
    "submitted_at": "2023-10-02T09:14:03.120512+00:00",
    "compliant": True,
    "by_severity": {"must": _COUNTS, "should": _COUNTS},
}


def _example(value: Any, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"example": value}}}


_SUBMIT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "As `POST /v1/assessments`: JSON `{declaration, as_of?, rulesets?}`, or "
        "the YAML declaration itself. Its `place.id` must be the place in the path.",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/AssessmentRequest"},
                "examples": {
                    "northshire": {
                        "summary": "The example declaration of declaration.md",
                        "value": {"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30"},
                    }
                },
            },
            "application/yaml": {
                "schema": {"$ref": "#/components/schemas/PlaceDeclaration"},
                "examples": {"northshire": {"summary": "As YAML", "value": SPEC_EXAMPLE}},
            },
        },
    }
}
_UNAUTHORISED: dict[int | str, dict[str, Any]] = {
    401: _example(
        {"code": "unauthorized", "message": "this register needs a bearer token", "errors": []},
        "No token, or not a valid one (once any token exists).",
    )
}
# Lists need only a reader's token (every token is one) and show a system-limited token its own
# system's entries; the other routes can also refuse a token.
_AUTH: dict[int | str, dict[str, Any]] = {
    **_UNAUTHORISED,
    403: _example(
        {"code": "forbidden", "message": "the token 'board' has the role reader", "errors": []},
        "The token lacks the role, or is limited to another system.",
    ),
}


# Bearer tokens are needed once any token exists; before that the register is open. OpenAPI
# says so with an empty alternative: FastAPI appends it to the bearer requirement it derives
# from the dependency, giving "a bearer token, or nothing".
_SECURITY: dict[str, Any] = {"security": [{}]}


def _not_found_doc(what: str) -> dict[int | str, dict[str, Any]]:
    return {
        404: _example(
            {"code": "not_found", "message": f"no {what} … is in the register", "errors": []},
            f"No such {what} in the register.",
        )
    }


# -- places ------------------------------------------------------------------------------------


@router.post(
    "/places/{place}/declarations",
    response_model=None,
    status_code=201,
    responses={
        201: _example(
            {"place": "northshire", "version": 1, "sha256": "9f2c…", "report": {"…": "…"}},
            "Stored as a new version and assessed; the report is the govrules/report/v1 one.",
        ),
        200: _example(
            {"place": "northshire", "version": 1, "sha256": "9f2c…", "report": {"…": "…"}},
            "The same content as the place's latest version: that version, no new one.",
        ),
        **_AUTH,
        **errors(400, 404, 408, 413, 415, 422),
    },
    openapi_extra={**_SUBMIT_BODY, **_SECURITY},
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
            pattern=DATE_PATTERN,
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
            raise _forbidden_system(who, system)
        try:
            current = register.place_system(place)
        except NotInRegister:
            current = system
        if not who.covers(current):
            raise _forbidden_system(who, current)
        report = service.engine_for(job.rulesets).evaluate(job.declaration, job.as_of).to_json()
        stored = register.submit(document, report, actor=who.name, source=None)
        return JSONResponse(stored.to_json(), status_code=201 if stored.created else 200)

    return await run_in_threadpool(work)


@router.get(
    "/places",
    responses={200: _example([_ENTRY], "Each place's latest verdict."), **_UNAUTHORISED},
    summary="List the places",
    openapi_extra=_SECURITY,
)
def list_places(who: Reader, register: RegisterDep) -> list[dict[str, Any]]:
    """Every place in the register (a system-limited token: its system's places) with its
    latest version and verdict."""
    return register.places(system=who.system)


@router.get(
    "/places/{place}",
    responses={
        200: _example(
            {**_ENTRY, "history": [_HISTORY]},
            "The latest entry, and every assessment, newest first.",
        ),
        **_AUTH,
        **_not_found_doc("place"),
        **errors(422),
    },
    summary="A place's latest verdict and history",
    openapi_extra=_SECURITY,
)
def get_place(place: PlaceId, who: Reader, register: RegisterDep) -> dict[str, Any]:
    """The latest entry of the place plus its history: each assessment with its version,
    counts per tier, and the criteria whose status changed from the one before."""
    _place_system(register, who, place)
    try:
        return register.place(place)
    except NotInRegister as err:
        raise _not_found(err) from None


@router.get(
    "/places/{place}/report",
    responses={
        200: {"description": "The govrules/report/v1 report of the latest assessment."},
        **_AUTH,
        **_not_found_doc("place"),
        **errors(422),
    },
    summary="A place's latest report",
    openapi_extra=_SECURITY,
)
def get_place_report(place: PlaceId, who: Reader, register: RegisterDep) -> dict[str, Any]:
    """The full report of the place's latest assessment."""
    _place_system(register, who, place)
    try:
        return register.report(place)
    except NotInRegister as err:
        raise _not_found(err) from None


# -- systems -----------------------------------------------------------------------------------


@router.get(
    "/systems",
    responses={
        200: _example(
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
        **_UNAUTHORISED,
    },
    summary="List the systems",
    openapi_extra=_SECURITY,
)
def list_systems(who: Reader, register: RegisterDep) -> list[dict[str, Any]]:
    """Systems (identified by the slug of `system.name`) and their places."""
    return register.systems(system=who.system)


def _rules(service: Service, matrix: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """The rules of the matrix in report order (must before should), with title and tier."""
    from ...report import rule_sort_key

    seen = {rule for row in matrix.values() for rule in row}
    known = {r.id: r for r in service.program.rules}
    out = []
    for rule in sorted(seen, key=rule_sort_key):
        found = known.get(rule)
        out.append(
            {
                "rule": rule,
                "title": (found.rule.title or "") if found else "",
                "severity": (found.rule.severity or "must") if found else "must",
            }
        )
    out.sort(key=lambda r: r["severity"] != "must")
    return out


@router.get(
    "/systems/{system}",
    responses={
        200: _example(
            {
                "system": "northshire-and-coast-ics",
                "places": [_ENTRY],
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
        **_AUTH,
        **_not_found_doc("system"),
        **errors(422),
    },
    summary="A system: verdicts, matrix and system-level checks",
    openapi_extra=_SECURITY,
)
def get_system(
    system: SystemId, who: Reader, register: RegisterDep, service: ServiceDep
) -> dict[str, Any]:
    """The system view for an ICB. `checks` holds what no single place's report can show:
    SAP-7 (every place of the system has a single accountable person, and every place the
    system counts is in the register) and `system-facts` (the `system.*` facts are the same in
    every place's declaration; each disagreement is named)."""
    if not who.covers(system):
        raise _forbidden_system(who, system)
    try:
        view = register.system(system)
    except NotInRegister as err:
        raise _not_found(err) from None
    view["rules"] = _rules(service, view["matrix"])
    return view


# -- calendar, reassessment, audit -------------------------------------------------------------


@router.get(
    "/calendar",
    responses={
        200: _example(
            [{"place": "northshire", "rule": "DIG-1", "due": "2024-12-31", "would_pass": True}],
            "The criteria coming due, soonest first.",
        ),
        **_UNAUTHORISED,
        **errors(422),
    },
    summary="The criteria coming due",
    openapi_extra=_SECURITY,
)
def get_calendar(
    who: Reader,
    register: RegisterDep,
    service: ServiceDep,
    months: Annotated[int, Query(ge=1, le=120, description="How far ahead.")] = 12,
    as_of: Annotated[
        str | None,
        Query(
            pattern=DATE_PATTERN,
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
        200: _example(
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
        **_AUTH,
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
                            "rulesets": {"type": "array", "items": {"type": "string"}},
                            "as_of": {"type": "string", "pattern": DATE_PATTERN},
                        },
                    },
                    "example": {"rulesets": ["national-2022"]},
                }
            },
        },
        **_SECURITY,
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
        200: _example(
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
        **_AUTH,
        **errors(422),
    },
    summary="The audit log",
    openapi_extra=_SECURITY,
)
def get_audit(
    who: Admin,
    register: RegisterDep,
    limit: Annotated[int, Query(ge=1, le=100_000, description="At most this many entries.")] = 1000,
) -> list[dict[str, Any]]:
    """Every change to the register (who, what, when), newest first. A token limited to a
    system sees that system's entries only."""
    return register.audit_log(system=who.system, limit=limit)


# -- pages -------------------------------------------------------------------------------------


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def _page_user(request: Request, register: Register, role: Role = "reader") -> Principal:
    """The caller of a page, by the token in the login cookie."""
    return _authenticate(register, request.cookies.get(COOKIE), role)


def _guarded(request: Request, register: Register, render: Any) -> Response:
    """Render a page for its caller, or send them to log in / tell them why not."""
    try:
        who = _page_user(request, register)
        return render(who)  # type: ignore[no-any-return]
    except ApiError as err:
        if err.status == 401:
            target = quote(
                str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
            )
            return RedirectResponse(f"/register/login?next={target}", status_code=303)
        return _page("register_error.html", err.status, error=err.body(), user=None)


@pages.get("", response_class=HTMLResponse)
def index_page(request: Request, register: RegisterDep) -> Response:
    """Systems and places, with links to each."""

    def render(who: Principal) -> Response:
        return _page(
            "register_index.html",
            user=who,
            systems=register.systems(system=who.system),
            places=register.places(system=who.system),
        )

    return _guarded(request, register, render)


@pages.get("/systems/{system}", response_class=HTMLResponse)
def system_page(
    request: Request, system: str, register: RegisterDep, service: ServiceDep
) -> Response:
    """The system matrix and its checks."""

    def render(who: Principal) -> Response:
        if not who.covers(system):
            raise _forbidden_system(who, system)
        try:
            view = register.system(system)
        except NotInRegister as err:
            raise _not_found(err) from None
        return _page(
            "register_system.html", user=who, view=view, rules=_rules(service, view["matrix"])
        )

    return _guarded(request, register, render)


@pages.get("/places/{place}", response_class=HTMLResponse)
def place_page(request: Request, place: str, register: RegisterDep) -> Response:
    """A place's history: each assessment and what changed."""

    def render(who: Principal) -> Response:
        _place_system(register, who, place)
        entry = register.place(place)
        report = register.report(place)
        return _page("register_place.html", user=who, entry=entry, report=report)

    return _guarded(request, register, render)


@pages.get("/calendar", response_class=HTMLResponse)
def calendar_page(
    request: Request,
    register: RegisterDep,
    service: ServiceDep,
    months: Annotated[int, Query(ge=1, le=120)] = 12,
    as_of: Annotated[str | None, Query(pattern=DATE_PATTERN)] = None,
) -> Response:
    """The criteria coming due, by month."""

    def render(who: Principal) -> Response:
        date = query_date(as_of) or dt.date.today()
        items = register.calendar(
            evaluator(service.engine), as_of=date, months=months, system=who.system
        )
        return _page(
            "register_calendar.html", user=who, items=items, months=months, as_of=date.isoformat()
        )

    return _guarded(request, register, render)


@pages.get("/login", response_class=HTMLResponse)
def login_page(next: str = "/register") -> HTMLResponse:
    """The form that takes a token."""
    return _page("register_login.html", next=_local(next), error=None, user=None)


def _local(target: str) -> str:
    """Only paths of this register's pages are followed after logging in."""
    return target if target.startswith("/register") and "//" not in target else "/register"


@pages.post("/login", response_class=HTMLResponse)
async def login(request: Request, register: RegisterDep) -> Response:
    """Check the token; on success keep it in an HTTP-only cookie and go on."""
    async with request.form(max_files=0, max_fields=4) as form:
        token = str(form.get("token") or "").strip()
        target = _local(str(form.get("next") or "/register"))
    try:
        who = await run_in_threadpool(_authenticate, register, token, "reader")
    except ApiError as err:
        return _page("register_login.html", err.status, next=target, error=err.message, user=None)
    answer = RedirectResponse(target, status_code=303)
    if who.name != ANONYMOUS:
        answer.set_cookie(
            COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/register",
        )
    return answer


@pages.post("/logout")
def logout() -> Response:
    """Forget the token."""
    answer = RedirectResponse("/register/login", status_code=303)
    answer.delete_cookie(COOKIE, path="/register")
    return answer
