"""Coverage: statuses reached, and each operand of and/or/all/any seen deciding both ways."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from govrules.cli import main
from govrules.declaration import load_declaration
from govrules.errors import EvaluationError
from govrules.evaluator import Engine
from govrules.evaluator import load_rulesets
from govrules.rule_coverage import Coverage
from govrules.rule_coverage import RuleCoverage
from govrules.rule_coverage_report import coverage_json
from govrules.rule_coverage_report import coverage_text
from govrules.rule_coverage_report import totals
from govrules.ruletest import TestFileError
from govrules.ruletest import example_path
from govrules.ruletest_run import run_tests
from support import HEADER
from support import rule

DOC = "governance.decision_making.documented"
SYS = "governance.relationships_documented.system"
RULES = (
    HEADER
    + rule("C-1", f"{DOC} == true and {SYS} == true")
    + rule("C-2", f"{DOC} == true or {SYS} == true")
    + rule("C-3", 'all p in accountable_persons satisfy p.form == "dual_role"')
    + rule(
        "C-4",
        f"not ({DOC} == true and {SYS} == true)",
        extra='    applies when any la in local_authorities satisfy la.tier == "upper"\n',
    )
)


def _coverage(tmp_path: Path, cases: str, excuses: str = "") -> dict[str, RuleCoverage]:
    (tmp_path / "rules.gr").write_text(RULES)
    (tmp_path / "rules.test.yaml").write_text(
        "base: northshire\nas_of: 2023-09-30\ncases:\n" + textwrap.indent(cases, "  ") + excuses
    )
    run = run_tests([tmp_path], coverage=True)
    assert run.failed == 0, [f for r in run.results for f in r.failures]
    assert run.coverage is not None
    return {rc.rule: rc for rc in run.coverage.rules.values()}


def _ways(rc: RuleCoverage) -> list[set[bool]]:
    return [o.seen for c in rc.conditions for o in c.operands]


_BOTH_TRUE = "- name: both\n  expect: {C-1: pass, C-2: pass, C-3: pass, C-4: fail}\n"


def _case(name: str, expect: str, **changes: str) -> str:
    """One case in block style (paths with brackets cannot be flow-style keys)."""
    lines = [f"- name: {name}"]
    if changes:
        lines.append("  changes:")
        lines.extend(f"    {k.replace('__', '.')}: {v}" for k, v in changes.items())
    lines.append(f"  expect: {expect}")
    return "\n".join(lines) + "\n"


def test_operands_decide_an_and_only_when_the_others_are_true(tmp_path: Path) -> None:
    cov = _coverage(
        tmp_path,
        _BOTH_TRUE
        + _case("first false", "{C-1: fail, C-2: pass}", **{DOC: "false"})
        + _case("both false", "{C-1: fail, C-2: fail}", **{DOC: "false", SYS: "false"}),
    )
    # C-1 (and): both decided true; only the first decided false (never alone when both false)
    assert _ways(cov["C-1"]) == [{True, False}, {True}]
    # C-2 (or): decided only with the other false: the second decided true, both decided false
    assert _ways(cov["C-2"]) == [{False}, {True, False}]
    assert cov["C-1"].reached == {"pass", "fail"}
    assert cov["C-1"].statuses == ("pass", "fail", "not_yet_due")


def test_unknown_operands_decide_nothing(tmp_path: Path) -> None:
    cov = _coverage(
        tmp_path,
        _case(
            "the system relationship not declared",
            "{C-1: fail, C-2: pass}",
            governance__relationships_documented="!remove",
        ),
    )
    # The first operand is true but the second is unknown: neither decides C-1; in C-2 the
    # first is true and the other unknown, so it does not decide the 'or' either.
    assert _ways(cov["C-1"]) == [set(), set()]
    assert _ways(cov["C-2"]) == [set(), set()]


def test_quantifiers_decide_only_over_some_items(tmp_path: Path) -> None:
    cov = _coverage(
        tmp_path,
        _case("nobody named is vacuously true", "{C-3: pass}", accountable_persons="[]"),
    )
    assert _ways(cov["C-3"]) == [set()]
    cov = _coverage(
        tmp_path,
        _case("one dual role", "{C-3: pass}")
        + _case("another form", "{C-3: fail}", **{"accountable_persons[0].form": "other"}),
    )
    assert _ways(cov["C-3"]) == [{True, False}]


def test_conditions_under_not_and_in_applies_when_are_counted(tmp_path: Path) -> None:
    cov = _coverage(
        tmp_path,
        _BOTH_TRUE
        + _case(
            "no upper-tier council",
            "{C-4: not_applicable}",
            **{"local_authorities[0].tier": "unitary"},
        ),
    )
    conds = cov["C-4"].conditions
    assert [(c.kind, c.clause) for c in conds] == [("any", "applies when"), ("and", "require")]
    assert _ways(cov["C-4"]) == [{True, False}, {True}, {True}]
    assert cov["C-4"].reached == {"fail", "not_applicable"}


def test_only_rules_a_case_expects_something_of_are_counted(tmp_path: Path) -> None:
    cov = _coverage(tmp_path, "- name: C-1 only\n  expect: {C-1: pass}\n")
    assert cov["C-2"].reached == set() and _ways(cov["C-2"]) == [set(), set()]
    assert cov["C-1"].reached == {"pass"}


_EXCUSED = """\
unreachable:
  - {rule: C-1, status: not_yet_due, why: "tested elsewhere"}
  - {rule: C-1, condition: "governance.relationships_documented.system  == true", way: false,
     why: "not in this test"}
  - {rule: C-2, status: pass, why: "stale: it is reached"}
