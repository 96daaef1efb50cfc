"""Report renderers for people and tools: text (with colour on a terminal), JSON, HTML, JUnit XML.

All renderers take the same :class:`~govrules.report.Report` objects; JSON goes through
:meth:`Report.to_json`, the single serialiser shared with the HTTP API.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace
from io import StringIO
from typing import Any

from rich.console import Console
from rich.text import Text

from .dates import in_words
from .decisions import decision
from .report import Finding
from .report import Report
from .report import jsonable
from .selection import SelectedReport

_BADGE = {
    "pass": ("PASS", "green"),
    "fail": ("FAIL", "bold red"),
    "not_yet_due": ("NOT YET DUE", "yellow"),
    "not_applicable": ("N/A", "dim"),
}


#: Findings are shown must-first, and within each severity what needs action first.
_SEVERITY_SECTIONS = (
    ("must", "Expectations (must)"),
    ("should", "Good practice (should, advisory)"),
)
_STATUS_ORDER = {"fail": 0, "not_yet_due": 1, "pass": 2, "not_applicable": 3}


#: Characters no report for people may carry: C0 and C1 controls (but tab and newline), lone
#: surrogates and the two non-characters XML 1.0 forbids. A place name holding ESC could drive
#: a terminal; one holding U+0001 makes JUnit XML invalid. JSON output keeps them (escaped).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` with characters that must not reach a terminal, a page or XML shown as ``�``.

    Examples:
        >>> printable("North\x1b[2Jshire\x01")
        'North�[2Jshire�'
    """
    return _UNPRINTABLE.sub("\ufffd", text)


