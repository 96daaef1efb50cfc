"""``govrules diff``: rules and parameters compared by meaning; the impact on declarations."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from govrules.cli import main
from govrules.evaluator import load_rulesets
from govrules.rule_diff import diff_programs
from govrules.rule_diff import load_side
from support import HEADER
from support import rule

ROOT = Path(__file__).resolve().parents[2]
NATIONAL = ROOT / "rules" / "national"

OLD = (
    HEADER
    + 'param needed: number = 1 because "one is enough"\n'
    + rule("D-1", "count(accountable_persons) >= needed")
    + rule("D-2", "governance.decision_making.documented == true")
    + rule("D-3", "true")
)


def _programs(tmp_path: Path, new: str) -> tuple[Path, Path]:
    (tmp_path / "old").mkdir()
    (tmp_path / "new").mkdir()
    (tmp_path / "old" / "r.gr").write_text(OLD)
    (tmp_path / "new" / "r.gr").write_text(new)
    return tmp_path / "old", tmp_path / "new"


def test_layout_and_comments_are_no_change(tmp_path: Path) -> None:
    relaid = "# a comment\n" + OLD.replace(" severity must", "\n    severity  must").replace(
        "due 2023-04-01\n", "due 2023-04-01  # why\n"
    )
    old, new = _programs(tmp_path, relaid)
    assert diff_programs(load_rulesets([old]), load_rulesets([new])).empty


def test_rules_added_removed_and_changed_clause_by_clause(tmp_path: Path) -> None:
    new_text = (
        OLD.replace("documented == true", "documented == true and true")
        .replace('"D-2 title"', '"D-2 new title"')
        .replace(rule("D-3", "true"), rule("D-4", "true"))
        .replace('because "one is enough"', 'because "two are needed"')
        .replace("needed: number = 1", "needed: number = 2")
    )
    old, new = _programs(tmp_path, new_text)
    d = diff_programs(load_rulesets([old]), load_rulesets([new]))
    assert [(r.rule, r.kind) for r in d.rules] == [
        ("D-2", "changed"),
        ("D-3", "removed"),
        ("D-4", "added"),
    ]
    changed = {c.clause: (c.old, c.new) for c in d.rules[0].clauses}
    assert changed == {
        "title": ("D-2 title", "D-2 new title"),
        "require": (
            "governance.decision_making.documented == true",
            "governance.decision_making.documented == true and true",
        ),
    }
    (p,) = d.params
    assert (p.name, p.old, p.new, p.used_by) == ("needed", "number = 1", "number = 2", ("D-1",))


def test_impact_per_declaration_and_per_rule(tmp_path: Path) -> None:
    old, new = _programs(tmp_path, OLD.replace("needed: number = 1", "needed: number = 2"))
    result = CliRunner().invoke(
        main,
        [
            "diff",
            str(old),
            str(new),
            "--declarations",
            str(ROOT / "examples"),
            "--as-of",
            "2023-09-30",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    summary = {(s["rule"], s["old"], s["new"]): s["count"] for s in doc["impact"]["summary"]}
    # Of the nine places, six name one accountable person, Kingsmere and Riverside two, and
    # Wandlebury none; the three provider collaboratives are not checked by place rules.
    assert summary == {("D-1", "pass", "fail"): 6}
    assert all(s["kind"] == "place" for s in doc["impact"]["summary"])
    changed = [d["name"] for d in doc["impact"]["declarations"] if d["changes"]]
    assert "Northshire" in changed and "Kingsmere" not in changed and len(changed) == 6


def test_moving_the_place_governance_deadline_shows_its_impact(tmp_path: Path) -> None:
    moved = tmp_path / "national"
    shutil.copytree(NATIONAL, moved)
    gr = moved / "place-governance.gr"
    gr.write_text(
        gr.read_text().replace(
            "param place_governance_due: date = 2023-04-01",
            "param place_governance_due: date = 2023-10-01",
        )
    )
    result = CliRunner().invoke(
        main,
        [
            "diff",
            "national-2022",
            str(moved),
            "--declarations",
            str(ROOT / "examples"),
            "--as-of",
            "2023-09-30",
        ],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "~ place_governance_due: date = 2023-04-01 → date = 2023-10-01" in out
    assert "SAP-4: 3 places fail → not_yet_due" in out
    assert "kingsmere.yaml (Kingsmere):" in out and "compliant: no → yes" in out
    md = (
        CliRunner()
        .invoke(
            main,
            [
                "diff",
                "national-2022",
                str(moved),
                "--declarations",
                str(ROOT / "examples"),
                "--as-of",
                "2023-09-30",
                "--format",
                "markdown",
            ],
        )
        .output
    )
    assert "| SAP-4 | fail → not_yet_due | 3 places |" in md
    assert "| changed | `place_governance_due` |" in md


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_old_rules_from_a_git_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "rules").mkdir(parents=True)
    (repo / "rules" / "r.gr").write_text(OLD)

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "rules")
    (repo / "rules" / "r.gr").write_text(OLD.replace("needed: number = 1", "needed: number = 3"))
    result = CliRunner().invoke(main, ["diff", "--old-rev", "HEAD", str(repo / "rules")])
    assert result.exit_code == 0, result.output
    assert "needed: number = 1 → number = 3" in result.output
    assert "HEAD:" in result.output
    bad = CliRunner().invoke(main, ["diff", "--old-rev", "no-such-rev", str(repo / "rules")])
    assert bad.exit_code == 2 and "git" in bad.output


def test_usage_errors() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["diff", "national-2022"]).exit_code == 2
    unknown = runner.invoke(main, ["diff", "national-2022", "no-such-ruleset"])
    assert unknown.exit_code == 2 and "good-practice-2022" in unknown.output
    assert (
        runner.invoke(
            main, ["diff", "national-2022", "national-2022", "--as-of", "2023-01-01"]
        ).exit_code
        == 2
    )


def test_bundled_ruleset_names_load_only_their_own_files() -> None:
    assert {r.ruleset for r in load_side("national-2022").rules} == {"national-2022"}
    assert len(load_side("provider-collaboratives-2022").rules) == 10
