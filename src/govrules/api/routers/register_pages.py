"""The register's pages for people: systems and places, the system matrix, a place's history and
the calendar, and logging in with a token (kept in an HTTP-only cookie).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi import Query
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.responses import RedirectResponse
from fastapi.responses import Response

from ...register import NotInRegister
from ...register import Register
from ...register.tokens import Role
from ..body import query_date
from ..problems import ApiError
from ._register_access import ANONYMOUS
from ._register_access import COOKIE
from ._register_access import Principal
from ._register_access import RegisterDep
from ._register_access import ServiceDep
from ._register_access import authenticate
from ._register_access import evaluator
from ._register_access import forbidden_system
from ._register_access import matrix_rules
from ._register_access import not_found
from ._register_access import place_system
from .pages import templates

pages = APIRouter(prefix="/register", include_in_schema=False)


def _page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def _page_user(request: Request, register: Register, role: Role = "reader") -> Principal:
    """The caller of a page, by the token in the login cookie."""
    return authenticate(register, request.cookies.get(COOKIE), role)


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
            raise forbidden_system(who, system)
        try:
            view = register.system(system)
        except NotInRegister as err:
            raise not_found(err) from None
        return _page(
            "register_system.html", user=who, view=view, rules=matrix_rules(service, view["matrix"])
        )

    return _guarded(request, register, render)


@pages.get("/places/{place}", response_class=HTMLResponse)
def place_page(request: Request, place: str, register: RegisterDep) -> Response:
    """A place's history: each assessment and what changed."""

    def render(who: Principal) -> Response:
        place_system(register, who, place)
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
    as_of: Annotated[str | None, Query(json_schema_extra={"format": "date"})] = None,
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
        who = await run_in_threadpool(authenticate, register, token, "reader")
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
