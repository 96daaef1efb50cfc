"""durable_rules runs in a supervised worker process: a crash or a hang costs one evaluation.

The crash here is real: the guard that keeps numbers durable_rules cannot read away from it
(``lower.engine_safe``) is switched off, and a declaration whose budget lines hold 0.00001
pounds then makes durable_rules 2.0.28 segfault inside its C code, in the worker (the one input
fact, 1e-05 to durable, matches none of its rules).
"""

from __future__ import annotations

import copy
import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from govrules import Engine
from govrules import load_rulesets
from govrules import lower
from govrules.api import Settings
from govrules.api import create_app
from govrules.backends import durable_process
from govrules.backends.durable_backend import available as durable_available
from govrules.errors import EvaluationError
from support import ROOT

pytestmark = [
    pytest.mark.durable,
    pytest.mark.skipif(not durable_available()[0], reason="durable_rules unavailable"),
]

RULES = [ROOT / "tests" / "data" / "amount_rule.gr"]
NORTHSHIRE: dict[str, Any] = json.loads(
    json.dumps(yaml.safe_load((ROOT / "examples" / "northshire.yaml").read_text()), default=str)
)


def tiny_amounts() -> dict[str, Any]:
    doc = copy.deepcopy(NORTHSHIRE)
    for line in doc["finance"]["budget_lines"]:
        line["amount"] = 0.00001  # written 1e-05: no decimal point
    return doc


@pytest.fixture
def engine() -> Engine:
    return Engine(load_rulesets(RULES), "durable")


def test_a_number_durable_cannot_read_never_reaches_it(engine: Engine) -> None:
    report = engine.evaluate(tiny_amounts(), "2023-09-30")
    amt = next(f for f in report.findings if f.rule == "AMT-1")
    assert amt.status == "fail"  # decided on the Python side, no crash