def printable_data(value: Any) -> Any:
    """Plain data (a report's JSON) with every text and key made :func:`printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): printable_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(printable_data(v) for v in value)
    return value


def printable_report(report: Report) -> Report:
    """The report with every text made :func:`printable` (for text, HTML and JUnit)."""
    findings = tuple(
        replace(
            f,
            title=printable(f.title),
            explanation=printable(f.explanation),
            citation=printable(f.citation),
            remedy=printable(f.remedy) if f.remedy is not None else None,
            facts=printable_data(f.facts),
            rule=printable(f.rule),
            ruleset=printable(f.ruleset),
            decisions=tuple(printable(d) for d in f.decisions),
        )
        for f in report.findings
    )
    return replace(
        report,
        place=printable(report.place),
        name=printable(report.name),
        source=printable(report.source) if report.source is not None else None,
        rulesets=tuple(printable_data(dict(r)) for r in report.rulesets),
        findings=findings,
    )


def to_json(reports: Sequence[Report], *, single: bool) -> str:
    """One report as a JSON object, or several as an array in argument order."""
    docs = [r.to_json() for r in reports]
    payload: Any = docs[0] if single and len(docs) == 1 else docs
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _facts_line(facts: dict[str, Any]) -> str:
    parts = []
    for key, value in facts.items():
        shown = json.dumps(jsonable(value), ensure_ascii=False)
        if len(shown) > 120:
            shown = shown[:117] + "…"
        parts.append(f"{key} = {shown}")
    return "; ".join(parts)


def to_text(reports: Sequence[Report], *, color: bool, width: int | None = None) -> str:
    """A readable report per declaration: non-passing findings first, each with why and a fix."""
    buf = StringIO()
    console = Console(
        file=buf,
        force_terminal=color,
        no_color=not color,
        width=width or 100,
        highlight=False,
        soft_wrap=True,
    )
    for i, report in enumerate(map(printable_report, reports)):
        if i:
            console.print()
        title = Text(f"{report.name} ({report.place})", style="bold")
        title.append(f"  assessed on {report.as_of.isoformat()}", style="")
        if report.source:
            title.append(f"  from {report.source}", style="dim")
        console.print(title)
        rs = ", ".join(f"{r['name']} {r['version']}" for r in report.rulesets)
        console.print(Text(f"Rulesets: {rs}  (engine: {report.engine})", style="dim"))
        for r in report.rulesets:
            for o in r.get("overrides", []):
                console.print(
                    Text(
                        f"Parameter {o['parameter']} = {o['value']} (overridden in {o['file']}:"
                        f"{o['line']}; was {o['previous']} in {o['previous_file']})"
                        + (f": {o['reason']}" if o.get("reason") else ""),
                        style="yellow",
                    )
                )
        # What a place must fix comes first, then the advisory (should) findings.
        for severity, heading in _SEVERITY_SECTIONS:
            chosen = [f for f in report.findings if f.severity == severity]
            if not chosen:
                continue
            console.print(Text(heading, style="bold underline"))
            for f in sorted(chosen, key=lambda f: _STATUS_ORDER[f.status]):
                _finding_text(console, f)
        verdict = Text(
            "COMPLIANT" if report.compliant else "NOT COMPLIANT",
            style="bold green" if report.compliant else "bold red",
        )
        line = Text("Result: ")
        line.append(verdict)
        line.append(f"  — expectations (must): {_counts(report, 'must')}")
        advisory = _counts(report, "should")
        if advisory:
            line.append(f"; good practice (advisory): {advisory}")
        console.print(line)
    return buf.getvalue()


def late_words(f: Finding) -> str:
    """``Met late, on 1 May 2023, after its due date of 1 April 2023`` ('' if not late)."""
    if not f.late or f.met_on is None or f.due is None:
        return ""
    return f"Met late, on {in_words(f.met_on)}, after its due date of {in_words(f.due)}"


def _counts(report: Report, severity: str) -> str:
    """``12 pass, 0 fail, 3 not yet due, 6 not applicable`` for one severity tier of the whole
    assessment, even when a selection shows fewer findings ('' if the tier has none)."""
    counts = report.by_severity.get(severity, {})
    if not any(counts.values()):
        return ""
    return ", ".join(
        f"{counts.get(status, 0)} {status.replace('_', ' ')}"
        for status in ("pass", "fail", "not_yet_due", "not_applicable")
    )


def _assessed(report: Report) -> tuple[Finding, ...]:
    """Every finding of the assessment, including those a selection does not show."""
    return report.assessed if isinstance(report, SelectedReport) else report.findings


def _finding_text(console: Console, f: Finding) -> None:
    label, style = _BADGE[f.status]
    head = Text()
    head.append(f"{label:<12}", style=style)
    head.append(f"{f.rule:<8} ", style="bold")
    head.append(f.title)
    head.append(f"  [{f.severity}", style="dim")
    head.append(f", due {f.due.isoformat()}]" if f.due else "]", style="dim")
    console.print(head)
    if f.late:
        console.print(Text(f"{' ' * 12}{late_words(f)}", style="yellow"))
    if f.status in ("fail", "not_yet_due"):
        indent = " " * 12
        console.print(Text(f"{indent}Why: {f.explanation}"))
        if f.facts:
            console.print(Text(f"{indent}Facts: {_facts_line(f.facts)}", style="dim"))
        rests = _rests_on(f)
        if rests:
            console.print(Text(f"{indent}Rests on: {rests}", style="dim"))
        if f.remedy:
            console.print(Text(f"{indent}Fix: {f.remedy}", style="cyan"))
        console.print(Text(f"{indent}Source: {f.citation}", style="dim"))
        if f.decisions:
            console.print(Text(f"{indent}Decision: {', '.join(f.decisions)}", style="dim"))


def _rests_on(f: Finding) -> str:
    """The rules a finding reads, from its trace: ``PLAN-1 (fail), OUT-1 (pass)``."""
    if f.trace is None:
        return ""
    rules = printable_data(f.trace.to_json()["rules"])
    return ", ".join(f"{r['rule']} ({str(r['status']).replace('_', ' ')})" for r in rules)


def _failing_must(report: Report) -> list[Finding]:
    return [f for f in _assessed(report) if f.severity == "must" and f.status == "fail"]


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.2rem}.meta{color:#555;margin-top:0}
.verdict{font-weight:700;padding:.5rem .8rem;border-radius:.3rem;display:inline-block}
.ok{background:#e3f4e6;color:#0b5b1d}.bad{background:#fbe4e4;color:#8a1010}
table{border-collapse:collapse;width:100%;margin-top:1rem}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid #ddd;padding:.45rem .5rem}
.badge{font-size:.8rem;font-weight:700;padding:.1rem .4rem;border-radius:.25rem;white-space:nowrap}
.pass{background:#e3f4e6;color:#0b5b1d}.fail{background:#fbe4e4;color:#8a1010}
.not_yet_due{background:#fff4d6;color:#6b4e00}.not_applicable{background:#eee;color:#555}
.late{background:#fff4d6;color:#6b4e00}.small{color:#555;font-size:.85rem}.rid{white-space:nowrap}h2{font-size:1.15rem;margin-top:1.6rem}code{font-size:.85rem}
.summary{border:2px solid #8a1010;border-radius:.3rem;padding:.6rem 1rem;margin:1rem 0}
.summary.ok{border-color:#0b5b1d}.summary h2{margin:.2rem 0 .4rem}.summary ul{margin:.2rem 0}
.sev-must{background:#1b1b1b;color:#fff}
.sev-should{background:#fff;color:#1b1b1b;border:1px solid #777}
a{color:#0b4f8a}
@media print{body{max-width:none;margin:0;font-size:10pt}.summary{break-inside:avoid}
tr{break-inside:avoid}a{color:inherit;text-decoration:none}h2{break-after:avoid}}
"""


