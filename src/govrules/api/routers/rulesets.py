"""``GET /v1/rulesets`` and ``GET /v1/rulesets/{name}/rules``."""

from __future__ import annotations

from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Path

from ..dependencies import get_service
from ..schemas import RuleList
from ..schemas import RulesetList
from ..service import Service
from ._responses import errors

router = APIRouter(prefix="/v1", tags=["rulesets"])


@router.get("/rulesets", response_model=RulesetList, summary="List the loaded rulesets")
def list_rulesets(service: Annotated[Service, Depends(get_service)]) -> dict[str, Any]:
    """Every ruleset the server loaded at start-up: name, version, digest and rule count."""
    return {"rulesets": service.rulesets()}


@router.get(
    "/rulesets/{name}/rules",
    response_model=RuleList,
    responses=errors(404),
    summary="List the rules of one ruleset",
)
def list_rules(
    name: Annotated[str, Path(description="Ruleset name, e.g. national-2022.")],
    service: Annotated[Service, Depends(get_service)],
) -> dict[str, Any]:
    """The rules of a ruleset in ID order: id, title, severity, due date, citation and the
    rule's source text."""
    return {"ruleset": name, "rules": service.rules(name)}
