"""The command line: exit codes, formats, and nothing written on invalid input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govrules.cli import main
from support import HEADER
from support import rule

RULES = (
    HEADER
    + rule("T-1", 'governance.model == "place_board"')
    + rule("T-2", "count(accountable_persons) == 1", due="2030-01-01")
)


@pytest.fixture
def files(tmp_path: Path, spec_example: dict[str, Any]) -> dict[str, Path]:
    (tmp_path / "rules.gr").write_text(RULES)
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(spec_example, sort_keys=False))
    spec_example["governance"]["model"] = "alliance"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(spec_example, default=str))
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(good.read_text().replace("tier: upper", "tier: county"))
    return {
        "rules": tmp_path / "rules.gr",
        "good": good,
        "bad": bad,
        "invalid": invalid,
        "dir": tmp_path,
    }


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_compliant_declaration_exits_0(files: dict[str, Path]) -> None:
    r = run(
        "check",
        str(files["good"]),
        "--rules",
        str(files["rules"]),
        "--as-of",
        "2023-09-30",
        "--engine",
        "python",
    )
    assert r.exit_code == 0, r.output
    assert "COMPLIANT" in r.output and "NOT YET DUE" in r.output


def test_non_compliant_declaration_exits_1_and_says_why(files: dict[str, Path]) -> None:
    r = run(
        "check",
        str(files["bad"]),
        "--rules",
        str(files["rules"]),
        "--as-of",
        "2023-09-30",
        "--engine",
        "python",
    )
    assert r.exit_code == 1, r.output
    assert "FAIL" in r.output and "T-1 failed" in r.output and "fix T-1" in r.output
    assert 'governance.model = "alliance"' in r.output


def test_json_for_several_declarations_is_an_array_in_argument_order(
    files: dict[str, Path],
) -> None:
    r = run(
        "check",
        str(files["bad"]),
        str(files["good"]),
        "--rules",
        str(files["rules"]),
        "--as-of",
        "2023-09-30",
        "--format",
        "json",
        "--engine",
        "python",
    )
    assert r.exit_code == 1
    docs = json.loads(r.output)
    assert [d["compliant"] for d in docs] == [False, True]
    assert docs[0]["format"] == "govrules/report/v1"
    assert docs[0]["summary"] == {"pass": 0, "fail": 1, "not_yet_due": 1, "not_applicable": 0}
    assert list(docs[0]) == [
        "format",
        "govrules_version",
        "as_of",
        "declaration",
        "rulesets",
        "engine",
        "compliant",
        "summary",
        "by_severity",
        "findings",
    ]
    assert docs[0]["declaration"]["source"] == str(files["bad"])


def test_invalid_declaration_exits_3_and_writes_nothing(files: dict[str, Path]) -> None:
    out = files["dir"] / "report.json"
    r = CliRunner().invoke(
        main,
        [
            "check",
            str(files["invalid"]),
            "--rules",
            str(files["rules"]),
            "--format",
            "json",
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 3
    assert "local_authorities[0].tier" in r.output and "county" in r.output
    assert not out.exists()


def test_an_invalid_file_in_a_batch_is_reported_beside_the_others(files: dict[str, Path]) -> None:
    out = files["dir"] / "report.json"
    r = CliRunner().invoke(
        main,
        [
            "check",
            str(files["good"]),
            str(files["invalid"]),
            "--rules",
            str(files["rules"]),
            "--format",
            "json",
            "-o",
            str(out),
            "--engine",
            "python",
        ],
    )
    assert r.exit_code == 3
    assert "local_authorities[0].tier" in r.output  # on stderr as well
    good, invalid = json.loads(out.read_text())
    assert good["format"] == "govrules/report/v1"
    assert invalid["declaration"] == {"source": str(files["invalid"])}
    assert invalid["errors"][0]["path"] == "local_authorities[0].tier"


def test_output_file_is_written_whole(files: dict[str, Path]) -> None:
    out = files["dir"] / "report.html"
    r = run(
        "check",
        str(files["good"]),
        "--rules",
        str(files["rules"]),
        "--as-of",
        "2023-09-30",
        "--format",
        "html",
        "-o",
        str(out),
        "--engine",
        "python",
    )
    assert r.exit_code == 0
    page = out.read_text()
    assert page.startswith("<!doctype html>") and "Compliant" in page and "<script" not in page
    assert not [p for p in files["dir"].iterdir() if p.name.startswith(".report.html")]


def test_junit_report(files: dict[str, Path]) -> None:
    r = run(
        "check",
        str(files["bad"]),
        "--rules",
        str(files["rules"]),
        "--as-of",
        "2023-09-30",
        "--format",
        "junit",
        "--engine",
        "python",
    )
    suite = ET.fromstring(r.output).find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("skipped") == "1"


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "x.yaml", "--format", "pdf"],
        ["check", "x.yaml", "--as-of", "30/09/2023"],
        ["nonsense"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert CliRunner().invoke(main, args).exit_code == 2


def test_missing_declaration_file_exits_3(files: dict[str, Path]) -> None:
    r = CliRunner().invoke(main, ["check", "nope.yaml", "--rules", str(files["rules"])])
    assert r.exit_code == 3 and "nope.yaml" in r.output


def test_broken_rule_file_exits_3_with_location(files: dict[str, Path]) -> None:
    broken = files["dir"] / "broken.gr"
    broken.write_text(HEADER + rule("T-1", "accountable_persons[0].nmae exists"))
    r = CliRunner().invoke(main, ["check", str(files["good"]), "--rules", str(broken)])
    assert r.exit_code == 3
    assert f"{broken}:5:36: unknown_field" in r.output and "did you mean 'name'" in r.output
    lint = CliRunner().invoke(main, ["lint", str(broken)])
    assert lint.exit_code == 3 and "^" in lint.output
    as_json = CliRunner().invoke(main, ["lint", "--format", "json", str(broken)])
    diag = json.loads(as_json.output)["diagnostics"][0]
    assert (diag["line"], diag["column"], diag["code"]) == (5, 36, "unknown_field")


def test_lint_clean_file(files: dict[str, Path]) -> None:
    r = run("lint", str(files["rules"]))
    assert r.exit_code == 0 and "ok: 2 rules" in r.output


def test_override_is_reported(files: dict[str, Path]) -> None:
    base = files["dir"] / "base.gr"
    base.write_text(
        HEADER
        + 'param t_due: date = 2023-04-01 because "default"\n'
        + rule("T-1", "true", due="t_due")
    )
    local = files["dir"] / "local.gr"
    local.write_text(
        'ruleset "local" version "1"\n'
        'override param t_due: date = 2024-04-01 because "our ICB agreed later"\n'
    )
    r = run(
        "check",
        str(files["good"]),
        "--rules",
        str(base),
        "--rules",
        str(local),
        "--as-of",
        "2023-09-30",
        "--format",
        "json",
        "--engine",
        "python",
    )
    doc = json.loads(r.output)
    assert doc["findings"][0]["status"] == "not_yet_due"
    override = doc["rulesets"][1]["overrides"][0]
    assert override["parameter"] == "t_due" and override["value"] == "2024-04-01"
    assert override["previous"] == "2023-04-01"


def test_rules_lists_json(files: dict[str, Path]) -> None:
    r = run("rules", "--rules", str(files["rules"]), "--format", "json")
    rules = json.loads(r.output)["rules"]
    assert [x["id"] for x in rules] == ["T-1", "T-2"]
    assert set(rules[0]) == {"id", "title", "severity", "due", "citation", "ruleset"}


def test_docs_writes_a_handbook_by_suffix(files: dict[str, Path]) -> None:
    out = files["dir"] / "handbook.md"
    r = run(
        "docs",
        "--rules",
        str(files["rules"]),
        "--example",
        str(files["good"]),
        "-o",
        str(out),
        "--as-of",
        "2023-09-30",
    )
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "T-1" in text and "good.yaml" in text
    bad = CliRunner().invoke(
        main, ["docs", "--rules", str(files["rules"]), "-o", str(files["dir"] / "handbook.txt")]
    )
    assert bad.exit_code == 2 and not (files["dir"] / "handbook.txt").exists()
