"""The register's HTTP routes on SQLite and PostgreSQL: answers, access control, audit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from govrules.api import Settings
from govrules.api import create_app
from govrules.register import Register

from .conftest import EXAMPLES
from .conftest import ROOT
from .conftest import place

YAML = {"content-type": "application/yaml"}


def body(doc: dict[str, Any], as_of: str = "2023-09-30") -> dict[str, Any]:
    return {"declaration": doc, "as_of": as_of}


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(engine="python", db=db_url))
    with TestClient(app, raise_server_exceptions=True) as c:
        yield c
    app.state.register.close()


@pytest.fixture
def tokens(db_url: str, client: TestClient) -> dict[str, str]:
    register = Register.open(db_url)
    made = {
        name: register.create_token(name, role, system, actor="setup")[1]
        for name, role, system in [
            ("reader", "reader", None),
            ("assessor", "assessor", None),
            ("admin", "admin", None),
            ("north-assessor", "assessor", "northshire-and-coast-ics"),
            ("north-admin", "admin", "northshire-and-coast-ics"),
            ("gone", "admin", None),
        ]
    }
    register.revoke_token("gone", actor="setup")
    register.close()
    return made


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_open_register_before_any_token(client: TestClient) -> None:
    r = client.post("/v1/places/northshire/declarations", json=body(place()))
    assert r.status_code == 201, r.text
    answer = r.json()
    assert set(answer) == {"place", "version", "sha256", "report"}
    assert (answer["place"], answer["version"]) == ("northshire", 1)
    assert answer["report"]["format"] == "govrules/report/v1"
    again = client.post("/v1/places/northshire/declarations", json=body(place()))
    assert again.status_code == 200 and again.json()["version"] == 1
    # The same declaration sent as YAML is the same content.
    raw = (EXAMPLES / "northshire.yaml").read_bytes()
    yaml_again = client.post(
        "/v1/places/northshire/declarations?as_of=2023-09-30", content=raw, headers=YAML
    )
    assert yaml_again.status_code == 200, yaml_again.text
    assert yaml_again.json()["sha256"] == answer["sha256"]
    assert client.get("/v1/audit").json()[0]["actor"] == "anonymous"


def test_place_routes(client: TestClient) -> None:
    client.post("/v1/places/northshire/declarations", json=body(place()))
    client.post(
        "/v1/places/northshire/declarations",
        json=body(place(**{"place.population": 1}), "2025-06-30"),
    )
    client.post("/v1/places/riverside/declarations", json=body(place("riverside")))
    listed = client.get("/v1/places").json()
    assert [p["place"] for p in listed] == ["northshire", "riverside"]
    assert set(listed[0]) == {"place", "name", "system", "version", "compliant", "assessed_at"}
    one = client.get("/v1/places/northshire").json()
    assert one["version"] == 2
    assert [h["version"] for h in one["history"]] == [2, 1]
    assert {"version", "submitted_at", "compliant", "by_severity"} <= set(one["history"][0])
    assert set(one["history"][0]["by_severity"]) == {"must", "should"}
    report = client.get("/v1/places/northshire/report").json()
    assert report["as_of"] == "2025-06-30"
    assert client.get("/v1/places/nowhere").status_code == 404
    systems = client.get("/v1/systems").json()
    assert {"system": "northshire-and-coast-ics", "places": ["northshire"]}.items() <= systems[
        1
    ].items()
    view = client.get("/v1/systems/northshire-and-coast-ics").json()
    assert set(view) >= {"system", "places", "matrix", "checks"}
    assert [c["check"] for c in view["checks"]] == ["SAP-7", "system-facts"]
    assert all(set(c) >= {"check", "status", "explanation"} for c in view["checks"])
    assert view["rules"][0]["severity"] == "must"
    assert client.get("/v1/systems/nowhere").status_code == 404
    due = client.get("/v1/calendar?months=18&as_of=2023-09-30").json()
    assert due and all(set(d) >= {"place", "rule", "due", "would_pass"} for d in due)
    assert client.get("/v1/calendar?months=0").status_code == 422


def test_the_declaration_must_be_for_the_place_in_the_path(client: TestClient) -> None:
    r = client.post("/v1/places/riverside/declarations", json=body(place()))
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {"path": "place.id", "message": "expected 'riverside' (the place in the path)"}
    ]
    bad = client.post(
        "/v1/places/northshire/declarations",
        content="format: govrules/place/v1\nplace:\n  population: yes\n",
        headers=YAML,
    )
    assert bad.status_code == 422 and any(
        e["path"] == "place.population" for e in bad.json()["errors"]
    )
    assert client.post("/v1/places/northshire/declarations", content="{").status_code == 400
    assert client.get("/v1/places").json() == []  # nothing stored


def test_tokens_roles_and_systems(client: TestClient, tokens: dict[str, str]) -> None:
    post = "/v1/places/northshire/declarations"
    assert client.get("/v1/places").status_code == 401
    r = client.get("/v1/places", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert client.get("/v1/places", headers=auth(tokens["gone"])).status_code == 401
    assert client.post(post, json=body(place()), headers=auth(tokens["reader"])).status_code == 403
    r = client.post(post, json=body(place()), headers=auth(tokens["north-assessor"]))
    assert r.status_code == 201, r.text
    # A system-limited token may not submit, read or change another system's places.
    other = client.post(
        "/v1/places/riverside/declarations",
        json=body(place("riverside")),
        headers=auth(tokens["north-assessor"]),
    )
    assert other.status_code == 403 and "limited to system" in other.json()["message"]
    assert (
        client.post(
            "/v1/places/riverside/declarations",
            json=body(place("riverside")),
            headers=auth(tokens["assessor"]),
        ).status_code
        == 201
    )
    north = auth(tokens["north-admin"])
    assert [p["place"] for p in client.get("/v1/places", headers=north).json()] == ["northshire"]
    assert client.get("/v1/places/riverside", headers=north).status_code == 403
    assert client.get("/v1/systems/broadwater-and-downs-ics", headers=north).status_code == 403
    assert [s["system"] for s in client.get("/v1/systems", headers=north).json()] == [
        "northshire-and-coast-ics"
    ]
    assert client.get("/v1/places", headers=auth(tokens["reader"])).status_code == 200
    assert client.get("/v1/audit", headers=auth(tokens["assessor"])).status_code == 403
    assert client.post("/v1/reassessments", headers=auth(tokens["assessor"])).status_code == 403
    # The audit log names the token; a system-limited admin sees its own system's entries.
    log = client.get("/v1/audit", headers=auth(tokens["admin"])).json()
    adds = [e for e in log if e["action"] == "declaration.add"]
    assert [(e["actor"], e["place"]) for e in adds] == [
        ("assessor", "riverside"),
        ("north-assessor", "northshire"),
    ]
    assert {e["system"] for e in client.get("/v1/audit", headers=north).json()} == {
        "northshire-and-coast-ics"
    }
    # The stateless endpoints stay open.
    assert client.get("/v1/rulesets").status_code == 200
    assert client.post("/v1/assessments", json=body(place())).status_code == 200


def test_reassessment_after_a_national_parameter_changes(
    db_url: str, client: TestClient, tmp_path: Path
) -> None:
    for name in ("northshire", "riverside"):
        client.post(f"/v1/places/{name}/declarations", json=body(place(name)))
    later = tmp_path / "later.gr"
    later.write_text(
        'ruleset "later" version "1"\n'
        "override param place_governance_due: date = 2024-04-01\n"
        '    because "the ICB board agreed a later date"\n'
    )
    changed = create_app(
        Settings(engine="python", db=db_url, rules=(str(ROOT / "rules"), str(later)))
    )
    with TestClient(changed) as c:
        r = c.post("/v1/reassessments", json={})
        assert r.status_code == 200, r.text
        changes = r.json()["changes"]
        assert {"place": "riverside", "rule": "SAP-2", "from": "fail", "to": "not_yet_due"} in (
            changes
        )
        assert all(set(ch) == {"place", "rule", "from", "to"} for ch in changes)
        assert c.post("/v1/reassessments", json={}).json()["changes"] == []
        subset = c.post("/v1/reassessments", json={"rulesets": ["national-2022"]})
        assert subset.status_code == 200, subset.text
        assert subset.json()["assessed"] == 2
        bad = c.post("/v1/reassessments", json={"rulesets": ["nope"]})
        assert bad.status_code == 404
        assert c.post("/v1/reassessments", json={"when": 1}).status_code == 422
    changed.state.register.close()


def test_openapi_documents_the_register(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/v1/places/{place}/declarations",
        "/v1/places",
        "/v1/places/{place}",
        "/v1/systems",
        "/v1/systems/{system}",
        "/v1/calendar",
        "/v1/reassessments",
        "/v1/audit",
    ):
        assert path in paths, path
        for operation in paths[path].values():
            assert "401" in operation["responses"], path
            lists = ("/v1/places", "/v1/systems", "/v1/calendar")
            assert ("403" in operation["responses"]) is (path not in lists), path
            assert operation["security"] == [{"HTTPBearer": []}, {}], path
    submit = paths["/v1/places/{place}/declarations"]["post"]
    assert {"200", "201", "422"} <= set(submit["responses"])
    example = submit["requestBody"]["content"]["application/json"]["examples"]["northshire"]
    assert example["value"]["declaration"]["place"]["id"] == "northshire"
    assert "HTTPBearer" in spec["components"]["securitySchemes"]


def test_register_routes_are_absent_without_a_database() -> None:
    with TestClient(create_app(Settings(engine="python"))) as c:
        assert c.get("/v1/places").status_code == 404
        assert "/v1/places" not in c.get("/openapi.json").json()["paths"]


def test_the_example_request_is_stored(client: TestClient) -> None:
    request = yaml.safe_load((EXAMPLES / "riverside.request.json").read_text())
    r = client.post("/v1/places/riverside/declarations", json=request)
    assert r.status_code == 201, r.text
