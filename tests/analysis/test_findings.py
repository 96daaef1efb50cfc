"""Each kind of finding, on small rule files written to have it; the counter-examples checked
with the interpreter, as a person would check them with ``govrules check``."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from govrules import Engine
from govrules.analysis import Finding
from govrules.analysis import analyze
from govrules.analysis.report import example_yaml
from govrules.analysis.report import explain
from govrules.analysis.report import patch
from govrules.cli import main
from govrules.evaluator import load_sources
from govrules.source import Source
from support import ROOT

HEAD = """ruleset "test" version "1"
source "T" "Test source"
"""


def rule(rid: str, body: str, severity: str = "must", note: str = "") -> str:
    return f"""{note}rule {rid} {{
    title "{rid}"
    severity {severity}
{body}
    cite "T" section "1" "text"
    explain "no"
    remedy "fix"
}}
"""


def run(*rules: str) -> list[Finding]:
    program = load_sources([Source(HEAD + "\n".join(rules), "test.gr")])
    result = analyze(program)
    explain(result, {r.id: r for r in program.rules})
    return result.findings


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((f.code, f.rule.id) for f in findings)


BASE = yaml.safe_load((ROOT / "examples" / "northshire.yaml").read_text(encoding="utf-8"))
ENGINE_CACHE: dict[str, Engine] = {}


def outcomes_of(finding: Finding, text: str) -> dict[str, str]:
    """The statuses the interpreter gives the example patch merged into Northshire."""
    assert finding.example is not None
    doc: dict[str, Any] = copy.deepcopy(BASE)
    for key, value in patch(finding).items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    program = load_sources([Source(HEAD + text, "test.gr")])
    report = Engine(program, "python").evaluate(doc, finding.example.as_of)
    out = {}
    for f in report.findings:
        status = f.status
        if status == "not_yet_due":
            status = "pass" if f.would_pass else "fail"
        out[f.rule] = status
    return out


def test_a_rule_that_can_never_pass_is_reported_with_a_failing_example() -> None:
    text = rule("T-1", "    require place.population > 10 and place.population < 5")
    (f,) = run(text)
    assert f.code == "never_pass" and f.rule.id == "T-1"
    assert (f.span.line, f.span.column) == (6, 13)
    assert f.headline().startswith("test.gr:6:13: never_pass: T-1 never passes")
    assert outcomes_of(f, text)["T-1"] == "fail"


def test_never_fail_and_never_apply() -> None:
    always = rule("T-1", "    require place.population exists or place.population is missing")
    never = rule("T-2", "    applies when system.places < 1\n    require system.places > 3")
    found = run(always, never)
    assert codes(found) == [("never_apply", "T-2"), ("never_fail", "T-1")]
    apply = next(f for f in found if f.code == "never_apply")
    assert apply.span.line == HEAD.count("\n") + len(always.split("\n")) + 4


def test_two_rules_that_contradict_are_reported_with_an_example_of_each_verdict() -> None:
    a = rule("T-1", '    require governance.model == "alliance"')
    b = rule("T-2", '    require governance.model == "place_board" or place.population < 0')
    (f,) = run(a, b)
    assert (f.code, f.rule.id, f.others) == ("contradiction", "T-2", ("T-1",))
    assert f.example is not None and sorted(f.example.outcomes.values()) == ["fail", "pass"]
    assert outcomes_of(f, a + b) == f.example.outcomes


def test_a_rule_implied_by_another_is_redundant() -> None:
    strong = rule(
        "T-1",
        "    require governance.decision_making.documented == true\n"
        "        and workforce.place_workforce_plan == true",
    )
    weak = rule("T-2", "    require governance.decision_making.documented == true", "should")
    (f,) = run(strong, weak)
    assert (f.code, f.rule.id, f.others) == ("redundant", "T-2", ("T-1",))
    assert outcomes_of(f, strong + weak) == {"T-1": "fail", "T-2": "fail"}
    # A must rule is never redundant beside a should rule: it decides compliance.
    assert (
        run(
            rule("T-1", strong.split("severity must\n")[1].split("\n")[0]),
            weak.replace("severity should", "severity must"),
        )
        != []
    )
    assert (
        run(
            strong.replace("severity must", "severity should"),
            weak.replace("severity should", "severity must"),
        )
        == []
    )


def test_a_value_no_rule_of_a_family_covers() -> None:
    a = rule(
        "T-1", '    applies when governance.model == "alliance"\n    require system.places > 1'
    )
    b = rule(
        "T-2",
        '    applies when governance.model != "alliance" and governance.model != "other"\n'
        "    require system.places > 1",
    )
    (f,) = run(a, b)
    assert f.code == "uncovered" and f.rule.id == "T-1"
    assert 'governance.model is "other"' in f.message
    assert outcomes_of(f, a + b) == {"T-1": "not_applicable", "T-2": "not_applicable"}


def test_constructs_the_solver_cannot_express_are_reported_not_skipped() -> None:
    (f,) = run(rule("T-1", '    require place.name < "M"'))
    assert f.code == "not_analysed"
    assert "ordering texts" in f.message and f.span.line == 6


def test_a_comment_in_the_rules_explains_a_finding() -> None:
    note = "# analyze: never_fail -- an exemption cannot fail\n"
    body = "    applies when system.places <= 1\n    require system.places <= 1"
    (f,) = run(rule("T-1", body, note=note))
    assert f.code == "never_fail" and f.explained == "an exemption cannot fail"
    (f,) = run(rule("T-1", body, note="# analyze: never_pass -- wrong code\n"))
    assert f.explained is None
    long = "# analyze: never_fail --\n#   an exemption\n#   cannot fail\n# other words\n"
    (f,) = run(rule("T-1", body, note=long))
    assert f.explained == "an exemption cannot fail"


def test_financial_years_and_month_shifts_are_analysed() -> None:
    text = rule(
        "T-1",
        "    require finance.years[0].year == financial_year(as_of - 15 months)\n"
        "        and finance.years[0].year > financial_year(as_of)",
    )
    (f,) = run(text)
    assert f.code == "never_pass"
    ok = rule(
        "T-2",
        "    require any y in finance.years satisfy y.year == financial_year(as_of - 1 year)",
    )
    assert run(ok) == []


def test_cli_reports_like_lint_and_writes_examples_as_yaml(tmp_path: Path) -> None:
    a = rule("T-1", '    require governance.model == "alliance"')
    b = rule("T-2", '    require governance.model == "joint_committee"')
    path = tmp_path / "t.gr"
    path.write_text(HEAD + a + b, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["analyze", str(path)])
    assert result.exit_code == 1, result.output
    assert f"{path}:" in result.output and ": contradiction: T-2 contradicts T-1" in result.output
    assert "analysed 2 of 2 rules" in result.output
    result = runner.invoke(main, ["analyze", "--example", "T-1", str(path)])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.output)
    assert doc["governance"]["model"] in ("alliance", "joint_committee")
    assert result.output.startswith("# " + str(path))
    result = runner.invoke(main, ["analyze", "--example", "T-9", str(path)])
    assert result.exit_code == 2 and "no rule has ID T-9" in result.output
    result = runner.invoke(main, ["analyze", "--format", "json", str(path)])
    assert '"code": "contradiction"' in result.output


def test_example_yaml_is_a_patch_for_the_rules_format() -> None:
    text = rule("T-1", "    require shared_plan.published_on < 1900-01-01")
    (f,) = run(text)
    out = example_yaml(f)
    assert "govrules/place/v1" in out
    assert yaml.safe_load(out).keys() == {"shared_plan"}
    assert isinstance(f.example is not None and f.example.as_of, dt.date)


@pytest.mark.parametrize("path", ["place-governance.gr"])
def test_rule_files_outside_a_folder_context_still_load(path: str) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["analyze", str(ROOT / "rules" / "national" / "workforce.gr")])
    assert result.exit_code == 3  # it uses a parameter of place-governance.gr
    assert "unknown_name" in result.output or "unknown_parameter" in result.output


def test_rules_that_need_longer_lists_are_checked_with_longer_lists() -> None:
    sectors = "good_practice.digital.information_sharing_sectors"
    four = '["primary_care", "community_health", "mental_health", "social_care"]'
    a = rule("T-1", f"    require all s in {four} satisfy s in {sectors}")
    b = rule("T-2", f"    require count({sectors}) <= 3")
    (f,) = run(a, b)
    assert (f.code, f.rule.id, f.others) == ("contradiction", "T-2", ("T-1",))
    assert f.example is not None
    assert (
        len(f.example.declaration["good_practice"]["digital"]["information_sharing_sectors"]) >= 4
    )
