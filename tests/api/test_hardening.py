"""What hostile or careless clients found, answered: headers, HEAD, nulls, vacuous verdicts,
lint bounds, lone surrogates, and the security headers of every answer."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from govrules.api import Settings
from govrules.api import create_app
from govrules.api import service as service_module
from govrules.models import SPEC_EXAMPLE

GOOD: dict[str, Any] = {"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30"}


def test_headers_over_16_kib_are_refused_with_431(client: TestClient) -> None:
    r = client.get("/healthz", headers={"x-filler": "a" * (64 * 1024)})
    assert r.status_code == 431 and r.json()["code"] == "headers_too_large"
    assert client.get("/healthz", headers={"x-filler": "a" * 1024}).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/v1/rulesets", "/", "/openapi.json"])
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_null_as_of_and_rulesets_mean_the_defaults(client: TestClient) -> None:
    r = client.post(
        "/v1/assessments", json={"declaration": SPEC_EXAMPLE, "as_of": None, "rulesets": None}
    )
    assert r.status_code == 200, r.text
    assert r.json()["as_of"] == time.strftime("%Y-%m-%d")


@pytest.mark.parametrize(
    "names", [["good-practice-2022"], ["provider-collaboratives-2022"]], ids=["should", "kind"]
)
def test_rulesets_without_a_must_rule_give_no_vacuous_verdict(
    client: TestClient, names: list[str]
) -> None:
    r = client.post("/v1/assessments", json={**GOOD, "rulesets": names})
    assert r.status_code == 422 and r.json()["code"] == "no_must_rules"
    assert "national-2022" in r.json()["message"]


def test_security_headers_on_every_answer(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    api = client.post("/v1/assessments", json=GOOD)
    assert api.headers["x-content-type-options"] == "nosniff"
    refused = client.post("/v1/assessments", content=b"{" * 10, headers={"content-length": "9"})
    assert refused.headers.get("x-content-type-options") == "nosniff"


def test_a_lone_surrogate_in_a_json_key_or_value_is_a_400(client: TestClient) -> None:
    for body in ('{"declaration": {}, "\\ud800": 1}', '{"source": "\\udc00"}'):
        path = "/v1/lint" if "source" in body else "/v1/assessments"
        r = client.post(path, content=body, headers={"content-type": "application/json"})
        assert r.status_code == 400, r.text
        assert "surrogate" in r.json()["errors"][0]["message"]


def test_lint_refuses_more_than_its_limit_at_once() -> None:
    app = create_app(Settings(engine="python", max_lint_bytes=4096))
    with TestClient(app) as client:
        big = 'ruleset "x" version "1"\n' + "# filler\n" * 1000
        r = client.post("/v1/lint", json={"source": big})
        assert r.status_code == 413 and "govrules lint" in r.json()["message"]


def test_lint_stops_at_its_deadline_with_a_diagnostic() -> None:
    app = create_app(Settings(engine="python", lint_timeout=0.000001))
    rule = (
        'rule R-{n} {{\n title "t"\n severity must\n require place.population > {n}\n'
        ' cite "004" section "s" "x"\n explain "e"\n remedy "r"\n}}\n'
    )
    text = 'ruleset "x" version "1"\nsource "004" "x"\n' + "".join(
        rule.format(n=n) for n in range(20)
    )
    with TestClient(app) as client:
        r = client.post("/v1/lint", json={"source": text})
    assert r.status_code == 200
    assert r.json()["diagnostics"][-1]["code"] == "check_timeout"


def test_a_mebibyte_of_rule_text_is_answered_within_the_lint_deadline(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lets = "".join(f"    let v{i} = place.population + {i}\n" for i in range(30_000))
    text = 'ruleset "x" version "1"\nrule R-1 {\n' + lets + "}\n"
    body = json.dumps({"source": text[: 1 << 20]})
    budgets: list[float | None] = []  # seconds each check of the text was given
    check = service_module.load_sources

    def recording(sources: Any, *args: Any, deadline: float | None = None, **kw: Any) -> Any:
        budgets.append(None if deadline is None else deadline - time.monotonic())
        return check(sources, *args, deadline=deadline, **kw)

    monkeypatch.setattr(service_module, "load_sources", recording)
    r = client.post("/v1/lint", content=body, headers={"content-type": "application/json"})
    assert r.status_code in (200, 413)
    if r.status_code == 413:
        assert budgets == []  # refused by size, before any checking
    # Any checking runs under the lint deadline (4 s by default), so the answer comes within
    # five seconds however loaded the machine: the deadline bounds it, not the checker's speed.
    lint_timeout = client.app.state.settings.lint_timeout  # type: ignore[attr-defined]
    assert all(left is not None and left <= lint_timeout for left in budgets)


def test_server_paths_are_never_shown(tmp_path: Any) -> None:
    local = tmp_path / "local"
    local.mkdir()
    (local / "north.gr").write_text(
        'ruleset "north" version "1"\n'
        'override param place_governance_due: date = 2023-06-30 because "agreed"\n'
    )
    from support import ROOT

    app = create_app(
        Settings(engine="python", rules=(str(ROOT / "rules" / "national"), str(local)))
    )
    with TestClient(app) as client:
        report = client.post("/v1/assessments", json=GOOD).json()
        text = json.dumps(report)
        assert str(tmp_path) not in text and str(ROOT) not in text
        (override,) = [o for r in report["rulesets"] for o in r.get("overrides", [])]
        assert override["file"] == "local/north.gr"
        assert override["previous_file"] == "rules/national/place-governance.gr"
        incompatible = client.post("/v1/assessments", json={**GOOD, "rulesets": ["north"]})
        assert incompatible.status_code == 422
        assert str(tmp_path) not in incompatible.text and "local/north.gr" in incompatible.text


def test_the_report_carries_the_declaration_digest_and_the_version(client: TestClient) -> None:
    report = client.post("/v1/assessments", json=GOOD).json()
    assert report["declaration"]["sha256"].startswith("sha256:")
    assert report["govrules_version"]
    decl = copy.deepcopy(SPEC_EXAMPLE)
    decl["place"]["name"] = "Other"
    other = client.post("/v1/assessments", json={**GOOD, "declaration": decl}).json()
    assert other["declaration"]["sha256"] != report["declaration"]["sha256"]
