"""Hostile rule texts and declarations get located errors, never tracebacks or wrong exits."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from click.testing import CliRunner

from govrules import checker
from govrules import load_declaration
from govrules import load_declaration_text
from govrules.checker import Program
from govrules.checker_scope import Scope
from govrules.cli import main
from govrules.errors import DeclarationError
from govrules.errors import NoVerdictError
from govrules.errors import RuleError
from govrules.evaluator import evaluate
from govrules.evaluator import load_rulesets
from govrules.evaluator import load_sources
from govrules.loading import read_source
from govrules.source import Source
from support import HEADER
from support import ROOT
from support import rule

RIVERSIDE = json.loads((ROOT / "examples" / "riverside.request.json").read_text())["declaration"]


def _diagnostic(program_of: Callable[[str], Program], body: str) -> Any:
    with pytest.raises(RuleError) as err:
        program_of(body)
    return err.value.diagnostics[0]


@pytest.mark.parametrize(
    ("require", "code"),
    [
        ("count(partners) < " + "9" * 4301, "number_too_large"),
        ("count(partners) < 1" + "0" * 15, "number_too_large"),
        ("count(partners) < 0." + "1" * 16, "number_too_large"),
        ("partners[" + "9" * 309 + "].name exists", "bad_index"),
        ("partners[1000000].name exists", "bad_index"),
        ("partners[1.5].name exists", "bad_index"),
        ("not " * 150 + "true", "nesting_too_deep"),
        ('place.name == "\ud800"', "bad_character"),
    ],
)
def test_hostile_rule_texts_get_located_diagnostics(
    program_of: Callable[[str], Program], require: str, code: str
) -> None:
    diag = _diagnostic(program_of, rule("T-1", require))
    assert diag.code == code
    assert diag.span.line == 5 and diag.span.column > 0
    assert len(diag.render()) < 2000  # a long token is shortened in the message and snippet


def test_nesting_inside_an_explanation_hole_is_bounded(
    program_of: Callable[[str], Program],
) -> None:
    body = rule("T-1", "true", extra='    explain met "{' + "-" * 1000 + '1}"\n')
    diag = _diagnostic(program_of, body)
    assert diag.code == "nesting_too_deep" and "inside '{…}'" in diag.message


def test_a_fault_in_the_checker_is_a_located_internal_error(
    program_of: Callable[[str], Program], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> object:
        raise IndexError("boom")

    monkeypatch.setattr(checker._Checker, "check_rule", broken)
    diag = _diagnostic(program_of, rule("T-1", "true"))
    assert diag.code == "internal_error" and "IndexError: boom" in diag.message
    assert (diag.span.line, diag.span.column) == (3, 1)


def test_the_cli_answers_an_internal_error_with_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checker._Checker, "check_rule", lambda *a: 1 / 0)
    path = tmp_path / "r.gr"
    path.write_text(HEADER + rule("T-1", "true"))
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 3
    assert "internal_error" in result.output and "Traceback" not in result.output


def test_a_rule_file_that_is_not_utf8_exits_3_with_its_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.gr"
    path.write_bytes(HEADER.encode() + b'rule T-1 {\n    title "caf\xe9"\n}\n')
    result = CliRunner().invoke(main, ["lint", str(path)])
    assert result.exit_code == 3
    assert f"{path}:4:15: not_utf8" in result.output


def test_too_many_problems_stop_the_check(program_of: Callable[[str], Program]) -> None:
    lets = "".join(f"    let v{i} = nowhere{i}\n" for i in range(1000))
    with pytest.raises(RuleError) as err:
        program_of(rule("T-1", "true", extra=lets))
    codes = [d.code for d in err.value.diagnostics]
    assert codes.count("unknown_name") == checker.MAX_DIAGNOSTICS
    assert codes[-1] == "too_many_errors" or "too_many_errors" in codes


class _CountingNames(dict[str, Any]):
    """A scope's name table that counts every name read by iterating over it (gathering the
    names into a set or a list, for instance), which a lookup by ``in`` does not."""

    reads = 0

    def __iter__(self) -> Iterator[str]:
        for name in super().__iter__():
            _CountingNames.reads += 1
            yield name

    def keys(self) -> Any:
        return list(iter(self))

    def values(self) -> Any:
        return [self[name] for name in self]

    def items(self) -> Any:
        return [(name, self[name]) for name in self]


def _checking_work(n: int, monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """The work of loading a rule with ``n`` lets: lines of govrules run, and names read by
    iterating over the scope's name tables. Both are counted, not timed, so they do not depend
    on the machine or its load."""
    lets = "".join(f"    let v{i} = place.population + {i}\n" for i in range(n))
    text = HEADER + rule("T-1", "true", extra=lets)
    package = str(Path(checker.__file__).parent)
    lines = 0

    def count_lines(frame: FrameType, event: str, arg: object) -> Any:
        nonlocal lines
        if event == "line":
            lines += 1
        return count_lines

    def trace(frame: FrameType, event: str, arg: object) -> Any:
        return count_lines if frame.f_code.co_filename.startswith(package) else None

    init = Scope.__init__

    def counting_init(self: Scope, *args: Any) -> None:
        init(self, *args)
        self.lets = _CountingNames(self.lets)
        self.root = _CountingNames(self.root)

    _CountingNames.reads = 0
    with monkeypatch.context() as m:
        m.setattr(Scope, "__init__", counting_init)
        previous = sys.gettrace()
        sys.settrace(trace)
        try:
            load_sources([Source(text, "t.gr")], cache=False)
        finally:
            sys.settrace(previous)
    return lines, _CountingNames.reads


def test_checking_is_linear_in_the_number_of_lets(monkeypatch: pytest.MonkeyPatch) -> None:
    _checking_work(20, monkeypatch)  # first use: anything loaded or cached once
    small_lines, small_reads = _checking_work(250, monkeypatch)
    large_lines, large_reads = _checking_work(1000, monkeypatch)
    # Four times the lets: about four times the work, far from the sixteen of quadratic work.
    assert 3 * small_lines < large_lines < 6 * small_lines
    # Gathering every visible name for each let (a set of them, to test one name) is quadratic
    # in reads; looking each name up reads none.
    assert large_reads <= 6 * small_reads


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (lambda d: d["system"].__setitem__("places", 5000), "system.places", "at most 1000"),
        (
            lambda d: d["system"]["digital"]["shared_care_record"].__setitem__(
                "providers_total", 2**63
            ),
            "system.digital.shared_care_record.providers_total",
            "at most 1,000,000,000",
        ),
        (
            lambda d: d["finance"]["budget_lines"][0].__setitem__("amount", 10**309),
            "finance.budget_lines[0].amount",
            "expected a number",
        ),
        (lambda d: d["place"].__setitem__("name", "Bad\ud800"), "place.name", "surrogate"),
    ],
)
def test_declarations_have_sane_bounds(change: Any, path: str, words: str) -> None:
    doc = json.loads(json.dumps(RIVERSIDE))
    change(doc)
    with pytest.raises(DeclarationError) as err:
        load_declaration_text(json.dumps(doc), "d.json")
    (issue,) = err.value.issues
    assert issue.path == path and words in issue.message
    str(err.value).encode("utf-8")  # printable


def test_a_huge_declaration_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a" * (2 << 20))
    with pytest.raises(DeclarationError, match="more than the limit of 1 MiB"):
        load_declaration(path)
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 3 and "2 MiB" in result.output


@pytest.mark.parametrize("names", [["good-practice-2022"], ["provider-collaboratives-2022"]])
def test_rules_without_a_must_rule_for_the_kind_give_no_verdict(names: list[str]) -> None:
    folders = {
        "good-practice-2022": "good-practice",
        "provider-collaboratives-2022": "provider-collaboratives",
    }
    program = load_rulesets([ROOT / "rules" / folders[n] for n in names])
    with pytest.raises(NoVerdictError, match="no 'must' rule for a govrules/place/v1"):
        evaluate(program, RIVERSIDE, "2023-09-30", engine="python")
    folder = str(ROOT / "rules" / folders[names[0]])
    result = CliRunner().invoke(
        main, ["check", str(ROOT / "examples" / "riverside.yaml"), "--rules", folder]
    )
    assert result.exit_code == 2 and "national-2022" in result.output


@pytest.mark.parametrize(
    "expression",
    [
        " * ".join(["999999999999999"] * 21) + " / 0.5",  # int too large for a float
        " * ".join(["999999999999999.0"] * 21),  # a float overflowing to infinity
        "place.population * " + " * ".join(["999999999999999.0"] * 21),  # from a fact
    ],
)
@pytest.mark.parametrize("engine", ["python", "durable"])
def test_arithmetic_that_overflows_is_unknown(
    program_of: Callable[[str], Program],
    spec_example: dict[str, Any],
    expression: str,
    engine: str,
) -> None:
    from govrules.backends.durable_backend import available as durable_available

    if engine == "durable" and not durable_available()[0]:
        pytest.skip("durable_rules unavailable")
    body = rule("T-1", "big is missing", extra=f"    let big = {expression}\n")
    body += rule("T-2", f"{expression} > 1")
    findings = evaluate(program_of(body), spec_example, "2023-09-30", engine=engine).findings
    assert [f.status for f in findings] == ["pass", "fail"]
    assert findings[1].explanation  # rendered without raising


def test_reports_name_bundled_rule_files_by_their_place_in_the_package(tmp_path: Path) -> None:
    local = tmp_path / "local.gr"
    local.write_text(
        'ruleset "local" version "1"\n'
        'override param place_governance_due: date = 2023-06-30 because "agreed locally"\n'
    )
    program = load_rulesets([ROOT / "rules" / "national", local])
    report = evaluate(program, RIVERSIDE, "2023-09-30", engine="python").to_json()
    (override,) = [o for r in report["rulesets"] for o in r.get("overrides", [])]
    assert override["previous_file"] == "rules/national/place-governance.gr"
    assert override["file"] == str(local)  # a file the user named, as they named it
    assert report["declaration"]["sha256"].startswith("sha256:")
    assert report["govrules_version"]


def test_the_same_declaration_in_yaml_and_json_has_one_digest() -> None:
    from_yaml = load_declaration(ROOT / "examples" / "riverside.yaml")
    from_json = load_declaration_text(json.dumps(RIVERSIDE), "r.json")
    program = load_rulesets()
    a = evaluate(program, from_yaml, "2023-09-30", engine="python").to_json()
    b = evaluate(program, from_json, "2023-09-30", engine="python").to_json()
    assert a["declaration"]["sha256"] == b["declaration"]["sha256"]


def test_text_junit_and_html_never_carry_control_characters() -> None:
    import xml.etree.ElementTree as ET

    from govrules.render import to_html
    from govrules.render import to_junit
    from govrules.render import to_text

    doc = json.loads(json.dumps(RIVERSIDE))
    doc["place"]["name"] = "River\x1b[2Jside\x01\x7f"
    report = evaluate(load_rulesets(), doc, "2023-09-30", engine="python")
    assert report.to_json()["declaration"]["name"] == "River\x1b[2Jside\x01\x7f"  # JSON keeps it
    for text in (to_text([report], color=False), to_html([report]), to_junit([report])):
        assert not any(c in text for c in "\x1b\x01\x7f")
    ET.fromstring(to_junit([report]))  # well-formed XML


def test_an_output_file_is_whole_or_absent_and_shareable(tmp_path: Path) -> None:
    import os
    import stat

    from govrules.files import write_atomically

    target = tmp_path / "report.txt"
    old = os.umask(0o022)
    try:
        write_atomically(target, "first")
        write_atomically(target, "second")
    finally:
        os.umask(old)
    assert target.read_text() == "second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temporary file left


def test_a_killed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    target = tmp_path / "big.txt"
    script = (
        "import sys, time; from govrules import files\n"
        "orig = files._write_all\n"
        "def slow(fd, data):\n"
        "    print('writing', flush=True); time.sleep(30); orig(fd, data)\n"
        "files._write_all = slow\n"
        f"files.write_atomically({str(target)!r}, 'x' * 1000)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(tmp_path.iterdir()) == []


def test_control_characters_in_rule_files_never_reach_outputs() -> None:
    """Found by the long fuzz run (seed 1000465): a NUL in a ruleset's name made JUnit invalid."""
    import xml.etree.ElementTree as ET

    from govrules.render import to_html
    from govrules.render import to_junit
    from govrules.render import to_text

    sources = [read_source(p) for p in sorted((ROOT / "rules" / "national").glob("*.gr"))]
    hostile = [
        Source(
            s.text.replace('ruleset "national-2022"', 'ruleset "nation\x00al-2022"').replace(
                'title "Place partners', 'title "Place\x01 partners'
            ),
            s.name,
        )
        for s in sources
    ]
    program = load_sources(hostile, cache=False)
    report = evaluate(program, RIVERSIDE, "2023-09-30", engine="python")
    assert any("\x00" in f.ruleset for f in report.findings)  # the hostile name is in play
    for text in (to_text([report], color=False), to_html([report]), to_junit([report])):
        assert not any(c in text for c in "\x00\x01")
    ET.fromstring(to_junit([report]))
