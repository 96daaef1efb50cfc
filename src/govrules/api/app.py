"""The FastAPI application: ``create_app()`` wires settings, the service, routers and handlers.

``uvicorn --factory govrules.api.app:create_app`` (what ``govrules serve --workers N`` runs in
each worker) builds the application from the ``GOVRULES_*`` environment variables.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi_offline import FastAPIOffline
from pydantic.json_schema import models_json_schema

from .. import __version__
from .guard import BodyGuard
from .guard import Hardening
from .problems import install_handlers
from .reference import router as reference_router
from .routers import assessments
from .routers import health
from .routers import lint
from .routers import pages
from .routers import rulesets
from .schemas import AssessmentRequest
from .schemas import LintRequest
from .service import Service
from .settings import Settings
from .settings import get_settings

#: The Swagger UI, and where its assets are served.
DOCS_URL = "/docs"
DOCS_ASSETS_URL = "/docs/assets"

DESCRIPTION = """\
Check place governance declarations against cited, dated rules.

`POST /v1/assessments` takes a declaration (JSON wrapped as `{"declaration": …}`, or a raw YAML
declaration with `Content-Type: application/yaml`) and answers with the `govrules/report/v1`
report, the same document `govrules check --format json` prints. Every error is JSON
`{"code", "message", "errors": [{"path", "message", "line"?, "column"?}]}`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application; rulesets are loaded and compiled here, once.

    Args:
        settings: Defaults to :func:`get_settings` (the ``GOVRULES_*`` environment).

    Raises:
        RuleError: A rule file does not load (the server must not start).
        UsageError: A rule path is missing, or a setting is invalid.
    """
    settings = settings or get_settings()
    # /docs (the Swagger UI) with its script, style sheet and icon served from this server, out
    # of the fastapi-offline package: FastAPI's own page loads them from a CDN, and is blank on
    # a network without one.
    app = FastAPIOffline(
        title="govrules",
        version=__version__,
        description=DESCRIPTION,
        docs_url=DOCS_URL,
        redoc_url=None,
        static_url=DOCS_ASSETS_URL,
    )
    app.state.settings = settings
    app.state.service = Service(settings)
    app.dependency_overrides[get_settings] = lambda: settings
    install_handlers(app)
    for module in (assessments, rulesets, lint, health, pages):
        app.include_router(module.router)
    app.include_router(reference_router)
    if settings.db:
        # The register (its routes need a database; the routes above never do).
        from ..register import Register
        from .routers import register

        app.state.register = Register.open(settings.db)
        app.include_router(register.router)
        app.include_router(register.pages)
    app.add_middleware(
        BodyGuard, max_body_bytes=settings.max_body_bytes, body_timeout=settings.body_timeout
    )
    # Outermost: its headers go on every answer, 413s included.
    app.add_middleware(Hardening, docs_path=DOCS_URL)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the schemas of the bodies our own loader reads."""
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    _, extra = models_json_schema(
        [(AssessmentRequest, "validation"), (LintRequest, "validation")],
        ref_template="#/components/schemas/{model}",
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, body in extra.get("$defs", {}).items():
        components.setdefault(name, body)
    # FastAPI documents a 422 of its own shape for every operation with parameters. Ours use
    # ErrorBody (declared where a 422 can happen); drop the generated ones that cannot happen.
    generated = "#/components/schemas/HTTPValidationError"
    for operations in schema["paths"].values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422", {})
            if generated in str(answer):
                del operation["responses"]["422"]
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    return schema
