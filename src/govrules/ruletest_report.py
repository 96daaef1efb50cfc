"""The results of rule tests as text (in the manner of pytest), JSON and JUnit XML."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from typing import Any

from .rule_coverage_report import coverage_json
from .rule_coverage_report import coverage_text
from .ruletest_run import CaseResult
from .ruletest_run import Failure
from .ruletest_run import TestRun

TEST_REPORT_FORMAT = "govrules/test-report/v1"


def _where(result: CaseResult) -> str:
    return f"{result.file.path}:{result.case.span.line}"


def _failure_lines(f: Failure, file: str) -> list[str]:
    at = f"{file}:{f.span.line}:{f.span.column}"
    if f.check == "status":
        head = f"{at}: {f.rule}: expected {f.expected}, got {f.actual}"
    elif f.check == "explanation":
        head = f'{at}: {f.rule}: the explanation does not contain "{f.expected}"'
    else:
        head = f"{at}: {f.rule}: expected {f.expected}, got {f.actual}"
    return [head, f"    explanation: {f.explanation}"]


def to_text(run: TestRun) -> str:
    """Dots per file, then each failure, then a summary line (and coverage, if measured)."""
    width = min(shutil.get_terminal_size((100, 20)).columns, 100)
    lines: list[str] = []
    by_file: dict[str, list[CaseResult]] = {}
    for r in run.results:
        by_file.setdefault(str(r.file.path), []).append(r)
    for file, results in by_file.items():
        lines.append(f"{file} " + "".join("." if r.passed else "F" for r in results))
    failed = [r for r in run.results if not r.passed]
    if failed:
        lines.append("")
        lines.append(" FAILURES ".center(width, "="))
        for r in failed:
            lines.append(f" {_where(r)}: {r.case.name} ".center(width, "_"))
            for f in r.failures:
                lines.extend(_failure_lines(f, str(r.file.path)))
            lines.append("")
    passed = len(run.results) - len(failed)
    summary = ", ".join(
        part for part in (f"{len(failed)} failed" if failed else "", f"{passed} passed") if part
    )
    lines.append(f" {summary} in {run.seconds:.2f}s ".center(width, "="))
    out = "\n".join(lines) + "\n"
    if run.coverage is not None:
        out += coverage_text(run.coverage)
    return out


def to_json(run: TestRun) -> str:
    """The results (and coverage) as one JSON document."""
    files: dict[str, list[dict[str, Any]]] = {}
    for r in run.results:
        files.setdefault(str(r.file.path), []).append(
            {
                "name": r.case.name,
                "line": r.case.span.line,
                "column": r.case.span.column,
                "outcome": "passed" if r.passed else "failed",
                "seconds": round(r.seconds, 4),
                "failures": [
                    {
                        "rule": f.rule,
                        "check": f.check,
                        "expected": f.expected,
                        "actual": f.actual,
                        "explanation": f.explanation,
                        "line": f.span.line,
                        "column": f.span.column,
                    }
                    for f in r.failures
                ],
            }
        )
    doc: dict[str, Any] = {
        "format": TEST_REPORT_FORMAT,
        "passed": len(run.results) - run.failed,
        "failed": run.failed,
        "seconds": round(run.seconds, 3),
        "files": [{"file": k, "cases": v} for k, v in files.items()],
    }
    if run.coverage is not None:
        doc["coverage"] = coverage_json(run.coverage)
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_junit(run: TestRun) -> str:
    """JUnit XML: a test suite per file, a test case per case."""
    suites = ET.Element("testsuites", tests=str(len(run.results)), failures=str(run.failed))
    by_file: dict[str, list[CaseResult]] = {}
    for r in run.results:
        by_file.setdefault(str(r.file.path), []).append(r)
    for file, results in by_file.items():
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=file,
            tests=str(len(results)),
            failures=str(sum(1 for r in results if not r.passed)),
            time=f"{sum(r.seconds for r in results):.3f}",
        )
        for r in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=file,
                name=r.case.name,
                file=file,
                line=str(r.case.span.line),
                time=f"{r.seconds:.3f}",
            )
            if r.failures:
                first = r.failures[0]
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{first.rule}: expected {first.expected}, got {first.actual}",
                    type=first.check,
                )
                failure.text = "\n".join(
                    line for f in r.failures for line in _failure_lines(f, file)
                )
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
