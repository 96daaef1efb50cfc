"""Who may use the register over HTTP: tokens, roles and system limits, and the helpers the
register's JSON routes and pages share.

Once any token exists, every register route needs ``Authorization: Bearer TOKEN`` (the pages
read the same token from a cookie): 401 without a valid token, 403 for a role or system it does
not hold. Before any token exists the register is open, and changes are recorded as made by
``anonymous``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated
from typing import Any

from fastapi import Depends
from fastapi import Path
from fastapi import Request
from fastapi.security import HTTPAuthorizationCredentials
from fastapi.security import HTTPBearer
from pydantic import BaseModel

from ...evaluator import Engine
from ...register import NotInRegister
from ...register import Register
from ...register.service import Evaluate
from ...register.tokens import RANK
from ...register.tokens import Role
from ..dependencies import get_service
from ..problems import ApiError
from ..service import Service

COOKIE = "govrules_token"
ANONYMOUS = "anonymous"
bearer = HTTPBearer(
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


def unauthorised(message: str) -> ApiError:
    """A 401 that asks for a bearer token."""
    return ApiError(
        401, "unauthorized", message, headers={"WWW-Authenticate": 'Bearer realm="govrules"'}
    )


def authenticate(register: Register, token: str | None, role: Role) -> Principal:
    """The caller holding ``token``, if it may act in ``role``; else 401 or 403."""
    if not register.has_tokens():
        return Principal(ANONYMOUS, "admin", None)
    if not token:
        raise unauthorised("this register needs a bearer token (Authorization: Bearer TOKEN)")
    found = register.authenticate(token)
    if found is None:
        raise unauthorised("the token is not valid: unknown, revoked or mistyped")
    if RANK[found.role] < RANK[role]:
        raise ApiError(
            403,
            "forbidden",
            f"the token {found.name!r} has the role {found.role}; this needs {role}",
        )
    return Principal(found.name, found.role, found.system)


def needs(role: Role) -> Any:
    """A dependency giving the caller, who must hold at least ``role``."""

    def dependency(
        register: Annotated[Register, Depends(get_register)],
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        return authenticate(register, credentials.credentials if credentials else None, role)

    return dependency


Reader = Annotated[Principal, Depends(needs("reader"))]
Assessor = Annotated[Principal, Depends(needs("assessor"))]
Admin = Annotated[Principal, Depends(needs("admin"))]
RegisterDep = Annotated[Register, Depends(get_register)]
ServiceDep = Annotated[Service, Depends(get_service)]
PlaceId = Annotated[str, Path(min_length=1, max_length=200, description="The place's `place.id`.")]
SystemId = Annotated[
    str, Path(min_length=1, max_length=200, description="The slug of the system's name.")
]


def forbidden_system(who: Principal, system: str | None) -> ApiError:
    """A 403 for a token limited to another system."""
    return ApiError(
        403,
        "forbidden",
        f"the token {who.name!r} is limited to system {who.system!r}, not {system!r}",
    )


def not_found(err: NotInRegister) -> ApiError:
    """A 404 from the register's own error."""
    return ApiError(404, "not_found", str(err))


def place_system(register: Register, who: Principal, place: str) -> str:
    """The system of ``place``, if the caller may see it; else 404 or 403."""
    try:
        system = register.place_system(place)
    except NotInRegister as err:
        raise not_found(err) from None
    if not who.covers(system):
        raise forbidden_system(who, system)
    return system


def evaluator(engine: Engine) -> Evaluate:
    """``engine`` as the register's ``evaluate(declaration, as_of, source)``."""

    def evaluate(declaration: BaseModel, as_of: dt.date, source: str | None) -> dict[str, Any]:
        return engine.evaluate(declaration, as_of, source=source).to_json()

    return evaluate


def matrix_rules(service: Service, matrix: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
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
