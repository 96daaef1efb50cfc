"""FastAPI dependencies: the settings (``Depends(get_settings)``) and the shared service."""

from __future__ import annotations

from fastapi import Request

from .service import Service
from .settings import Settings
from .settings import get_settings

__all__ = ["get_service", "get_settings", "Settings"]


def get_service(request: Request) -> Service:
    """The application's :class:`Service`, built once by ``create_app``."""
    service: Service = request.app.state.service
    return service
