"""Running rule tests: build each case's declaration, evaluate it, compare, count coverage.

Everything is checked before anything runs: test files, parameter values, the changes and the
declarations they give. Any problem stops the run as a :class:`~govrules.ruletest.TestFileError`
(exit 3) naming file, line and column, so a typo in a test never passes as a failing rule.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .checker import Program
from .declaration import parse_document
from .declaration import validate_declaration
from .errors import DeclarationError
from .errors import Diagnostic
from .errors import RuleError
from .errors import make_diagnostic
from .evaluator import Engine
from .evaluator import load_sources
from .evaluator import read_source
from .evaluator import rule_files
from .report import Finding
from .report import Report
from .rule_coverage import Coverage
from .ruletest import Case
from .ruletest import Expectation
from .ruletest import TestFile
from .ruletest import TestFileError
from .ruletest import apply_change
from .ruletest import folder_rules
from .ruletest import load_test_file
from .ruletest import split_path
from .ruletest import test_files
from .source import Source
from .source import Span


@dataclass(frozen=True, slots=True)
class Failure:
    """One expectation a case did not meet."""

    rule: str
    check: str  # "status", "explanation" or "late"
    expected: str
    actual: str
    explanation: str
    span: Span


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case."""

    file: TestFile
    case: Case
    failures: tuple[Failure, ...]
    seconds: float

    @property
    def passed(self) -> bool:
        """Every expectation held."""
        return not self.failures


@dataclass(frozen=True, slots=True)
class TestRun:
    """Every case's result, and the coverage when it was asked for."""

    __test__ = False

    results: tuple[CaseResult, ...]
    coverage: Coverage | None
    seconds: float

    @property
    def failed(self) -> int:
        """How many cases failed."""
        return sum(1 for r in self.results if not r.passed)


class _Programs:
    """Programs and engines, loaded once per set of rule files and parameter values."""

    def __init__(self) -> None:
        self.sources: dict[Path, Source] = {}
        self.built: dict[tuple[Any, ...], tuple[Program, Engine]] = {}

    def get(
        self, files: tuple[Path, ...], params: tuple[tuple[str, Any, Span], ...], test: TestFile
    ) -> tuple[Program, Engine]:
        key = (files, tuple((n, repr(v)) for n, v, _ in params))
        hit = self.built.get(key)
        if hit is None:
            sources = [self._source(f) for f in files]
            program = load_sources(sources)
            if params:
                program = load_sources(sources + [_override_source(program, params, test)])
            hit = self.built[key] = (program, Engine(program, "python"))
        return hit

    def _source(self, path: Path) -> Source:
        if path not in self.sources:
            self.sources[path] = read_source(path)
        return self.sources[path]


def _override_source(
    program: Program, params: tuple[tuple[str, Any, Span], ...], test: TestFile
) -> Source:
    """A rule text that overrides parameters, for one case."""
    problems: list[Diagnostic] = []
    lines = [
        f'ruleset "test parameters" version "0" for "{program.rulesets[0].declaration_format}"'
    ]
    for name, value, span in params:
        info = program.params.get(name)
        if info is None:
            close = difflib.get_close_matches(name, list(program.params), n=1)
            problems.append(
                make_diagnostic(
                    test.source,
                    span,
                    "invalid_test_file",
                    f"the rules have no parameter '{name}'",
                    f"did you mean '{close[0]}'?" if close else None,
                )
            )
            continue
        written = _rule_value(value, info.type)
        if written is None:
            problems.append(
                make_diagnostic(
                    test.source,
                    span,
                    "invalid_test_file",
                    f"{value!r} is not a {info.type} value for parameter {name}",
                )
            )
            continue
        lines.append(f'override param {name}: {info.type} = {written} because "a test case"')
    if problems:
        raise TestFileError(problems)
    return Source("\n".join(lines) + "\n", f"{test.path} (params)")


def _rule_value(value: Any, kind: str) -> str | None:
    """A YAML value written in the rule language, or None when it cannot be one."""
    if kind == "list":
        if not isinstance(value, list):
            return None
        items = [_rule_value(v, "item") for v in value]
        return None if None in items else "[" + ", ".join(str(i) for i in items) + "]"
    if isinstance(value, bool):
        if kind not in ("bool", "item"):
            return None
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat() if kind in ("date", "item") else None
    if isinstance(value, int | float):
        return repr(value) if kind in ("number", "item") else None
    if isinstance(value, str):
        if kind == "duration" and re.fullmatch(r"\d+ ?(days?|weeks?|months?|years?)", value):
            return value
        if kind in ("string", "item"):
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return None


@dataclass(frozen=True, slots=True)
class _Prepared:
    file: TestFile
    case: Case
    program: Program
    engine: Engine
    declaration: BaseModel