def test_a_crash_in_durable_costs_one_evaluation(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = durable_process.shared()
    before = worker.restarts
    monkeypatch.setattr(lower, "engine_safe", lambda value: True)
    with pytest.raises(EvaluationError, match=r"crashed \(SIGSEGV\)"):
        engine.evaluate(tiny_amounts(), "2023-09-30")
    monkeypatch.undo()
    report = engine.evaluate(NORTHSHIRE, "2023-09-30")  # a new worker, the plans registered again
    assert report.compliant and report.engine == "durable"
    assert worker.restarts == before + 1


def test_a_worker_that_stops_answering_is_killed(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = durable_process.shared()
    engine.evaluate(NORTHSHIRE, "2023-09-30")
    pid = worker.pid
    assert pid is not None
    monkeypatch.setattr(durable_process, "ANSWER_TIMEOUT", 1.0)
    os.kill(pid, signal.SIGSTOP)  # as if durable_rules hung
    with pytest.raises(EvaluationError, match="did not answer in time"):
        engine.evaluate(NORTHSHIRE, "2023-09-30")
    monkeypatch.undo()
    assert engine.evaluate(NORTHSHIRE, "2023-09-30").compliant
    assert worker.pid not in (None, pid)


def test_a_server_survives_a_crashing_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(Settings(rules=tuple(str(p) for p in RULES), engine="durable"))
    body = {"declaration": tiny_amounts(), "as_of": "2023-09-30"}
    with TestClient(app, raise_server_exceptions=False) as client:
        monkeypatch.setattr(lower, "engine_safe", lambda value: True)
        crashed = client.post("/v1/assessments", json=body)
        monkeypatch.undo()
        assert crashed.status_code == 500
        assert crashed.json()["code"] == "evaluation_error"
        assert "crashed (SIGSEGV)" in crashed.json()["message"]
        assert client.get("/healthz").status_code == 200
        again = client.post("/v1/assessments", json=body)
        assert again.status_code == 200 and again.json()["engine"] == "durable"
        fine = client.post(
            "/v1/assessments", json={"declaration": NORTHSHIRE, "as_of": "2023-09-30"}
        )
        assert fine.status_code == 200 and fine.json()["compliant"]


def test_the_cli_reports_a_crash_with_exit_4(tmp_path: Path) -> None:
    import subprocess
    import sys

    declaration = tmp_path / "tiny.yaml"
    declaration.write_text(yaml.safe_dump(tiny_amounts()))
    script = (
        "import sys; from govrules import lower, cli; "
        "lower.engine_safe = lambda value: True; sys.exit(cli.main())"
    )
    args = ["check", str(declaration), "--engine", "durable", "--as-of", "2023-09-30"]
    for path in RULES:
        args += ["--rules", str(path)]
    run = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 4, run.stderr
    assert "crashed (SIGSEGV)" in run.stderr and "Traceback" not in run.stderr


def test_a_restarted_worker_is_sent_only_the_plans_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the long fuzz run: after a restart the worker was sent every plan any engine had
    ever registered (hundreds in a long-lived process), which took minutes; now only the plans
    an evaluation needs are sent, each when first used."""
    from govrules.backends import durable_backend

    worker = durable_process.DurableProcess()
    monkeypatch.setattr(durable_process, "shared", lambda: worker)
    try:
        national = Engine(load_rulesets(), "durable")  # both engines' plans registered
        local = Engine(load_rulesets(RULES), "durable")

        def plans(engine: Engine) -> set[str]:
            return {
                plan.name
                for fp in engine._formats.values()
                for plan, _ in fp.pack.cache[durable_backend._KEY][0]
            }

        assert plans(national) and plans(local) and not plans(national) & plans(local)
        sent: list[str] = []
        real_call = worker._call

        def recording(request: tuple[str, Any], timeout: float = 30.0) -> Any:
            if request[0] == "register":
                sent.extend(p.name for p in request[1])
            return real_call(request, timeout)

        worker.close()
        monkeypatch.setattr(worker, "_call", recording)
        assert local.evaluate(NORTHSHIRE, "2023-09-30").engine == "durable"
        assert set(sent) == plans(local)  # not the national engine's plans
    finally:
        worker.close()


@pytest.mark.parametrize(
    "require",
    [
        "999999999999999.0 * 100 >= 1",  # a float past 1e16, made in the rule
        "system.places * 999999999999999 * 999999999999999 >= 1",  # far past 2^53
        "count(accountable_persons) + 999999999999999 * 99999 >= 1",
    ],
)
def test_numbers_durable_cannot_compare_exactly_are_decided_in_python(
    tmp_path: Path, require: str
) -> None:
    path = tmp_path / "big.gr"
    path.write_text(
        'ruleset "big" version "1" for "govrules/place/v1"\n'
        'source "004" "NHS Providers briefing on the integration white paper"\n'
        "rule BIG-1 {\n"
        '    title "Big numbers" severity must due 2023-04-01\n'
        f"    require {require}\n"
        '    cite "004" section "Governance" "big numbers"\n'
        '    explain "not met"\n'
        '    remedy "none"\n'
        "}\n",
        encoding="utf-8",
    )
    program = load_rulesets([path])
    durable = Engine(program, "durable").evaluate(NORTHSHIRE, "2023-09-30")
    python = Engine(program, "python").evaluate(NORTHSHIRE, "2023-09-30")
    assert [f.to_json() for f in durable.findings] == [f.to_json() for f in python.findings]
    assert durable.findings[0].status == "pass"


def test_the_issues_literal_reproducer_is_a_located_diagnostic(tmp_path: Path) -> None:
    from govrules.errors import RuleError

    path = tmp_path / "big.gr"
    path.write_text(
        'ruleset "big" version "1" for "govrules/place/v1"\n'
        "rule BIG-1 {\n    require 10000000000000000.0 * 1 >= 1\n}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as caught:
        load_rulesets([path])
    assert "number_too_large" in {d.code for d in caught.value.diagnostics}
    assert caught.value.exit_code == 3
