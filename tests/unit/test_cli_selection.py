"""``check --severity`` and ``--only``: what is shown changes, the verdict and exit code do not."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govrules.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RIVERSIDE = str(EXAMPLES / "riverside.yaml")
NORTHSHIRE = str(EXAMPLES / "northshire.yaml")


def check(*args: str) -> Any:
    return CliRunner().invoke(
        main,
        ["check", "--as-of", "2023-09-30", "--engine", "python", *args],
        catch_exceptions=False,
    )


def test_json_must_failing_keeps_counts_and_says_what_is_shown() -> None:
    whole = json.loads(check(RIVERSIDE, "--format", "json").stdout)
    r = check(RIVERSIDE, "--format", "json", "--severity", "must", "--only", "failing")
    assert r.exit_code == 1
    shown = json.loads(r.stdout)
    assert shown["shown"] == {"severity": "must", "only": "failing"}
    for key in ("compliant", "summary", "by_severity"):
        assert shown[key] == whole[key]
    assert shown["findings"]
    assert all(f["severity"] == "must" and f["status"] == "fail" for f in shown["findings"])
    assert len(shown["findings"]) == whole["by_severity"]["must"]["fail"]
    assert "shown" not in whole


def test_compliant_place_stays_compliant_when_showing_should_failures() -> None:
    r = check(NORTHSHIRE, "--severity", "should", "--only", "failing")
    assert r.exit_code == 0, r.output
    assert "Result: COMPLIANT" in r.output
    assert "Shown: should findings that fail;" in r.output
    assert "Expectations (must)" not in r.output


def test_text_without_filter_has_no_note() -> None:
    r = check(NORTHSHIRE)
    assert r.exit_code == 0 and "Shown:" not in r.output


@pytest.mark.parametrize("fmt", ["html", "junit"])
def test_html_and_junit_say_what_was_left_out(fmt: str) -> None:
    r = check(RIVERSIDE, NORTHSHIRE, "--format", fmt, "--only", "failing", "--severity", "must")
    assert r.exit_code == 1
    if fmt == "html":
        assert r.stdout.count("Shown: must findings that fail;") == 2
        assert "PASS</span>" not in r.stdout
    else:
        root = ET.fromstring(r.stdout)
        for suite in root.iter("testsuite"):
            props = {p.get("name"): p.get("value") for p in suite.iter("property")}
            assert (props["shown.severity"], props["shown.only"]) == ("must", "failing")
        cases = list(root.iter("testcase"))
        assert cases and all(c.find("failure") is not None for c in cases)


@pytest.mark.parametrize(("option", "value"), [("--severity", "may"), ("--only", "passing")])
def test_bad_values_are_usage_errors(option: str, value: str) -> None:
    r = check(NORTHSHIRE, option, value)
    assert r.exit_code == 2
    assert "Invalid value" in r.output
