"""``govrules test``: test files, changes to a base declaration, results, formats, exit codes."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from govrules.cli import main
from govrules.ruletest import REMOVE
from govrules.ruletest import TestFileError
from govrules.ruletest import apply_change
from govrules.ruletest import load_test_file
from govrules.ruletest import split_path
from govrules.ruletest_run import run_tests
from support import HEADER
from support import rule

RULES = (
    HEADER
    + 'param needed: number = 1 because "a test"\n'
    + rule("T-1", "count(accountable_persons) >= needed")
    + rule(
        "T-2", "risk_management.agreed_on <= as_of", extra="    met on risk_management.agreed_on\n"
    )
)


def _write(folder: Path, tests: str, rules: str = RULES) -> Path:
    (folder / "rules.gr").write_text(rules)
    path = folder / "rules.test.yaml"
    path.write_text(textwrap.dedent(tests))
    return path


def test_paths_split_into_fields_and_indexes() -> None:
    assert split_path("a.b[2].c") == ["a", "b", 2, "c"]
    for bad in ("", "[0]", "a..b", "A.b", "a.[0]x", "a b"):
        assert split_path(bad) is None, bad


def test_changes_set_add_and_remove_fields_and_items() -> None:
    doc = {"a": {"b": [1, 2, 3]}}
    assert apply_change(doc, ["a", "b", 1], REMOVE) is None
    assert apply_change(doc, ["a", "b", 2], 9) is None  # one past the end adds an item
    assert apply_change(doc, ["a", "c", "d"], True) is None  # new groups are made on the way
    assert doc == {"a": {"b": [1, 3, 9], "c": {"d": True}}}
    assert apply_change(doc, ["a", "c"], REMOVE) is None
    assert doc == {"a": {"b": [1, 3, 9]}}
    assert "past the end" in str(apply_change(doc, ["a", "b", 7], 1))
    assert "no 'zz' to remove" in str(apply_change(doc, ["a", "zz"], REMOVE))
    assert "no item [5] to remove" in str(apply_change(doc, ["a", "b", 5], REMOVE))


def test_a_passing_and_a_failing_case(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        base: northshire
        as_of: 2023-09-30
        cases:
          - name: one person is enough
            expect: {T-1: pass, T-2: {status: pass, late: false}}
          - name: nobody named, and a wrong expectation
            changes:
              accountable_persons: []
              risk_management: !remove
            expect:
              T-1: pass
              T-2: {status: fail, explanation: "T-2 failed", late: true}
        """,
    )
    run = run_tests([path])
    assert [r.passed for r in run.results] == [True, False]
    failures = run.results[1].failures
    assert [(f.rule, f.check, f.expected, f.actual) for f in failures] == [
        ("T-1", "status", "pass", "fail"),
        ("T-2", "late", "met late", "not late"),
    ]
    assert failures[0].span.line == 11  # the expectation's own line