"""


def test_excused_points_leave_the_count_and_stale_excuses_are_named(tmp_path: Path) -> None:
    cov = _coverage(
        tmp_path,
        _BOTH_TRUE + f"- name: first false\n  changes: {{{DOC}: false}}\n  expect: {{C-1: fail}}\n",
        _EXCUSED,
    )
    rc = cov["C-1"]
    assert rc.excused == {"not_yet_due": "tested elsewhere"}
    assert rc.conditions[0].operands[1].excused == {False: "not in this test"}
    assert rc.points() == (7, 5, 2)  # 3 statuses + 4 operand ways; 5 seen, 2 excused
    program_cov = Coverage()
    program_cov.rules = {("f", k): v for k, v in cov.items()}
    text = coverage_text(program_cov)
    assert "C-2: pass is excused but reached" in text


@pytest.mark.parametrize(
    ("excuse", "words"),
    [
        ("{rule: C-9, status: fail, why: w}", "no rule C-9"),
        ("{rule: C-1, status: not_applicable, why: w}", "cannot be not_applicable at all"),
        ("{rule: C-1, condition: 'governance == true', why: w}", "no operand 'governance == true'"),
    ],
)
def test_excuses_that_match_nothing_are_errors(tmp_path: Path, excuse: str, words: str) -> None:
    with pytest.raises(TestFileError) as err:
        _coverage(tmp_path, _BOTH_TRUE, f"unreachable:\n  - {excuse}\n")
    assert words in err.value.render()
    assert "rules.test.yaml:" in err.value.render()


def test_gaps_are_listed_with_file_line_and_column(tmp_path: Path) -> None:
    cov = Coverage()
    (tmp_path / "rules.gr").write_text(RULES)
    cov.add_program(load_rulesets([tmp_path / "rules.gr"]))
    text = coverage_text(cov)
    gr = tmp_path / "rules.gr"
    assert f"{gr}:3: C-1 never seen pass" in text
    assert f"{gr}:5:13: operand '{DOC} == true' of this 'and' (in require)" in text
    assert totals(cov) == {"points": 29, "covered": 0, "excused": 0, "percent": 0.0}
    doc = coverage_json(cov)
    assert doc["rules"][0]["not_covered"][0].endswith("C-1 never seen pass")
    assert doc["rules"][2]["conditions"][0]["kind"] == "all"


def test_coverage_refuses_to_count_when_it_disagrees_with_the_engine(tmp_path: Path) -> None:
    (tmp_path / "rules.gr").write_text(RULES)
    program = load_rulesets([tmp_path / "rules.gr"])
    path = example_path("northshire")
    assert path is not None
    decl = load_declaration(path)
    report = Engine(program, "python").evaluate(decl, dt.date(2023, 9, 30))
    wrong = dataclasses.replace(
        report,
        findings=tuple(
            dataclasses.replace(f, status="fail") if f.rule == "C-1" else f for f in report.findings
        ),
    )
    with pytest.raises(EvaluationError, match="C-1"):
        Coverage().record(program, decl.model_dump(), dt.date(2023, 9, 30), wrong, {"C-1"})


def test_fail_under(tmp_path: Path) -> None:
    _coverage(tmp_path, _BOTH_TRUE)
    runner = CliRunner()
    low = runner.invoke(main, ["test", str(tmp_path), "--coverage", "--fail-under", "90"])
    assert low.exit_code == 1 and "is under --fail-under 90%" in low.output
    ok = runner.invoke(main, ["test", str(tmp_path), "--coverage", "--fail-under", "10"])
    assert ok.exit_code == 0, ok.output
