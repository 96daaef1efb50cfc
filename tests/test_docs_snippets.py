"""Every shell and Python snippet in the README and the docs runs as a reader would run it.

The fenced ``bash``, ``sh``, ``console`` and ``python`` blocks of ``README.md``, ``docs/*.md`` and
the READMEs of ``examples/``, ``features/`` and ``benchmarks/`` are collected. Each block runs in
a fresh copy of the repository's ``examples/``, ``rules/`` and ``docs/`` (committed to a git
branch ``main``, for ``govrules diff --old-rev main``), with this environment's ``bin`` folder
first on ``PATH`` (so ``govrules`` and ``python`` are the ones under test) and ``HOME`` inside the
copy (so the register's default SQLite file is the copy's). A shell block runs in bash and stops
at the first command that fails, as under ``bash -e``, except that ``govrules check`` may exit 1:
the place is not compliant, which is what the example shows. Exit codes of 2 and more always
fail, and so does a traceback on standard error. In a ``console`` block only the ``$ `` lines run.

An HTML comment on the line right before a fence changes that:

``<!-- snippet: skip REASON -->``
    the block is not run, for REASON (it creates a virtualenv, installs packages, starts a
    server …). A skip without a reason fails.
``<!-- snippet: exit 1 -->``
    any command of the block may exit 1 (a register of non-compliant places, say).

The blocks after ``<!-- run -->`` in ``docs/changing-rules.md`` are run, in sequence and with
their output checked, by ``tests/policy/test_changing_rules_doc.py``; here they are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(
    [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    + [ROOT / d / "README.md" for d in ("examples", "features", "benchmarks")]
)
LANGUAGES = {"bash": "shell", "sh": "shell", "console": "shell", "python": "python"}
#: What a snippet's copy of the repository holds.
COPIED = ("examples", "rules", "docs")
_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
_MARKER = re.compile(r"<!--\s*snippet:\s*(.*?)\s*-->")
_RUN_ELSEWHERE = re.compile(r"<!--\s*run\b")
_ELSEWHERE_REASON = "run in sequence, output checked, by tests/policy/test_changing_rules_doc.py"

#: Runs the snippet in bash: stop at the first failing command (as ``set -e`` does, in the same
#: places: not in conditions, nor before ``&&``/``||``), except an allowed exit 1.
_PRELUDE = r"""set -E -o pipefail
_snippet_exit() {
    local rc=$1 command=$2
    if [ "$rc" -eq 1 ] && { [ "$SNIPPET_ALLOW_1" = 1 ] || [[ $command == "govrules check "* ]]; }
    then return 0; fi
    printf 'snippet: exit %s from: %s\n' "$rc" "$command" >&2
    exit "$rc"
}
trap '_snippet_exit $? "$BASH_COMMAND"' ERR
"""


@dataclass(frozen=True)
class Snippet:
    document: Path
    line: int  # of the opening fence, from 1
    language: str  # "shell" or "python"
    code: str
    marker: str | None  # the text of a "<!-- snippet: … -->" right before the fence
    elsewhere: bool  # a "<!-- run -->" step of the changing-rules guide

    @property
    def name(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        if self.elsewhere:
            return _ELSEWHERE_REASON
        if self.marker is not None and self.marker.split(maxsplit=1)[0] == "skip":
            return self.marker.removeprefix("skip").strip()
        return None

    @property
    def allows_exit_1(self) -> bool:
        return self.marker == "exit 1"


def _blocks(path: Path) -> list[Snippet]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    at = 0
    while at < len(lines):
        opening = _FENCE.match(lines[at])
        if opening is None:
            at += 1
            continue
        indent, fence, language = opening.groups()
        end = at + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        if language in LANGUAGES:
            body = [x.removeprefix(indent) for x in lines[at + 1 : end]]
            if language == "console":
                body = [x[2:] for x in body if x.startswith("$ ")]
            before = lines[at - 1].strip() if at else ""
            marker = _MARKER.fullmatch(before)
            found.append(
                Snippet(
                    document=path,
                    line=at + 1,
                    language=LANGUAGES[language],
                    code="\n".join(body) + "\n",
                    marker=marker[1] if marker else None,
                    elsewhere=bool(_RUN_ELSEWHERE.match(before)),
                )
            )
        at = end + 1
    return found


SNIPPETS = [s for path in DOCUMENTS for s in _blocks(path)]


def test_skips_say_why_and_markers_sit_on_a_fence() -> None:
    for path in DOCUMENTS:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            if _MARKER.search(line):
                nxt = lines[number] if number < len(lines) else ""
                opening = _FENCE.match(nxt)
                assert opening and opening[3] in LANGUAGES, (
                    f"{path.relative_to(ROOT)}:{number}: a snippet marker must sit on the line "
                    "right before a bash, sh, console or python fence"
                )
    for snippet in SNIPPETS:
        if snippet.marker is not None:
            assert snippet.marker == "exit 1" or re.fullmatch(r"skip\s+\S.*", snippet.marker), (
                f"{snippet.name}: '<!-- snippet: {snippet.marker} -->' is neither "
                "'skip <reason>' nor 'exit 1'"
            )


def test_the_usage_snippets_are_found_and_run() -> None:
    run = [s for s in SNIPPETS if s.skip_reason is None]
    assert any(s.document.name == "README.md" and "govrules check" in s.code for s in run)
    assert any(s.language == "python" for s in run)
    assert {s.document.name for s in run} >= {"README.md", "analysis.md", "register.md"}


@pytest.fixture
def place(tmp_path: Path) -> Path:
    """A copy of what the snippets read, committed on branch main, with a home of its own."""
    work = tmp_path / "repo"
    for folder in COPIED:
        shutil.copytree(ROOT / folder, work / folder)
    (tmp_path / "home").mkdir()
    if shutil.which("git") is not None:
        for args in (
            ["init", "-q", "-b", "main"],
            ["add", "."],
            ["commit", "-qm", "the repository as documented"],
        ):
            subprocess.run(
                [
                    "git",
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@example.org",
                    "-c",
                    "commit.gpgsign=false",
                    *args,
                ],
                cwd=work,
                check=True,
                capture_output=True,
            )
    return work


def _environment(home: Path, allow_1: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVRULES_")}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["HOME"] = str(home)
    env["XDG_DATA_HOME"] = str(home / ".local" / "share")
    env["NO_COLOR"] = "1"
    env["SNIPPET_ALLOW_1"] = "1" if allow_1 else "0"
    return env


def _run(
    language: str, code: str, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    if language == "shell":
        command = ["bash", "-c", _PRELUDE + code + ":\n"]
    else:
        command = [sys.executable, "-c", code]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def _case(snippet: Snippet) -> object:
    reason = snippet.skip_reason
    marks = [pytest.mark.skip(reason=f"{snippet.name}: {reason}")] if reason is not None else []
    return pytest.param(snippet, id=snippet.name, marks=marks)


@pytest.mark.parametrize("snippet", [_case(s) for s in SNIPPETS])
def test_snippet_runs(snippet: Snippet, place: Path) -> None:
    if "--old-rev" in snippet.code and shutil.which("git") is None:
        pytest.skip(f"{snippet.name}: compares with a git commit, and git is not installed")
    env = _environment(place.parent / "home", snippet.allows_exit_1)
    result = _run(snippet.language, snippet.code, place, env)
    tail = result.stdout[-2000:]
    shown = f"{snippet.name}\n{snippet.code}\nstdout (end):\n{tail}\nstderr:\n{result.stderr}"
    allowed = {0, 1} if snippet.allows_exit_1 and snippet.language == "python" else {0}
    assert result.returncode in allowed, f"exit {result.returncode}: {shown}"
    assert "Traceback (most recent call last)" not in result.stderr, shown


#: A stand-in for govrules that exits with the code given as its last argument.
_FAKE = '#!/bin/sh\neval "exit \\${$#}"\n'


@pytest.mark.parametrize(
    ("code", "allow_1", "exit_code", "went_on"),
    [
        ("govrules check 0", False, 0, True),
        ("govrules check 1", False, 0, True),  # a place that is not compliant
        ("govrules check 2", False, 2, False),
        ("govrules lint 1", False, 1, False),
        ("govrules lint 1", True, 0, True),  # <!-- snippet: exit 1 -->
        ("govrules lint 3", True, 3, False),
        ("X=$(govrules rules 2)", False, 2, False),
        ("govrules rules 0 | govrules rules 2", False, 2, False),
        ("govrules rules 1 || true", False, 0, True),  # as under bash -e: a tested command
    ],
)
def test_a_shell_snippet_stops_at_its_first_failing_command(
    tmp_path: Path, code: str, allow_1: bool, exit_code: int, went_on: bool
) -> None:
    fake = tmp_path / "bin" / "govrules"
    fake.parent.mkdir()
    fake.write_text(_FAKE)
    fake.chmod(0o755)
    env = _environment(tmp_path, allow_1)
    env["PATH"] = os.pathsep.join([str(fake.parent), env["PATH"]])
    result = _run("shell", f"{code}\necho went on\n", tmp_path, env)
    assert result.returncode == exit_code, result.stderr
    assert ("went on" in result.stdout) == went_on
