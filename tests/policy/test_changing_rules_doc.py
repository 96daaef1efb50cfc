"""The worked example of docs/changing-rules.md runs, step by step, and shows what it says.

The guide marks its steps with HTML comments: ``<!-- edit: PATH -->`` before a diff to apply,
``<!-- file: PATH -->`` before a file to write, ``<!-- run -->`` (or ``<!-- run exit=N -->``)
before commands to run, and ``<!-- output -->`` before lines the last command must print, in
order ("…" stands for lines left out).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from govrules.cli import main

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "changing-rules.md"
_STEP = re.compile(r"<!-- (edit|file|run|output)(?::? ?([^>]*?))? -->\n```\w*\n(.*?)```", re.S)


def _steps() -> list[tuple[str, str, str]]:
    return [(m[1], (m[2] or "").strip(), m[3]) for m in _STEP.finditer(GUIDE.read_text())]


def test_the_guide_marks_its_steps() -> None:
    kinds = [k for k, _, _ in _steps()]
    assert kinds.count("run") == 4 and kinds.count("output") == 4
    assert kinds[0] == "edit" and "file" in kinds


def _in_order(expected: str, output: str) -> None:
    lines = output.splitlines()
    at = 0
    for want in expected.splitlines():
        if want.strip() == "…":
            continue
        try:
            at = lines.index(want, at) + 1
        except ValueError:
            pytest.fail(f"the guide shows {want!r}, which the command does not print:\n{output}")


@pytest.mark.skipif(shutil.which("git") is None, reason="the example compares with a git commit")
def test_the_worked_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for folder in ("rules", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "the rules as they were"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )
    monkeypatch.chdir(tmp_path)
    output = ""
    for kind, arg, body in _steps():
        if kind == "edit":
            path = tmp_path / arg
            text = path.read_text()
            removed = [x[1:] for x in body.splitlines() if x.startswith("-")]
            added = [x[1:] for x in body.splitlines() if x.startswith("+")]
            for old, new in zip(removed, added, strict=True):
                assert old in text, f"the guide edits {old!r}, which {arg} does not hold"
                text = text.replace(old, new)
            path.write_text(text)
        elif kind == "file":
            (tmp_path / arg).write_text(body)
        elif kind == "run":
            code = int(arg.removeprefix("exit=")) if arg else 0
            output = ""
            for command in body.splitlines():
                result = CliRunner().invoke(main, shlex.split(command)[1:])
                assert result.exit_code == code, f"{command}\n{result.output}"
                output += result.output
        else:
            _in_order(body, output)
