"""Errors are answers: every error class, and the server still healthy after each.

The client fixture re-raises server exceptions, so any input that reached the catch-all 500
handler fails its test.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from govrules.api import Settings
from govrules.api import create_app
from govrules.declaration import MAX_DEPTH
from govrules.models import SPEC_EXAMPLE
from support import parse_work

from .conftest import YAML

JSON = {"content-type": "application/json"}


@pytest.fixture(autouse=True)
def still_healthy(client: TestClient) -> Iterator[None]:
    yield
    assert client.get("/healthz").json() == {"status": "ok"}


def assert_error(r: Any, status: int, code: str) -> Any:
    """The JSON error body, after checking its status, shape and code."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    assert "Traceback" not in r.text
    return body


def test_invalid_declaration_names_every_bad_field(client: TestClient) -> None:
    decl = copy.deepcopy(SPEC_EXAMPLE)
    decl["place"]["population"] = True  # a boolean where a number belongs
    decl["place"]["id"] = "Not A Slug"
    del decl["system"]
    decl["colour"] = "blue"
    r = client.post("/v1/assessments", json={"declaration": decl, "as_of": "2023-06-30"})
    body = assert_error(r, 422, "invalid_declaration")
    paths = {e["path"] for e in body["errors"]}
    assert {"place.population", "place.id", "system", "colour"} <= paths
    population = next(e for e in body["errors"] if e["path"] == "place.population")
    assert "true" in population["message"] and population["line"] == 1


def test_invalid_yaml_declaration_has_lines(client: TestClient) -> None:
    text = "format: govrules/place/v1\nplace:\n  id: x\n  population: yes\n"
    r = client.post("/v1/assessments", content=text, headers=YAML)
    body = assert_error(r, 422, "invalid_declaration")
    pop = next(e for e in body["errors"] if e["path"] == "place.population")
    assert (pop["line"], pop["column"]) == (4, 15)


def test_invalid_wrapper_fields(client: TestClient) -> None:
    r = client.post(
        "/v1/assessments",
        json={"declaration": SPEC_EXAMPLE, "as_of": "2023-02-30", "rulesets": "x", "extra": 1},
    )
    body = assert_error(r, 422, "invalid_declaration")
    assert {e["path"] for e in body["errors"]} == {"as_of", "rulesets", "extra"}
    r = client.post("/v1/assessments", json={"as_of": "2023-06-30"})
    assert assert_error(r, 422, "invalid_declaration")["errors"][0]["path"] == "declaration"
    r = client.post("/v1/assessments", json=[1, 2])
    assert_error(r, 422, "invalid_declaration")
    # Given in both places, the query wins (the URL is what a caller changes last).
    r = client.post(
        "/v1/assessments?as_of=2023-09-30",
        json={"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30"},
    )
    assert r.status_code == 200 and r.json()["as_of"] == "2023-09-30"
    r = client.post("/v1/assessments?as_of=someday", json={"declaration": SPEC_EXAMPLE})
    assert_error(r, 422, "invalid_request")
    r = client.post("/v1/assessments", json={"declaration": SPEC_EXAMPLE, "rulesets": []})
    assert_error(r, 422, "invalid_request")


@pytest.mark.parametrize(
    ("text", "headers", "line", "column"),
    [
        ('{"declaration": {"place": }', JSON, 1, 27),
        ('{\n  "declaration": {"a": NaN}\n}', JSON, 2, 24),
        ('{"declaration": {"a": Infinity}}', JSON, 1, 23),
        ('{"declaration": {}, "declaration": {}}', JSON, 1, 21),
        ("", JSON, 1, 1),
        ("format: x\n  bad: [\n", YAML, 2, 6),
        ("a: 1\na: 2\n", YAML, 2, 1),
    ],
    ids=["json-syntax", "nan", "infinity", "duplicate-key", "empty", "yaml-syntax", "yaml-dup"],
)
def test_malformed_bodies_are_400_with_line_and_column(
    client: TestClient, text: str, headers: dict[str, str], line: int, column: int
) -> None:
    body = assert_error(
        client.post("/v1/assessments", content=text, headers=headers), 400, "malformed_body"
    )
    first = body["errors"][0]
    assert first["line"] == line
    assert isinstance(first["column"], int)


