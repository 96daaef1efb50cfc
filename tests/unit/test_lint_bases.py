"""Local rule files without traps: ``lint`` reads the bundled rulesets a file builds on, hints
name the right fix, and the order rule of ``--rules`` is what the docs say."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govrules.bases import needed_bases
from govrules.cli import main

ROOT = Path(__file__).resolve().parents[2]

HEADER = 'ruleset "northshire-local" version "1"\nsource "NS" "Northshire place agreement"\n'
OVERRIDE = (
    "override param place_governance_due: date = 2023-06-30\n"
    '    because "Northshire agreed a later date with the ICB"\n'
)
RULE = """
rule LOCAL-NS-1 {
    title "The place plan is published"
    severity should
    due place_governance_due
    applies when GOV-2 is applicable
    require shared_plan.published_on exists
    cite "NS" section "2" "the plan is published"
    explain "no plan"
    remedy "publish it"
}
"""


def run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def local(tmp_path: Path) -> Path:
    path = tmp_path / "my-local.gr"
    path.write_text(HEADER + OVERRIDE + RULE)
    return path


def test_lint_alone_reads_the_bundled_ruleset_a_local_file_overrides(local: Path) -> None:
    r = run("lint", str(local))
    assert r.exit_code == 0, r.output
    assert "read after national-2022" in r.output
    assert needed_bases([local]) == ["national-2022"]


def test_lint_of_bundled_files_needs_no_base() -> None:
    assert needed_bases(sorted((ROOT / "rules" / "national").glob("*.gr"))) == []
    r = run("lint", str(ROOT / "rules"))
    assert r.exit_code == 0 and "read after" not in r.output


def test_a_file_that_uses_nothing_bundled_has_no_base(tmp_path: Path) -> None:
    path = tmp_path / "own.gr"
    path.write_text(
        HEADER
        + RULE.replace("due place_governance_due\n", "").replace(
            "    applies when GOV-2 is applicable\n", ""
        )
    )
    assert needed_bases([path]) == []


def test_a_redefinition_without_override_is_a_duplicate_with_the_right_hint(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dup.gr"
    path.write_text(HEADER + OVERRIDE.replace("override ", "") + RULE)
    r = run("lint", "--base", "national-2022", str(path), "--format", "json")
    assert r.exit_code == 3
    (diag,) = json.loads(r.stdout)["diagnostics"]
    assert diag["code"] == "duplicate_parameter"
    assert "override param place_governance_due" in diag["hint"]


def test_a_misspelt_override_gets_a_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "typo.gr"
    path.write_text(
        HEADER
        + OVERRIDE.replace(
            "override param place_governance_due", "override param place_governance_dew"
        )
        + RULE
    )
    r = run("lint", str(path), "--format", "json")
    assert r.exit_code == 3
    (diag,) = json.loads(r.stdout)["diagnostics"]
    assert diag["code"] == "nothing_to_override"
    assert "place_governance_due" in diag["hint"] and "remove" not in diag["hint"]


def test_wrong_base_hint_names_the_bundled_ruleset(local: Path) -> None:
    r = run("lint", "--base", "good-practice-2022", str(local))
    assert r.exit_code == 3
    assert "nothing_to_override" in r.output
    assert "defined by the bundled ruleset national-2022" in r.output
    assert "--base national-2022" in r.output
    assert "remove 'override'" not in r.output


def test_rules_order_later_files_override_earlier_ones(local: Path) -> None:
    decl = str(ROOT / "examples" / "northshire.yaml")
    args = ("check", decl, "--as-of", "2023-09-30", "--engine", "python")
    good = run(*args, "--rules", "national-2022", "--rules", str(local))
    assert good.exit_code == 0, good.output
    assert "Parameter place_governance_due = 2023-06-30 (overridden in" in good.output
    wrong = run(*args, "--rules", str(local), "--rules", "national-2022")
    assert wrong.exit_code == 3
    assert "nothing_to_override" in wrong.output
    assert "which is read after this file: give that file first" in wrong.output
    assert "rules/national/place-governance.gr" in wrong.output


def test_a_wheel_install_names_the_bundled_rulesets_and_ships_the_starters(
    tmp_path: Path, local: Path
) -> None:
    pytest.importorskip("hatchling", reason="building the wheel needs hatchling (test extra)")
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp_path / "dist").glob("govrules-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    # Outside the checkout, with the wheel's files ahead of the editable install.
    env = {**os.environ, "PYTHONPATH": str(site)}
    work = tmp_path / "work"
    work.mkdir()
    script = (
        "import sys, govrules; assert govrules.__file__.startswith(sys.argv[1]), govrules.__file__;"
        "from govrules.cli import main; main(sys.argv[2:])"
    )

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, str(site), *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    decl = str(site / "govrules" / "examples" / "northshire.yaml")
    checked = cli(
        "check",
        decl,
        "--rules",
        "national-2022",
        "--rules",
        str(local),
        "--as-of",
        "2023-09-30",
        "--engine",
        "python",
    )
    assert checked.returncode == 0, checked.stderr
    assert "Rulesets: national-2022 2022.1, northshire-local 1" in checked.stdout
    linted = cli("lint", str(local))
    assert linted.returncode == 0, linted.stderr
    assert "read after national-2022" in linted.stdout
    started = cli("init", "p.yaml")
    assert started.returncode == 0, started.stderr
    assert cli("check", "p.yaml", "--engine", "python").returncode in (0, 1)
