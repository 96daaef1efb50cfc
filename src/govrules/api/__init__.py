"""The govrules HTTP API (FastAPI): ``create_app()`` builds it, ``govrules serve`` runs it.

Endpoints (``docs/http-api.md``): ``POST /v1/assessments``, ``GET /v1/rulesets``,
``GET /v1/rulesets/{name}/rules``, ``POST /v1/lint``, ``GET /healthz``, plus the assessment page
at ``/``, the OpenAPI document at ``/openapi.json`` and interactive docs at ``/docs``.
"""

from .app import create_app as create_app
from .settings import Settings as Settings
from .settings import get_settings as get_settings

__all__ = ["Settings", "create_app", "get_settings"]