def test_not_utf8_is_400(client: TestClient) -> None:
    r = client.post("/v1/assessments", content=b'{"a": "\xff"}', headers=JSON)
    assert_error(r, 400, "malformed_body")


@pytest.mark.parametrize(
    ("text", "headers"),
    [
        ("[" * 200_000, JSON),  # each case is cut to 60 KiB, under the limit
        ('{"a":' * 10_000 + "1" + "}" * 10_000, JSON),
        ("- " * 20_000 + "x", YAML),
        ("{" * 30_000, YAML),
    ],
    ids=["json-brackets", "json-objects", "yaml-lists", "yaml-flow"],
)
def test_deep_nesting_is_refused_fast(
    client: TestClient, text: str, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with parse_work(monkeypatch) as work:
        r = client.post("/v1/assessments", content=text[: 60 * 1024], headers=headers)
    # Refused once the limit is reached: parsing stops within MAX_DEPTH levels, not after the
    # thousands in the body, and JSON never reaches the recursive json.loads.
    assert work.yaml_events <= 2 * MAX_DEPTH + 4
    assert work.json_parses == 0
    body = assert_error(r, 400, "malformed_body")
    assert "nested" in json.dumps(body)


def test_yaml_alias_bomb_is_refused_fast(client: TestClient) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    r = client.post("/v1/assessments", content="\n".join(lines), headers=YAML)
    body = assert_error(r, 400, "malformed_body")
    assert "aliases would add more than 10,000 values" in json.dumps(body)


def test_body_over_limit_is_413_before_parsing(client: TestClient) -> None:
    # Announced by Content-Length (the limit of the test app is 64 KiB).
    big = b"[" * (64 * 1024 + 1)
    assert_error(client.post("/v1/assessments", content=big, headers=JSON), 413, "body_too_large")

    # Streamed without a length: counted as it arrives.
    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b" " * 1024

    r = client.post("/v1/assessments", content=chunks(), headers=JSON)
    assert_error(r, 413, "body_too_large")
    assert_error(client.post("/v1/lint", content=big, headers=JSON), 413, "body_too_large")


def test_limit_is_configurable() -> None:
    app = create_app(Settings(engine="python", max_body_bytes=10))
    with TestClient(app) as c:
        assert c.post("/v1/lint", json={"source": ""}).status_code == 413
        assert c.get("/healthz").status_code == 200


def test_unknown_ruleset_is_404(client: TestClient) -> None:
    r = client.post("/v1/assessments", json={"declaration": SPEC_EXAMPLE, "rulesets": ["nope"]})
    body = assert_error(r, 404, "unknown_ruleset")
    assert body["errors"][0]["path"] == "rulesets[0]"
    assert_error(client.get("/v1/rulesets/nope/rules"), 404, "unknown_ruleset")


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_error(client.get("/v2/nothing"), 404, "not_found")
    r = client.get("/v1/assessments")
    assert_error(r, 405, "method_not_allowed")
    assert "POST" in r.headers["allow"]


def test_unsupported_media_type(client: TestClient) -> None:
    r = client.post("/v1/assessments", content="<x/>", headers={"content-type": "text/xml"})
    assert_error(r, 415, "unsupported_media_type")
    r = client.post("/v1/lint", content="source: x", headers=YAML)
    assert_error(r, 415, "unsupported_media_type")


def test_lint_request_errors(client: TestClient) -> None:
    body = assert_error(client.post("/v1/lint", json={"source": 3, "x": 1}), 422, "invalid_request")
    assert {e["path"] for e in body["errors"]} == {"source", "x"}
    assert_error(client.post("/v1/lint", json={}), 422, "invalid_request")
    assert_error(client.post("/v1/lint", json="text"), 422, "invalid_request")
    assert_error(
        client.post("/v1/lint", content='{"source": NaN}', headers=JSON), 400, "malformed_body"
    )


def test_catch_all_500_names_no_internals(python_app: FastAPI) -> None:
    app = create_app(Settings(engine="python"))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/boom")
        body = assert_error(r, 500, "internal_error")
        assert "secret" not in r.text and "RuntimeError" not in r.text
        assert body["errors"] == []
        assert c.get("/healthz").status_code == 200
