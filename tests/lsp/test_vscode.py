"""The VS Code package in editors/vscode: its TextMate grammar passes its grammar tests
(``vscode-tmgrammar-test``, installed by ``npm ci --prefix editors/vscode``), knows every
keyword of the language, and the package starts ``govrules lsp``."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support import ROOT

PACKAGE = ROOT / "editors" / "vscode"
GRAMMAR = PACKAGE / "syntaxes" / "govrules.tmLanguage.json"
TOOL = PACKAGE / "node_modules" / ".bin" / "vscode-tmgrammar-test"


def _tool() -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not installed, so the grammar tests cannot run")
    if not TOOL.exists():
        pytest.skip("vscode-tmgrammar-test is not installed: run npm ci --prefix editors/vscode")
    return TOOL


def _run(tests: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(_tool()), "-g", str(GRAMMAR), tests],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_grammar_passes_its_tests() -> None:
    result = _run("tests/*.test.gr", PACKAGE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "language.test.gr" in result.stdout


def test_a_wrong_scope_fails_the_grammar_tests(tmp_path: Path) -> None:
    text = (PACKAGE / "tests" / "language.test.gr").read_text(encoding="utf-8")
    wrong = text.replace("entity.name.function.rule.govrules", "string.quoted.double.govrules")
    (tmp_path / "wrong.test.gr").write_text(wrong, encoding="utf-8")
    result = _run("*.test.gr", tmp_path)
    assert result.returncode != 0
    assert "missing required scopes" in result.stdout + result.stderr


def test_every_keyword_of_the_language_is_highlighted() -> None:
    words = set(re.findall(r'"([a-z_]+)"', (ROOT / "grammar" / "govrules.lark").read_text()))
    grammar = GRAMMAR.read_text(encoding="utf-8")
    missing = sorted(w for w in words if not re.search(rf"[|(:]{w}[|)\\]", grammar))
    assert missing == []


def test_the_package_starts_the_language_server_for_gr_files() -> None:
    package = json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))
    (language,) = package["contributes"]["languages"]
    assert language["extensions"] == [".gr"]
    settings = package["contributes"]["configuration"]["properties"]
    assert settings["govrules.server.args"]["default"] == ["lsp"]
    assert "vscode-languageclient" in package["dependencies"]
    config = json.loads((PACKAGE / "language-configuration.json").read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "#"
    assert ["{", "}"] in config["brackets"]
    assert "govrules.server.command" in (PACKAGE / "extension.js").read_text(encoding="utf-8")
