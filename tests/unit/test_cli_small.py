"""Small things users expect: -V, NO_COLOR, --color, shell completion."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from govrules import __version__
from govrules import cli
from govrules.cli import main

NORTHSHIRE = str(Path(__file__).resolve().parents[2] / "examples" / "northshire.yaml")
ESC = "\x1b["


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    r = CliRunner().invoke(main, [flag])
    assert r.exit_code == 0
    assert r.output == f"govrules, version {__version__}\n"


def check(*args: str, env: dict[str, str] | None = None) -> str:
    r = CliRunner().invoke(
        main,
        ["check", NORTHSHIRE, "--as-of", "2023-09-30", "--engine", "python", *args],
        env=env,
        color=True,  # as at a terminal
    )
    assert r.exit_code == 0, r.output
    return r.stdout


def test_colour_is_decided_by_flags_and_no_color() -> None:
    assert ESC in check("--color")
    assert ESC not in check("--no-color")
    # An explicit --color wins over NO_COLOR (no-color.org: user choices may override it).
    assert ESC in check("--color", env={"NO_COLOR": "1"})


def test_no_color_applies_when_no_flag_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    # At a terminal, with no flag: colour unless NO_COLOR is non-empty.
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr(cli, "render_batch", lambda entries, fmt, *, color, width: str(color))
    assert cli._render([], "text", None, None) == "False"
    monkeypatch.setenv("NO_COLOR", "")
    assert cli._render([], "text", None, None) == "True"
    monkeypatch.delenv("NO_COLOR")
    assert cli._render([], "text", None, None) == "True"
    assert cli._render([], "text", None, "out.txt") == "False"  # a file gets no colour


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts_as_the_readme_says(shell: str) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"_GOVRULES_COMPLETE={shell}_source govrules" in readme
    r = CliRunner().invoke(
        main, [], prog_name="govrules", env={"_GOVRULES_COMPLETE": f"{shell}_source"}
    )
    assert r.exit_code == 0
    assert "_GOVRULES_COMPLETE" in r.output
