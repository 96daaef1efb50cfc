"""``GET /healthz``."""

from __future__ import annotations

from fastapi import APIRouter

from ..schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="Liveness check")
def healthz() -> dict[str, str]:
    """Answers ``{"status": "ok"}`` while the server is serving."""
    return {"status": "ok"}
