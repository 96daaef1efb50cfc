"""A batch of declarations: every file assessed, invalid ones reported in their place."""

from __future__ import annotations

import json
import os
import stat
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from govrules.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NORTHSHIRE = str(EXAMPLES / "northshire.yaml")
RIVERSIDE = str(EXAMPLES / "riverside.yaml")


@pytest.fixture
def bad(tmp_path: Path) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text("format: govrules/place/v1\nplace:\n  id: Not A Slug\n")
    return str(path)


def check(*args: str) -> Any:
    return CliRunner().invoke(main, ["check", "--as-of", "2023-09-30", "--engine", "python", *args])


def test_text_puts_the_error_block_in_place(bad: str) -> None:
    r = check(NORTHSHIRE, bad, RIVERSIDE)
    assert r.exit_code == 3
    out = r.stdout
    first = out.index("Northshire (northshire)")
    middle = out.index(f"{bad}: not checked, the declaration is invalid")
    last = out.index("Riverside (riverside)")
    assert first < middle < last
    assert f"Error: {bad}:3:7: place.id: expected a slug" in out
    assert "place.id: expected a slug" in r.stderr


def test_json_array_has_an_errors_entry_in_argument_order(bad: str) -> None:
    r = check(bad, NORTHSHIRE, "--format", "json")
    assert r.exit_code == 3
    invalid, report = json.loads(r.stdout)
    assert report["declaration"]["source"] == NORTHSHIRE and report["compliant"]
    assert invalid["declaration"] == {"source": bad}
    codes = {e["code"] for e in invalid["errors"]}
    assert "string_pattern_mismatch" in codes and "missing" in codes
    slug = next(e for e in invalid["errors"] if e["path"] == "place.id")
    assert (slug["line"], slug["column"]) == (3, 7)
    assert set(slug) == {"path", "line", "column", "message", "code"}


def test_html_has_an_error_section_in_place(bad: str) -> None:
    r = check(NORTHSHIRE, bad, RIVERSIDE, "--format", "html")
    assert r.exit_code == 3
    page = r.stdout
    assert page.count("<section") == 3
    assert page.index("Northshire") < page.index("class='invalid'") < page.index("Riverside")
    assert "Not checked: the declaration is invalid" in page
    assert "place.id: expected a slug" in page


def test_junit_has_an_erroring_suite_in_place(bad: str) -> None:
    r = check(NORTHSHIRE, bad, "--format", "junit")
    assert r.exit_code == 3
    suites = list(ET.fromstring(r.stdout).iter("testsuite"))
    assert [s.get("errors") for s in suites] == ["0", "1"]
    error = suites[1].find("testcase/error")
    assert error is not None and "place.id: expected a slug" in (error.text or "")


def test_exit_code_is_1_for_a_valid_batch_with_a_non_compliant_place() -> None:
    assert check(NORTHSHIRE, RIVERSIDE).exit_code == 1
    assert check(NORTHSHIRE, NORTHSHIRE).exit_code == 0


def test_output_file_is_written_with_the_users_umask(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "report.html"
    old = os.umask(0o022)
    try:
        r = check(NORTHSHIRE, bad, "--format", "html", "-o", str(out))
    finally:
        os.umask(old)
    assert r.exit_code == 3
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name != "bad.yaml"] == ["report.html"]


def test_only_invalid_files_write_nothing(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "report.json"
    r = check(bad, bad, "--format", "json", "-o", str(out))
    assert r.exit_code == 3
    assert not out.exists()
    assert r.stderr.count("place.id: expected a slug") == 2
