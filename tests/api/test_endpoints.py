"""Every endpoint of the HTTP API (docs/http-api.md) through the TestClient: happy paths."""

from __future__ import annotations

import json
from typing import Any

import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

from govrules.cli import main
from govrules.models import SPEC_EXAMPLE

from .conftest import EXAMPLES
from .conftest import YAML


def cli_report(name: str, as_of: str) -> dict[str, Any]:
    """What ``govrules check --format json`` prints, with the API's ``source`` (null)."""
    result = CliRunner().invoke(
        main,
        ["check", str(EXAMPLES / name), "--as-of", as_of, "--format", "json", "--engine", "python"],
    )
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.stdout)
    report["declaration"]["source"] = None
    return report


def test_healthz(client: TestClient) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200, r.text
    assert r.json() == {"status": "ok"}


def test_yaml_assessment_is_the_cli_report(client: TestClient) -> None:
    for name, compliant in (("northshire.yaml", True), ("riverside.yaml", False)):
        body = (EXAMPLES / name).read_bytes()
        r = client.post("/v1/assessments?as_of=2023-09-30", content=body, headers=YAML)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/json"
        # The same document, byte for byte in key order: one serialiser.
        assert json.dumps(r.json()) == json.dumps(cli_report(name, "2023-09-30"))
        assert r.json()["compliant"] is compliant


def test_json_assessment_equals_yaml_assessment(client: TestClient) -> None:
    text = (EXAMPLES / "riverside.yaml").read_text()
    declaration = json.loads(json.dumps(yaml.safe_load(text), default=str))
    r_json = client.post(
        "/v1/assessments", json={"declaration": declaration, "as_of": "2023-09-30"}
    )
    r_yaml = client.post("/v1/assessments?as_of=2023-09-30", content=text, headers=YAML)
    assert r_json.status_code == 200, r_json.text
    assert r_json.json() == r_yaml.json()
    fail = [f for f in r_json.json()["findings"] if f["status"] == "fail"]
    assert fail and all(f["remedy"] and f["citation"] for f in fail)


def test_curl_style_form_content_type_is_read_as_json(client: TestClient) -> None:
    # ``curl -d @file.json`` sends application/x-www-form-urlencoded.
    body = json.dumps({"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30"})
    r = client.post(
        "/v1/assessments",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["declaration"]["place"] == "northshire"


def test_as_of_defaults_to_today(client: TestClient) -> None:
    import datetime as dt

    r = client.post("/v1/assessments", json={"declaration": SPEC_EXAMPLE})
    assert r.status_code == 200, r.text
    assert r.json()["as_of"] == dt.date.today().isoformat()


def test_choosing_rulesets(client: TestClient) -> None:
    r = client.post(
        "/v1/assessments",
        json={"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30", "rulesets": ["national-2022"]},
    )
    assert r.status_code == 200, r.text
    assert [x["name"] for x in r.json()["rulesets"]] == ["national-2022"]
    # Same query twice: the cached engine gives the same answer.
    again = client.post(
        "/v1/assessments?rulesets=national-2022&as_of=2023-06-30",
        content=yaml.safe_dump(SPEC_EXAMPLE),
        headers=YAML,
    )
    assert again.status_code == 200, again.text
    assert again.json() == r.json()


def test_list_rulesets(client: TestClient) -> None:
    r = client.get("/v1/rulesets")
    assert r.status_code == 200, r.text
    sets = {s["name"]: s for s in r.json()["rulesets"]}
    national = sets["national-2022"]
    assert national["digest"].startswith("sha256:")
    assert national["rule_count"] > 0
    assert set(national) == {"name", "version", "digest", "declaration_format", "rule_count"}


def test_list_rules_with_source_text(client: TestClient) -> None:
    r = client.get("/v1/rulesets/national-2022/rules")
    assert r.status_code == 200, r.text
    rules = r.json()["rules"]
    by_id = {x["id"]: x for x in rules}
    assert "SAP-1" in by_id
    sap1 = by_id["SAP-1"]
    assert set(sap1) == {"id", "title", "severity", "due", "citation", "source"}
    assert sap1["source"].startswith("rule SAP-1")
    assert sap1["severity"] in ("must", "should")
    counts = {s["name"]: s["rule_count"] for s in client.get("/v1/rulesets").json()["rulesets"]}
    assert len(rules) == counts["national-2022"]


def test_lint_clean_and_broken(client: TestClient) -> None:
    clean = client.post("/v1/lint", json={"source": 'ruleset "local" version "1"\n'})
    assert clean.status_code == 200, clean.text
    assert clean.json() == {"diagnostics": []}
    broken = client.post(
        "/v1/lint", json={"source": 'ruleset "local" version "1"\nrule X-1 {\n', "name": "l.gr"}
    )
    assert broken.status_code == 200, broken.text
    (diag,) = broken.json()["diagnostics"]
    assert {"line", "column", "code", "message"} <= set(diag)
    assert diag["file"] == "l.gr" and diag["line"] == 2


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {
        "/v1/assessments",
        "/v1/rulesets",
        "/v1/rulesets/{name}/rules",
        "/v1/lint",
        "/healthz",
    } <= set(paths)
    body = paths["/v1/assessments"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/yaml"} <= set(body)
    assert body["application/json"]["examples"]["northshire"]["value"]["declaration"] == (
        json.loads(json.dumps(SPEC_EXAMPLE))
    )
    assert spec["components"]["schemas"]["PlaceDeclaration"]["examples"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


def test_assessment_severity_and_only_filter_findings_not_the_verdict(
    client: TestClient,
) -> None:
    body = (EXAMPLES / "riverside.yaml").read_bytes()
    whole = client.post("/v1/assessments?as_of=2023-09-30", content=body, headers=YAML)
    assert whole.status_code == 200, whole.text
    r = client.post(
        "/v1/assessments?as_of=2023-09-30&severity=should&only=failing",
        content=body,
        headers=YAML,
    )
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["shown"] == {"severity": "should", "only": "failing"}
    for key in ("compliant", "summary", "by_severity"):
        assert doc[key] == whole.json()[key]
    assert {(f["severity"], f["status"]) for f in doc["findings"]} == {("should", "fail")}
    assert "shown" not in whole.json()


def test_assessment_bad_severity_is_422_and_openapi_shows_the_parameters(
    client: TestClient,
) -> None:
    body = (EXAMPLES / "northshire.yaml").read_bytes()
    for query in ("severity=may", "only=passing"):
        r = client.post(f"/v1/assessments?{query}", content=body, headers=YAML)
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "invalid_request"
    params = client.get("/openapi.json").json()["paths"]["/v1/assessments"]["post"]["parameters"]
    by_name = {p["name"]: p["schema"] for p in params}
    assert by_name["severity"]["enum"] == ["must", "should", "all"]
    assert by_name["only"]["enum"] == ["failing", "all"]


def test_the_assessment_answer_is_the_cli_report_whatever_the_serialiser() -> None:
    from govrules.api.routers._responses import json_bytes

    doc = {"a": "caf\u00e9", "n": 1e16, "lone": "x\ud800"}  # orjson refuses the surrogate
    assert json.loads(json_bytes(doc)) == doc
    assert json.loads(json_bytes({"a": "caf\u00e9"})) == {"a": "caf\u00e9"}
