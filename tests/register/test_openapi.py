"""The register's routes against their own OpenAPI document: generated requests get documented
answers (schemathesis), and every documented answer is one the routes really give."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as oa_checks

from govrules.api import Settings
from govrules.api import create_app
from govrules.register import Register

from .conftest import place

REGISTER_PATHS = ("/v1/places", "/v1/systems", "/v1/calendar", "/v1/reassessments", "/v1/audit")


def _app(folder: Path, max_body_bytes: int = 256 * 1024) -> FastAPI:
    return create_app(
        Settings(
            engine="python",
            max_body_bytes=max_body_bytes,
            db=f"sqlite:///{folder / 'register.sqlite3'}",
        )
    )


# Built at import, as schemathesis needs the schema to parametrize the test; the register is
# a new SQLite file in a temporary folder.
APP = _app(Path(tempfile.mkdtemp(prefix="govrules-openapi-")))
# The submission's body is the one of POST /v1/assessments, which tests/api fuzzes already.
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", APP)
    .include(path_regex="^/v1/(places|systems|calendar|reassessments|audit)")
    .exclude(path_regex="/declarations$")
)


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_register_routes_conform_to_their_openapi(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(
        checks=[
            st_checks.not_a_server_error,
            oa_checks.status_code_conformance,
            oa_checks.content_type_conformance,
            oa_checks.response_schema_conformance,
            oa_checks.negative_data_rejection,
        ]
    )


def test_every_documented_status_is_real(tmp_path: Path) -> None:
    app = _app(tmp_path, max_body_bytes=64 * 1024)
    spec = app.openapi()
    documented = {
        (method.upper(), path, int(status))
        for path, ops in spec["paths"].items()
        if path.startswith(REGISTER_PATHS)
        for method, op in ops.items()
        for status in op["responses"]
    }
    good: dict[str, Any] = {"declaration": place(), "as_of": "2023-09-30"}
    big = b" " * (64 * 1024 + 1)
    submit = "/v1/places/northshire/declarations"
    long = "x" * 201
    # (method, path template, status): the request, and the token it needs.
    requests: dict[tuple[str, str, int], tuple[dict[str, Any], str | None]] = {
        ("POST", "/v1/places/{place}/declarations", 201): ({"url": submit, "json": good}, "a"),
        # The same content again (the dictionary keeps this order).
        ("POST", "/v1/places/{place}/declarations", 200): ({"url": submit, "json": good}, "a"),
        ("POST", "/v1/places/{place}/declarations", 400): ({"url": submit, "content": "{"}, "a"),
        ("POST", "/v1/places/{place}/declarations", 404): (
            {"url": submit, "json": {**good, "rulesets": ["nope"]}},
            "a",
        ),
        ("POST", "/v1/places/{place}/declarations", 413): ({"url": submit, "content": big}, "a"),
        ("POST", "/v1/places/{place}/declarations", 415): (
            {"url": submit, "content": "x", "headers": {"content-type": "image/png"}},
            "a",
        ),
        ("POST", "/v1/places/{place}/declarations", 422): (
            {"url": "/v1/places/elsewhere/declarations", "json": good},
            "a",
        ),
        ("GET", "/v1/places", 200): ({"url": "/v1/places"}, "r"),
        ("GET", "/v1/places/{place}", 200): ({"url": "/v1/places/northshire"}, "r"),
        ("GET", "/v1/places/{place}", 404): ({"url": "/v1/places/nowhere"}, "r"),
        ("GET", "/v1/places/{place}", 422): ({"url": f"/v1/places/{long}"}, "r"),
        ("GET", "/v1/places/{place}/report", 200): ({"url": "/v1/places/northshire/report"}, "r"),
        ("GET", "/v1/places/{place}/report", 404): ({"url": "/v1/places/nowhere/report"}, "r"),
        ("GET", "/v1/places/{place}/report", 422): ({"url": f"/v1/places/{long}/report"}, "r"),
        ("GET", "/v1/systems", 200): ({"url": "/v1/systems"}, "r"),
        ("GET", "/v1/systems/{system}", 200): (
            {"url": "/v1/systems/northshire-and-coast-ics"},
            "r",
        ),
        ("GET", "/v1/systems/{system}", 404): ({"url": "/v1/systems/nowhere"}, "r"),
        ("GET", "/v1/systems/{system}", 422): ({"url": f"/v1/systems/{long}"}, "r"),
        ("GET", "/v1/calendar", 200): ({"url": "/v1/calendar"}, "r"),
        ("GET", "/v1/calendar", 422): ({"url": "/v1/calendar?months=0"}, "r"),
        ("POST", "/v1/reassessments", 200): ({"url": "/v1/reassessments", "json": {}}, "d"),
        ("POST", "/v1/reassessments", 400): ({"url": "/v1/reassessments", "content": "{"}, "d"),
        ("POST", "/v1/reassessments", 404): (
            {"url": "/v1/reassessments", "json": {"rulesets": ["nope"]}},
            "d",
        ),
        ("POST", "/v1/reassessments", 415): (
            {"url": "/v1/reassessments", "content": "x", "headers": {"content-type": "image/png"}},
            "d",
        ),
        ("POST", "/v1/reassessments", 422): (
            {"url": "/v1/reassessments", "json": {"rulesets": "all"}},
            "d",
        ),
        ("GET", "/v1/audit", 200): ({"url": "/v1/audit"}, "d"),
        ("GET", "/v1/audit", 422): ({"url": "/v1/audit?limit=0"}, "d"),
    }
    lists = {("GET", "/v1/places"), ("GET", "/v1/systems"), ("GET", "/v1/calendar")}
    for (method, path, status), (request, _) in list(requests.items()):
        if status == 200:
            requests[(method, path, 401)] = (request, None)
            if (method, path) not in lists:
                # A reader's token limited to another system: the wrong role or system.
                requests[(method, path, 403)] = (request, "weak")
    live_only = {("POST", "/v1/places/{place}/declarations", 408)}
    assert documented == set(requests) | live_only
    with TestClient(app) as client:
        register: Register = app.state.register
        tokens = {
            key: register.create_token(name, role, None, actor="t")[1]
            for key, name, role in [
                ("r", "reader", "reader"),
                ("a", "assessor", "assessor"),
                ("d", "admin", "admin"),
            ]
        }
        tokens["weak"] = register.create_token("weak", "reader", "other-ics", actor="t")[1]
        for (method, _, status), (request, who) in requests.items():
            headers = dict(request.get("headers", {}))
            if who is not None:
                headers["Authorization"] = f"Bearer {tokens[who]}"
            r = client.request(method, **{**request, "headers": headers})
            assert r.status_code == status, (method, request["url"], status, r.text[:200])
    app.state.register.close()