def test_parameters_can_be_set_for_one_case(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
        base: northshire
        as_of: 2023-09-30
        cases:
          - name: two people needed
            params: {needed: 2}
            expect: {T-1: fail}
          - name: the rules' own value
            expect: {T-1: pass}
        """,
    )
    assert run_tests([path]).failed == 0


@pytest.mark.parametrize(
    ("body", "where", "words"),
    [
        ("cases: []\nbogus: 1\n", (2, 1), "unknown key 'bogus'"),
        ("base: nothshire\nas_of: 2023-09-30\ncases: []\n", (1, 7), "did you mean 'northshire'"),
        ("as_of: 30/09/2023\ncases: []\n", (1, 8), "should be a date"),
        (
            "base: northshire\nas_of: 2023-09-30\ncases:\n  - name: x\n    expect: {T-1: passed}\n",
            (5, 19),
            "'passed' is not a status",
        ),
        (
            "base: northshire\nas_of: 2023-09-30\ncases:\n  - name: x\n    changes: {a..b: 1}\n"
            "    expect: {T-1: pass}\n",
            (5, 15),
            "not a path to a fact",
        ),
        ("cases:\n  - name: x\n", (2, 5), "this case has no 'base'"),
        ("cases: [\n", (2, 1), "not valid YAML"),
        (
            "cases: []\nunreachable:\n  - {rule: T-1, why: 'no reason'}\n",
            (3, 5),
            "either a 'status' or a 'condition'",
        ),
    ],
)
def test_invalid_test_files_are_located(
    tmp_path: Path, body: str, where: tuple[int, int], words: str
) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(TestFileError) as err:
        load_test_file(path)
    first = err.value.diagnostics[0]
    assert (first.span.line, first.span.column) == where, first.render()
    assert words in first.render()
    assert first.render().startswith(f"{path}:{where[0]}:{where[1]}: invalid_test_file:")


@pytest.mark.parametrize(
    ("case", "words"),
    [
        ("expect: {T-9: pass}", "no rule T-9"),
        ("params: {neded: 2}\n    expect: {T-1: pass}", "did you mean 'needed'"),
        ("params: {needed: yes}\n    expect: {T-1: pass}", "not a number value"),
        ("changes: {place.population: many}\n    expect: {T-1: pass}", "invalid declaration"),
        ("changes:\n      nowhere[0].x: 1\n    expect: {T-1: pass}", "no 'nowhere' to change"),
    ],
)
def test_cases_that_cannot_run_stop_everything(tmp_path: Path, case: str, words: str) -> None:
    path = _write(
        tmp_path,
        f"base: northshire\nas_of: 2023-09-30\ncases:\n  - name: c\n    {case}\n",
    )
    with pytest.raises(TestFileError) as err:
        run_tests([path])
    assert words in err.value.render()
    assert f"{path}:" in err.value.render()


_MIXED = """\
base: northshire
as_of: 2023-09-30
cases:
  - name: good
    expect: {T-1: pass}
  - name: bad
    expect: {T-1: {status: fail, explanation: "nothing like this"}}
"""


def test_cli_text_output_and_exit_codes(tmp_path: Path) -> None:
    path = _write(tmp_path, _MIXED)
    result = CliRunner().invoke(main, ["test", str(tmp_path)])
    assert result.exit_code == 1
    out = result.output
    assert f"{path} .F" in out
    assert "FAILURES" in out and f"{path}:6: bad" in out
    assert f"{path}:7:14: T-1: expected fail, got pass" in out
    assert 'does not contain "nothing like this"' in out
    assert "1 failed, 1 passed" in out
    path.write_text(
        _MIXED.replace("status: fail, explanation", "status: pass, explanation: Met, late")
    )
    assert CliRunner().invoke(main, ["test", str(path)]).exit_code == 3


def test_cli_json_and_junit(tmp_path: Path) -> None:
    _write(tmp_path, _MIXED)
    result = CliRunner().invoke(main, ["test", str(tmp_path), "--format", "json", "--coverage"])
    doc = json.loads(result.output)
    assert doc["format"] == "govrules/test-report/v1"
    assert (doc["passed"], doc["failed"]) == (1, 1)
    bad = doc["files"][0]["cases"][1]
    assert bad["outcome"] == "failed" and bad["failures"][0]["check"] == "status"
    assert {r["rule"] for r in doc["coverage"]["rules"]} == {"T-1", "T-2"}
    result = CliRunner().invoke(main, ["test", str(tmp_path), "--format", "junit"])
    suite = ET.fromstring(result.output).find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    assert [c.get("name") for c in suite.iter("testcase")] == ["good", "bad"]


def test_cli_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["test", str(tmp_path / "none")]).exit_code == 2
    assert runner.invoke(main, ["test", "--fail-under", "90", str(tmp_path)]).exit_code == 2
    (tmp_path / "rules.gr").write_text(RULES)
    assert runner.invoke(main, ["test", str(tmp_path)]).exit_code == 2  # no test files


def test_the_bundled_rules_ship_tests_that_pass() -> None:
    result = CliRunner().invoke(main, ["test", "--coverage", "--fail-under", "100"])
    assert result.exit_code == 0, result.output
    assert "failed" not in result.output.splitlines()[-1]
    assert "TOTAL 91 rules" in result.output and ": 100.0%" in result.output
