"""Bundled rulesets can be named wherever a rule path is accepted, from any folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from govrules.cli import main
from govrules.errors import UsageError
from govrules.evaluator import bundled_rules_dir
from govrules.evaluator import load_rulesets
from govrules.evaluator import rule_files
from support import ROOT


def test_a_bundled_ruleset_is_named_by_its_header() -> None:
    files = rule_files(["national-2022"])
    assert files == sorted((bundled_rules_dir() / "national").glob("*.gr"))
    assert {i.name for i in load_rulesets(["national-2022"]).rulesets} == {"national-2022"}


def test_a_name_that_is_neither_a_path_nor_a_ruleset_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no such rule file"):
        rule_files(["national-2099"])


def test_names_resolve_to_the_package_not_to_a_copy_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A changed copy of the rules in the current folder must not stand in for the bundled one.
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    place = tmp_path / "rules" / "national" / "place-governance.gr"
    place.write_text(
        place.read_text().replace(
            "param place_governance_due: date = 2023-04-01",
            "param place_governance_due: date = 2023-10-01",
        )
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["diff", "national-2022", "rules/national"])
    assert result.exit_code == 0, result.output
    assert "place_governance_due: date = 2023-04-01 → date = 2023-10-01" in result.output
    checked = CliRunner().invoke(
        main,
        [
            "check",
            str(ROOT / "examples" / "northshire.yaml"),
            "--rules",
            "national-2022",
            "--as-of",
            "2023-09-30",
            "--format",
            "json",
            "--engine",
            "python",
        ],
    )
    assert checked.exit_code == 0, checked.output
    assert os.getcwd() == str(tmp_path)
