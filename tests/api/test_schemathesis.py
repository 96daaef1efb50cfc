"""Property-based tests of the served OpenAPI document with schemathesis.

Every operation gets a bounded number of generated requests (valid and invalid), and every
answer must be a documented status with a body matching its documented schema; no answer may
be a 500. A separate test checks the converse: every documented status is one the API really
gives.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as oa_checks

from govrules.api import Settings
from govrules.api import create_app
from govrules.models import SPEC_EXAMPLE

from .conftest import YAML

APP = create_app(Settings(engine="python", max_body_bytes=256 * 1024))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)

CHECKS = [
    st_checks.not_a_server_error,
    oa_checks.status_code_conformance,
    oa_checks.content_type_conformance,
    oa_checks.response_schema_conformance,
    oa_checks.negative_data_rejection,
]


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(checks=CHECKS)


def _statuses(app: FastAPI) -> set[tuple[str, str, int]]:
    spec = app.openapi()
    found = set()
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for status in op["responses"]:
                found.add((method.upper(), path, int(status)))
    return found


def test_every_documented_status_is_real() -> None:
    """One real request per documented (operation, status); 408 is shown against a live server
    (tests/api/test_serve.py) because the test client always delivers the whole body."""
    big = b" " * (256 * 1024 + 1)
    good: dict[str, Any] = {"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30"}
    requests: dict[tuple[str, str, int], dict[str, Any]] = {
        ("GET", "/healthz", 200): {"url": "/healthz"},
        ("GET", "/v1/rulesets", 200): {"url": "/v1/rulesets"},
        ("GET", "/v1/rulesets/{name}/rules", 200): {"url": "/v1/rulesets/national-2022/rules"},
        ("GET", "/v1/rulesets/{name}/rules", 404): {"url": "/v1/rulesets/nope/rules"},
        ("POST", "/v1/assessments", 200): {"url": "/v1/assessments", "json": good},
        ("POST", "/v1/assessments", 400): {"url": "/v1/assessments", "content": "{"},
        ("POST", "/v1/assessments", 404): {
            "url": "/v1/assessments",
            "json": {**good, "rulesets": ["nope"]},
        },
        ("POST", "/v1/assessments", 413): {"url": "/v1/assessments", "content": big},
        ("POST", "/v1/assessments", 415): {
            "url": "/v1/assessments",
            "content": "x",
            "headers": {"content-type": "image/png"},
        },
        ("POST", "/v1/assessments", 422): {
            "url": "/v1/assessments",
            "content": "format: govrules/place/v1\n",
            "headers": YAML,
        },
        ("POST", "/v1/lint", 200): {"url": "/v1/lint", "json": {"source": ""}},
        ("POST", "/v1/lint", 400): {"url": "/v1/lint", "content": "[[["},
        ("POST", "/v1/lint", 413): {"url": "/v1/lint", "content": big},
        ("POST", "/v1/lint", 415): {"url": "/v1/lint", "content": "x", "headers": YAML},
        ("POST", "/v1/lint", 422): {"url": "/v1/lint", "json": {}},
    }
    live_only = {("POST", "/v1/assessments", 408), ("POST", "/v1/lint", 408)}
    assert _statuses(APP) == set(requests) | live_only
    with TestClient(APP) as client:
        for (method, _, status), request in requests.items():
            r = client.request(method, **request)
            assert r.status_code == status, (request["url"], r.text)


@pytest.mark.parametrize("path", ["/v1/assessments", "/v1/lint"])
def test_request_examples_are_accepted(path: str) -> None:
    op = APP.openapi()["paths"][path]["post"]
    with TestClient(APP) as client:
        for media, content in op["requestBody"]["content"].items():
            for example in content["examples"].values():
                if media == "application/yaml":
                    import yaml

                    r = client.post(path, content=yaml.safe_dump(example["value"]), headers=YAML)
                else:
                    r = client.post(path, json=example["value"])
                assert r.status_code == 200, r.text