def to_html(reports: Sequence[Report]) -> str:
    """A standalone HTML page (no scripts, no external files)."""
    e = html.escape
    body: list[str] = []
    for report in map(printable_report, reports):
        ok = report.compliant
        body.append(
            f"<section><h1>{e(report.name)} <span class='small'>({e(report.place)})</span></h1>"
        )
        body.append(
            f"<p class='meta'>Assessed on {report.as_of.isoformat()} against "
            + ", ".join(f"{e(r['name'])} {e(r['version'])}" for r in report.rulesets)
            + f" · engine {e(report.engine)}</p>"
        )
        body.append(
            f"<p class='verdict {'ok' if ok else 'bad'}'>"
            f"{'Compliant' if ok else 'Not compliant'}</p>"
        )
        body.append(_summary_box(report))
        body.append(_overrides_html(report))
        for severity, heading in _SEVERITY_SECTIONS:
            chosen = [f for f in report.findings if f.severity == severity]
            if not chosen:
                continue
            body.append(
                f"<h2>{heading}</h2><p class='small'>{e(_counts(report, severity))}</p>"
                "<table><thead><tr><th>Rule</th><th>Status</th><th>Finding</th></tr></thead>"
                "<tbody>"
            )
            for f in sorted(chosen, key=lambda f: _STATUS_ORDER[f.status]):
                body.append(_finding_row(f))
            body.append("</tbody></table>")
        body.append("</section>")
    body.append(_decisions_html(reports))
    title = (
        "govrules report" if len(reports) != 1 else f"govrules report: {printable(reports[0].name)}"
    )
    return (
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{e(title)}"
        f"</title><style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _summary_box(report: Report) -> str:
    """The box at the top: each failing must criterion, linked to its finding."""
    e = html.escape
    failing = _failing_must(report)
    shown = {f.rule for f in report.findings}
    advisory = report.by_severity.get("should", {}).get("fail", 0)
    extra = (
        f"<p class='small'>Good practice (advisory, does not affect compliance): {advisory} not "
        "met.</p>"
        if advisory
        else ""
    )
    if not failing:
        return (
            "<div class='summary ok' role='region' aria-label='Summary'><h2>Every must "
            f"criterion due is met</h2><p class='small'>{e(_counts(report, 'must'))}</p>"
            f"{extra}</div>"
        )
    items = "".join(
        f"<li><a href='#{e(printable(f.rule))}'>{e(printable(f.rule))}</a> "
        f"{e(printable(f.title))}</li>"
        if f.rule in shown
        else f"<li>{e(printable(f.rule))} {e(printable(f.title))}</li>"
        for f in failing
    )
    return (
        "<div class='summary' role='region' aria-label='Summary'><h2>"
        f"{len(failing)} must criteri{'on' if len(failing) == 1 else 'a'} not met</h2>"
        f"<ul>{items}</ul>{extra}</div>"
    )


def _overrides_html(report: Report) -> str:
    """The parameters local rules changed, with their reasons."""
    e = html.escape
    rows = [
        f"<li><code>{e(str(o['parameter']))}</code> = {e(str(o['value']))} (was "
        f"{e(str(o['previous']))} in {e(str(o['previous_file']))}; set in {e(str(o['file']))}:"
        f"{e(str(o['line']))})" + (f": {e(str(o['reason']))}" if o.get("reason") else "") + "</li>"
        for r in report.rulesets
        for o in r.get("overrides", [])
    ]
    if not rows:
        return ""
    return f"<h2>Local parameters</h2><ul class='small'>{''.join(rows)}</ul>"


def _decisions_html(reports: Sequence[Report]) -> str:
    """The decisions the findings name, explained, so the page stands alone."""
    e = html.escape
    codes = dict.fromkeys(d for r in reports for f in r.findings for d in f.decisions)
    entries = [entry for entry in map(decision, codes) if entry is not None]
    if not entries:
        return ""
    items = "".join(
        f"<dt id='{e(d.anchor)}'><strong>{e(d.code)}</strong> {e(d.headline)}</dt>"
        f"<dd class='small'>{e(d.text)}</dd>"
        for d in sorted(entries, key=lambda d: int(d.code.split("-")[1]))
    )
    return (
        "<section><h2>Decisions behind these findings</h2><p class='small'>Where the sources are "
        "ambiguous the rules take a reading; each finding names the readings its verdict rests "
        f"on (docs/decisions.md).</p><dl>{items}</dl></section>"
    )


def _finding_row(f: Finding) -> str:
    e = html.escape
    label = _BADGE[f.status][0]
    detail = [f"<strong>{e(f.title)}</strong>", f"<div>{e(f.explanation)}</div>"]
    if f.remedy and f.status != "pass":
        detail.append(f"<div><em>What would make it pass:</em> {e(f.remedy)}</div>")
    if f.facts:
        detail.append(f"<div class='small'>Facts: <code>{e(_facts_line(f.facts))}</code></div>")
    if f.trace is not None and f.status in ("fail", "not_yet_due"):
        refs = printable_data(f.trace.to_json()["rules"])
        if refs:
            links = ", ".join(
                f"<a href='#{e(r['rule'])}' title='{e(r['title'])}'>{e(r['rule'])}</a> "
                f"({e(str(r['status']).replace('_', ' '))})"
                for r in refs
            )
            detail.append(f"<div class='small'>Rests on: {links}</div>")
    detail.append(f"<div class='small'>Source: {e(f.citation)}</div>")
    if f.decisions:
        codes = ", ".join(
            f"<a href='#{e(d.lower())}'>{e(d)}</a>" if decision(d) else e(d) for d in f.decisions
        )
        detail.append(f"<div class='small'>Decisions: {codes}</div>")
    due = f"due {f.due.isoformat()}" if f.due else "no due date"
    late = " <span class='badge late'>met late</span>" if f.late else ""
    return (
        f"<tr id='{e(f.rule)}'><td><strong class='rid'>{e(f.rule)}</strong><div class='small'>"
        f"<span class='badge sev-{e(f.severity)}'>{e(f.severity)}</span> · {due}</div></td>"
        f"<td><span class='badge {f.status}'>"
        f"{label}</span>{late}</td><td>{''.join(detail)}</td></tr>"
    )


def to_junit(reports: Sequence[Report]) -> str:
    """JUnit XML: a test suite per declaration, a test case per rule.

    Only a failing ``must`` criterion is a ``<failure>``, so a compliant place is green on a CI
    dashboard; a failing ``should`` (advisory) criterion is ``<skipped>`` with its explanation and
    a ``severity``/``status`` property, as are criteria not yet due or not applicable.
    """
    suites = ET.Element("testsuites", name="govrules")
    for report in map(printable_report, reports):
        failures = sum(1 for f in report.findings if f.status == "fail" and f.severity == "must")
        skipped = sum(1 for f in report.findings if f.status != "pass") - failures
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{report.place} ({report.as_of.isoformat()})",
            tests=str(len(report.findings)),
            failures=str(failures),
            skipped=str(skipped),
            errors="0",
        )
        for f in report.findings:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"{report.place}.{f.ruleset}",
                name=f"{f.rule} {f.title}",
            )
            props = ET.SubElement(case, "properties")
            ET.SubElement(props, "property", name="severity", value=f.severity)
            ET.SubElement(props, "property", name="status", value=f.status)
            if f.late:
                ET.SubElement(props, "property", name="late", value="true")
                ET.SubElement(props, "property", name="met_on", value=str(f.met_on))
                ET.SubElement(case, "system-out").text = late_words(f)
            if f.status == "fail" and f.severity == "must":
                fail = ET.SubElement(case, "failure", message=f.explanation, type="must")
                fail.text = f"{f.explanation}\nFix: {f.remedy or ''}\nSource: {f.citation}"
            elif f.status == "fail":
                ET.SubElement(
                    case,
                    "skipped",
                    message=f"advisory (should) not met: {f.explanation}",
                ).text = f"Fix: {f.remedy or ''}\nSource: {f.citation}"
            elif f.status != "pass":
                ET.SubElement(case, "skipped", message=f"{f.status}: {f.explanation}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, "unicode") + "\n"