def _problem(test: TestFile, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    return make_diagnostic(test.source, span, "invalid_test_file", message, hint)


def _prepare(tests: list[TestFile], programs: _Programs, bases: dict[Path, Any]) -> list[_Prepared]:
    """Every case ready to run, or every problem of every file at once."""
    problems: list[Diagnostic] = []
    ready: list[_Prepared] = []
    for test in tests:
        for case in test.cases:
            try:
                program, engine = programs.get(test.rule_files, case.params, test)
            except TestFileError as err:
                problems.extend(err.diagnostics)
                continue
            except RuleError as err:
                problems.append(
                    _problem(test, case.span, "the rules of this case do not load: " + err.render())
                )
                continue
            ids = {r.id for r in program.rules}
            fmt = _format_of(case.base, bases)
            if fmt is not None and not any(
                r.rule.severity == "must" for r in program.for_format(fmt)
            ):
                problems.append(
                    _problem(
                        test,
                        case.span,
                        f"the rules of this file have no 'must' rule for a {fmt} declaration, "
                        "so they can give it no verdict",
                        "list the must rules too, e.g. 'rules: [../national, .]'",
                    )
                )
                continue
            for e in case.expect:
                if e.rule not in ids:
                    close = difflib.get_close_matches(e.rule, sorted(ids), n=1)
                    problems.append(
                        _problem(
                            test,
                            e.span,
                            f"no rule {e.rule} in {', '.join(str(f) for f in test.rule_files)}",
                            f"did you mean {close[0]}?" if close else None,
                        )
                    )
            if case.base not in bases:
                try:
                    text = case.base.read_text(encoding="utf-8")
                    bases[case.base] = parse_document(text, str(case.base))[0]
                except (OSError, UnicodeDecodeError, DeclarationError) as err:
                    problems.append(_problem(test, case.span, f"cannot read {case.base}: {err}"))
                    continue
            doc = copy.deepcopy(bases[case.base])
            for change in case.changes:
                steps = split_path(change.path)
                trouble = "not a path" if steps is None else apply_change(doc, steps, change.value)
                if trouble:
                    problems.append(_problem(test, change.span, f"{change.path}: {trouble}"))
            try:
                model = validate_declaration(doc, f"{case.base.name} as changed by '{case.name}'")
            except DeclarationError as err:
                problems.append(
                    _problem(
                        test,
                        case.span,
                        f"case '{case.name}' gives an invalid declaration: "
                        + "; ".join(f"{i.path}: {i.message}" for i in err.issues),
                        "fix the changes (or the base) so the declaration is valid",
                    )
                )
                continue
            ready.append(_Prepared(test, case, program, engine, model))
    if problems:
        raise TestFileError(problems)
    return ready


def _format_of(path: Path, bases: dict[Path, Any]) -> str | None:
    """The declaration format of a base file (read once; None when it cannot be read)."""
    if path not in bases:
        try:
            bases[path] = parse_document(path.read_text(encoding="utf-8"), str(path))[0]
        except (OSError, UnicodeDecodeError, DeclarationError):
            return None
    doc = bases[path]
    return str(doc.get("format")) if isinstance(doc, dict) else None


def _compare(expect: Expectation, finding: Finding) -> list[Failure]:
    out = []
    words = finding.explanation
    if expect.status is not None and finding.status != expect.status:
        out.append(
            Failure(expect.rule, "status", expect.status, finding.status, words, expect.span)
        )
    if expect.explanation is not None and _squash(expect.explanation) not in _squash(words):
        out.append(
            Failure(expect.rule, "explanation", expect.explanation, words, words, expect.span)
        )
    if expect.late is not None and finding.late is not expect.late:
        out.append(
            Failure(
                expect.rule, "late", _late(expect.late), _late(finding.late), words, expect.span
            )
        )
    return out


def _late(value: bool) -> str:
    return "met late" if value else "not late"


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def universe(paths: Iterable[Path]) -> list[tuple[Path, ...]]:
    """The rule-file sets (one per folder) found under ``paths``, for coverage of untested rules."""
    folders: dict[Path, None] = {}
    for p in paths:
        if p.is_dir():
            for f in rule_files([p]):
                folders.setdefault(f.parent, None)
    return [folder_rules(d) for d in folders]


def run_tests(paths: list[Path], *, coverage: bool = False) -> TestRun:
    """Run the test files under ``paths`` (files or folders).

    Raises:
        TestFileError: a test file, or a case in it, is invalid (nothing runs).
        RuleError: the rules under ``paths`` do not load.
    """
    started = time.perf_counter()
    tests: list[TestFile] = []
    problems: list[Diagnostic] = []
    for f in test_files(paths):
        try:
            tests.append(load_test_file(f))
        except TestFileError as err:
            problems.extend(err.diagnostics)
    if problems:
        raise TestFileError(problems)
    programs = _Programs()
    ready = _prepare(tests, programs, {})
    cov = Coverage() if coverage else None
    results: list[CaseResult] = []
    for item in ready:
        t0 = time.perf_counter()
        report = item.engine.evaluate(item.declaration, item.case.as_of, source=str(item.case.base))
        failures = _check(item.case, report)
        if cov is not None:
            asserted = {e.rule for e in item.case.expect}
            doc = item.declaration.model_dump()
            cov.record(item.program, doc, item.case.as_of, report, asserted)
        results.append(CaseResult(item.file, item.case, tuple(failures), time.perf_counter() - t0))
    if cov is not None:
        for files in universe(paths):
            if files:
                cov.add_program(load_sources(programs._source(f) for f in files))
        from .rule_coverage_report import apply_excuses

        tested = []
        for test in tests:
            program = programs.get(test.rule_files, (), test)[0]
            tested.append((test, {(r.source.name, r.id) for r in program.rules}))
        apply_excuses(cov, tested)
    return TestRun(tuple(results), cov, time.perf_counter() - started)


def _check(case: Case, report: Report) -> list[Failure]:
    findings = {f.rule: f for f in report.findings}
    out: list[Failure] = []
    for e in case.expect:
        out.extend(_compare(e, findings[e.rule]))
    return out
