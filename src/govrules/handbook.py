"""The criteria handbook: every rule as a policy reviewer reads it, in HTML or Markdown.

    >>> from govrules.evaluator import load_rulesets
    >>> program = load_rulesets()
    >>> examples = example_reports(program, [Path("examples/northshire.yaml")], "2023-09-30")
    >>> page = build_handbook(program, examples).to_html()

For each rule the handbook gives its ID, title, severity, due date and the parameter behind it,
the encoding decisions (AMB-n) it depends on, the citation, the rule's text exactly as written,
the rules it reads, and how it comes out on the example declarations. A title page lists the
rulesets with their digests, source documents and parameters (with the reason for each value,
and any override), and the example declarations.

Output is deterministic: the same rules and examples give the same bytes (no timestamps).
The HTML is one standalone page: no scripts, no external files, every text escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .checker import CheckedRule
from .checker import ParamInfo
from .checker import ParamValue
from .checker import Program
from .declaration import load_declaration
from .errors import UsageError
from .evaluator import Engine
from .evaluator import display_path
from .evaluator import parse_date
from .files import write_atomically
from .report import STATUSES
from .report import Finding
from .report import Report
from .report import Status
from .report import rule_sort_key

HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")

#: Longest failing explanation shown under a rule before it is shortened.
EXPLANATION_LIMIT = 320

_STATUS_LABEL: dict[Status, str] = {
    "pass": "Passes",
    "fail": "Fails",
    "not_yet_due": "Not yet due",
    "not_applicable": "Not applicable",
}
_COUNT_LABEL: dict[str, str] = {
    "pass": "pass",
    "fail": "fail",
    "not_yet_due": "not yet due",
    "not_applicable": "not applicable",
}
_BADGE: dict[Status, str] = {
    "pass": "PASS",
    "fail": "FAIL",
    "not_yet_due": "NOT YET DUE",
    "not_applicable": "N/A",
}


# ---------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class ParamEntry:
    """One parameter as the title page shows it."""

    name: str
    type: str
    value: str
    basis: str
    defined_in: str
    override: str | None


@dataclass(frozen=True, slots=True)
class RulesetEntry:
    """One ruleset: identity, files, source documents and parameters."""

    name: str
    version: str
    declaration_format: str
    digest: str
    files: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]
    params: tuple[ParamEntry, ...]
    rule_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExampleEntry:
    """One example declaration and its overall result."""

    label: str
    place: str
    name: str
    as_of: dt.date
    compliant: bool
    summary: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class ExampleOutcome:
    """How one rule came out on one example."""

    example: str
    status: Status
    explanation: str
    would_pass: bool | None


@dataclass(frozen=True, slots=True)
class Due:
    """When a rule starts to count, and why."""

    date: dt.date
    param: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a rule comes from: document, section, and what it says in our words."""

    document: str
    section: str
    text: str


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """Everything the handbook says about one rule."""

    id: str
    title: str
    severity: str
    ruleset: str
    due: Due | None
    decisions: tuple[str, ...]
    citation: Citation | None
    citation_text: str
    text: str
    depends_on: tuple[str, ...]
    used_by: tuple[str, ...]
    outcomes: tuple[ExampleOutcome, ...]

    def with_status(self, status: Status) -> tuple[ExampleOutcome, ...]:
        """The examples on which this rule has one status, in example order."""
        return tuple(o for o in self.outcomes if o.status == status)


@dataclass(frozen=True)
class Handbook:
    """The criteria handbook, ready to render as HTML or Markdown."""

    title: str
    rulesets: tuple[RulesetEntry, ...]
    rules: tuple[RuleEntry, ...]
    examples: tuple[ExampleEntry, ...]

    def rules_of(self, ruleset: str) -> tuple[RuleEntry, ...]:
        """The rules of one ruleset in natural ID order."""
        return tuple(r for r in self.rules if r.ruleset == ruleset)

    def to_html(self) -> str:
        """A standalone HTML page (no scripts, no external files)."""
        return _to_html(self)

    def to_markdown(self) -> str:
        """The same content as Markdown (anchors as ``<a id>``, rule text in fenced blocks)."""
        return _to_markdown(self)


# ---------------------------------------------------------------------------- building


def _format_value(value: ParamValue) -> str:
    """A parameter value as the rule language writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    return str(value)


def _param_basis(p: ParamInfo, sources: dict[str, str]) -> str:
    parts: list[str] = []
    if p.reason:
        parts.append(p.reason)
    if p.citation is not None:
        c = p.citation
        parts.append(f"{sources.get(c.source, c.source)}, {c.section}: {c.text}")
    return " — ".join(parts) if parts else "no reason given"


def build_handbook(
    program: Program,
    examples: Sequence[tuple[str, Report]],
    *,
    title: str = "govrules criteria handbook",
) -> Handbook:
    """Gather what the handbook says about every rule of ``program``.

    Args:
        program: The checked rulesets.
        examples: ``(label, report)`` pairs, in the order the handbook lists them.
        title: The handbook's title.
    """
    all_sources: dict[str, str] = {}
    for info in program.rulesets:
        all_sources.update(info.sources)
    ruleset_of_file = {f: info.name for info in program.rulesets for f in info.files}

    rulesets: list[RulesetEntry] = []
    for info in program.rulesets:
        overrides = {o.parameter: o for o in info.overrides}
        params: list[ParamEntry] = []
        for p in program.params.values():
            if ruleset_of_file.get(p.source) != info.name:
                continue
            o = overrides.get(p.name)
            note = None
            if o is not None:
                note = (
                    f"overridden in {display_path(o.file)}:{o.line}; was "
                    f"{_format_value(o.previous)} in {display_path(o.previous_file)}"
                )
            params.append(
                ParamEntry(
                    name=p.name,
                    type=p.type,
                    value=_format_value(p.value),
                    basis=_param_basis(p, info.sources or all_sources),
                    defined_in=f"{display_path(p.source)}:{p.span.line}",
                    override=note,
                )
            )
        ids = sorted((r.id for r in program.rules if r.ruleset == info.name), key=rule_sort_key)
        rulesets.append(
            RulesetEntry(
                name=info.name,
                version=info.version,
                declaration_format=info.declaration_format,
                digest=info.digest,
                files=tuple(display_path(f) for f in info.files),
                sources=tuple(sorted(info.sources.items())),
                params=tuple(params),
                rule_ids=tuple(ids),
            )
        )

    used_by: dict[str, list[str]] = {}
    for r in program.rules:
        for dep in r.depends_on:
            used_by.setdefault(dep, []).append(r.id)

    findings: dict[str, list[tuple[str, Finding]]] = {}
    for label, report in examples:
        for f in report.findings:
            findings.setdefault(f.rule, []).append((label, f))

    order = {info.name: i for i, info in enumerate(program.rulesets)}
    ordered = sorted(
        program.rules, key=lambda r: (order.get(r.ruleset, len(order)), rule_sort_key(r.id))
    )
    rules = tuple(
        _rule_entry(r, program, all_sources, used_by.get(r.id, []), findings.get(r.id, []))
        for r in ordered
    )
    entries = tuple(
        ExampleEntry(
            label=label,
            place=report.place,
            name=report.name,
            as_of=report.as_of,
            compliant=report.compliant,
            summary=tuple(report.summary.items()),
        )
        for label, report in examples
    )
    return Handbook(title=title, rulesets=tuple(rulesets), rules=rules, examples=entries)


def _rule_entry(
    r: CheckedRule,
    program: Program,
    sources: dict[str, str],
    used_by: list[str],
    findings: list[tuple[str, Finding]],
) -> RuleEntry:
    rule = r.rule
    due = None
    if r.due is not None:
        p = program.params.get(r.due_param) if r.due_param else None
        due = Due(r.due, r.due_param, p.reason if p is not None else None)
    citation = None
    if rule.citation is not None:
        c = rule.citation
        citation = Citation(sources.get(c.source, c.source), c.section, c.text)
    return RuleEntry(
        id=r.id,
        title=rule.title or "",
        severity=rule.severity or "must",
        ruleset=r.ruleset,
        due=due,
        decisions=rule.decisions,
        citation=citation,
        citation_text=r.citation,
        text=_dedent_rule(rule.text),
        depends_on=r.depends_on,
        used_by=tuple(sorted(used_by, key=rule_sort_key)),
        outcomes=tuple(
            ExampleOutcome(label, f.status, f.explanation, f.would_pass) for label, f in findings
        ),
    )


def _dedent_rule(text: str) -> str:
    """The rule as written, without trailing blanks (its first line starts at column 1)."""
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def shorten(text: str, limit: int = EXPLANATION_LIMIT) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters, marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def _due_sentence(due: Due | None) -> str:
    if due is None:
        return "none: the rule counts from the start."
    if due.param is None:
        return f"{due.date.isoformat()} (a date written in the rule)."
    return f"{due.date.isoformat()}, set by parameter {due.param}."


def _would(o: ExampleOutcome) -> str:
    if o.would_pass is None:
        return ""
    return " (would pass today)" if o.would_pass else " (would not pass today)"


# ---------------------------------------------------------------------------- HTML

_CSS = """
:root{--ink:#1b1b1b;--muted:#555;--rule:#d8d8d8;--accent:#1d4f91}
body{font-family:Georgia,"Iowan Old Style","Times New Roman",serif;font-size:1.05rem;
max-width:52rem;margin:2rem auto;padding:0 1.2rem;color:var(--ink);line-height:1.55}
h1,h2,h3,h4,.badge,.sev,table,nav{font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.9rem;margin:0 0 .3rem}h2{font-size:1.4rem;margin-top:2.2rem;
border-bottom:2px solid var(--ink);padding-bottom:.2rem}
h3{font-size:1.15rem;margin:.2rem 0}h4{font-size:.95rem;margin:1rem 0 .3rem;color:var(--muted);
text-transform:uppercase;letter-spacing:.04em}
a{color:var(--accent)}.muted{color:var(--muted)}.small{font-size:.85rem}
code,pre{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:.82rem}
pre{background:#f6f7f9;border:1px solid var(--rule);border-radius:.3rem;padding:.7rem .9rem;
white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.9rem}
th,td{text-align:left;vertical-align:top;border-bottom:1px solid var(--rule);padding:.35rem .5rem}
th{background:#f1f3f6}td.wrap{overflow-wrap:break-word}
table.params td:first-child{overflow-wrap:anywhere;width:30%}table.params td.wrap{width:22%}
dl.facts{display:grid;grid-template-columns:9rem 1fr;gap:.25rem .8rem;margin:.6rem 0}
dl.facts dt{font-family:system-ui,sans-serif;font-size:.85rem;color:var(--muted);padding-top:.15rem}
dl.facts dd{margin:0}
.titlepage{border-bottom:1px solid var(--rule);padding-bottom:1rem}
nav ol{padding-left:1.2rem}nav li{margin:.15rem 0}nav .rid{display:inline-block;min-width:5rem;
font-weight:600}
article.rule{border-top:1px solid var(--rule);padding-top:1.2rem;margin-top:1.8rem}
.rulehead{display:flex;gap:.6rem;align-items:baseline;flex-wrap:wrap}
.rulehead .rid{font-family:system-ui,sans-serif;font-weight:700;font-size:1.15rem}
.badge,.sev{font-size:.75rem;font-weight:700;padding:.1rem .4rem;border-radius:.25rem;
white-space:nowrap}
.sev.must{background:#1b1b1b;color:#fff}.sev.should{background:#e4e8f0;color:#223}
.pass{background:#e3f4e6;color:#0b5b1d}.fail{background:#fbe4e4;color:#8a1010}
.not_yet_due{background:#fff4d6;color:#6b4e00}.not_applicable{background:#eee;color:#555}
.ok{color:#0b5b1d;font-weight:700}.bad{color:#8a1010;font-weight:700}
ul.examples{list-style:none;padding:0;margin:.3rem 0}ul.examples li{margin:.35rem 0}
.explain{display:block;margin:.2rem 0 0 1.2rem;font-size:.92rem;color:#333}
.none{font-style:italic;color:var(--muted)}
blockquote{margin:.4rem 0;padding:.1rem .9rem;border-left:3px solid var(--rule);color:#333}
@media print{
body{max-width:none;margin:0;font-size:10.5pt}a{color:inherit;text-decoration:none}
.titlepage,nav{break-after:page}h2{break-after:avoid}
.rulehead,dl.facts,h4{break-after:avoid}pre,table,li{break-inside:avoid}
pre{background:none}
}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _rule_link(rule_id: str) -> str:
    return f"<a href='#{_e(rule_id)}'>{_e(rule_id)}</a>"


def _to_html(hb: Handbook) -> str:
    out: list[str] = [
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{_e(hb.title)}</title><style>{_CSS}</style></head><body>\n"
    ]
    out.append(_html_title_page(hb))
    out.append(_html_contents(hb))
    for rs in hb.rulesets:
        out.append(
            f"<section class='ruleset' id='rules-{_e(rs.name)}'><h2>Rules of {_e(rs.name)} "
            f"<span class='muted small'>version {_e(rs.version)}</span></h2>\n"
        )
        rules = hb.rules_of(rs.name)
        if not rules:
            out.append("<p class='none'>This ruleset has no rules.</p>\n")
        for r in rules:
            out.append(_html_rule(r))
        out.append("</section>\n")
    out.append("</body></html>\n")
    return "".join(out)


def _html_title_page(hb: Handbook) -> str:
    n = len(hb.rules)
    out = [
        "<header class='titlepage'>",
        f"<h1>{_e(hb.title)}</h1>",
        f"<p class='muted'>{n} rule{'s' if n != 1 else ''} in {len(hb.rulesets)} "
        f"ruleset{'s' if len(hb.rulesets) != 1 else ''}. For each rule: what it requires, by "
        "when, on whose authority, the rule exactly as written, and how it comes out on the "
        "example declarations.</p>",
    ]
    for rs in hb.rulesets:
        out.append(f"<section id='ruleset-{_e(rs.name)}'><h2>Ruleset {_e(rs.name)}</h2>")
        out.append("<dl class='facts'>")
        out.append(f"<dt>Version</dt><dd>{_e(rs.version)}</dd>")
        out.append(f"<dt>Checks</dt><dd><code>{_e(rs.declaration_format)}</code></dd>")
        out.append(f"<dt>Digest</dt><dd><code>{_e(rs.digest)}</code></dd>")
        files = "<br>".join(f"<code>{_e(f)}</code>" for f in rs.files)
        out.append(f"<dt>Files</dt><dd>{files}</dd>")
        out.append(f"<dt>Rules</dt><dd>{len(rs.rule_ids)}</dd></dl>")
        out.append("<h4>Source documents</h4>")
        if rs.sources:
            out.append("<table><thead><tr><th>Key</th><th>Document</th></tr></thead><tbody>")
            for key, title in rs.sources:
                out.append(f"<tr><td><code>{_e(key)}</code></td><td>{_e(title)}</td></tr>")
            out.append("</tbody></table>")
        else:
            out.append("<p class='none'>No source documents are declared.</p>")
        out.append("<h4>Parameters</h4>")
        if rs.params:
            out.append(
                "<table class='params'><thead><tr><th>Parameter</th><th>Value</th>"
                "<th>Basis</th></tr></thead><tbody>"
            )
            for p in rs.params:
                where = f"<div class='muted small'>defined in <code>{_e(p.defined_in)}</code>"
                if p.override:
                    where += f"; <strong>{_e(p.override)}</strong>"
                where += "</div>"
                out.append(
                    f"<tr id='param-{_e(p.name)}'><td><code>{_e(p.name)}</code>"
                    f"<div class='muted small'>{_e(p.type)}</div></td>"
                    f"<td class='wrap'><code>{_e(p.value)}</code></td>"
                    f"<td>{_e(p.basis)}{where}</td></tr>"
                )
            out.append("</tbody></table>")
        else:
            out.append("<p class='none'>This ruleset has no parameters.</p>")
        out.append("</section>")
    out.append("<section id='examples'><h2>Example declarations</h2>")
    if hb.examples:
        out.append(
            "<table><thead><tr><th>Example</th><th>Place</th><th>Assessed on</th>"
            "<th>Result</th></tr></thead><tbody>"
        )
        for ex in hb.examples:
            counts = " · ".join(
                f"{c} {_COUNT_LABEL[s]}" for s, c in ex.summary if s in _COUNT_LABEL
            )
            verdict = (
                "<span class='ok'>Compliant</span>"
                if ex.compliant
                else "<span class='bad'>Not compliant</span>"
            )
            out.append(
                f"<tr><td><code>{_e(ex.label)}</code></td><td>{_e(ex.name)} "
                f"<span class='muted small'>({_e(ex.place)})</span></td>"
                f"<td>{ex.as_of.isoformat()}</td><td>{verdict}"
                f"<div class='muted small'>{_e(counts)}</div></td></tr>"
            )
        out.append("</tbody></table>")
    else:
        out.append("<p class='none'>No example declarations were given.</p>")
    out.append("</section></header>\n")
    return "".join(out)


def _html_contents(hb: Handbook) -> str:
    out = ["<nav id='contents'><h2>Contents</h2>"]
    for rs in hb.rulesets:
        out.append(f"<h3><a href='#rules-{_e(rs.name)}'>{_e(rs.name)}</a></h3><ol>")
        for r in hb.rules_of(rs.name):
            out.append(
                f"<li><a class='rid' href='#{_e(r.id)}'>{_e(r.id)}</a> {_e(r.title)} "
                f"<span class='sev {_e(r.severity)}'>{_e(r.severity)}</span></li>"
            )
        out.append("</ol>")
    out.append("</nav>\n")
    return "".join(out)


def _html_rule(r: RuleEntry) -> str:
    out = [
        f"<article class='rule' id='{_e(r.id)}'><div class='rulehead'>"
        f"<span class='rid'>{_e(r.id)}</span>"
        f"<span class='sev {_e(r.severity)}'>{_e(r.severity)}</span></div>"
        f"<h3>{_e(r.title)}</h3><dl class='facts'>"
    ]
    out.append(f"<dt>Severity</dt><dd>{_e(_severity_sentence(r.severity))}</dd>")
    due = _e(_due_sentence(r.due))
    if r.due is not None and r.due.param is not None:
        param = r.due.param
        due = (
            f"{r.due.date.isoformat()}, set by parameter "
            f"<a href='#param-{_e(param)}'><code>{_e(param)}</code></a>."
        )
        if r.due.reason:
            due += f"<div class='muted small'>Why this date: {_e(r.due.reason)}</div>"
    out.append(f"<dt>Due</dt><dd>{due}</dd>")
    decisions = ", ".join(_e(d) for d in r.decisions) or "<span class='none'>none</span>"
    out.append(f"<dt>Decisions</dt><dd>{decisions}</dd>")
    if r.citation is not None:
        c = r.citation
        cite = f"{_e(c.document)}, <em>{_e(c.section)}</em><blockquote>{_e(c.text)}</blockquote>"
    else:
        cite = _e(r.citation_text) or "<span class='none'>none</span>"
    out.append(f"<dt>Source</dt><dd>{cite}</dd>")
    deps = ", ".join(_rule_link(d) for d in r.depends_on) or "<span class='none'>none</span>"
    out.append(f"<dt>Depends on</dt><dd>{deps}</dd>")
    if r.used_by:
        out.append(f"<dt>Used by</dt><dd>{', '.join(_rule_link(d) for d in r.used_by)}</dd>")
    out.append(f"<dt>Ruleset</dt><dd><a href='#ruleset-{_e(r.ruleset)}'>{_e(r.ruleset)}</a></dd>")
    out.append("</dl><h4>The rule as written</h4>")
    out.append(f"<pre>{_e(r.text)}</pre>")
    out.append("<h4>Examples</h4><ul class='examples'>")
    for status in STATUSES:
        found = r.with_status(status)
        if not found:
            continue
        for o in found:
            line = (
                f"<li><span class='badge {status}'>{_BADGE[status]}</span> "
                f"<code>{_e(o.example)}</code>{_e(_would(o))}"
            )
            if status == "fail":
                line += f"<span class='explain'>{_e(shorten(o.explanation))}</span>"
            out.append(line + "</li>")
    out.append("</ul>")
    for sentence in _missing_sentences(r):
        out.append(f"<p class='none'>{_e(sentence)}</p>")
    out.append("</article>\n")
    return "".join(out)


def _severity_sentence(severity: str) -> str:
    if severity == "must":
        return "must: a failure makes the place not compliant"
    if severity == "should":
        return "should: a failure is reported but does not make the place non-compliant"
    return severity


def _missing_sentences(r: RuleEntry) -> list[str]:
    if not r.outcomes:
        return ["No example declaration is checked by this rule."]
    out = []
    if not r.with_status("pass"):
        out.append("No example declaration passes this rule.")
    if not r.with_status("fail"):
        out.append("No example declaration fails this rule.")
    return out


# ---------------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _m(text: object) -> str:
    """Inline Markdown text, with every character that could start markup escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _mc(text: str) -> str:
    """An inline code span that survives backticks in ``text``."""
    ticks = max((len(t) for t in re.findall(r"`+", text)), default=0) + 1
    fence = "`" * ticks
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_cell(text: str) -> str:
    """Table cell text: every pipe not already escaped is escaped (code spans included)."""
    return re.sub(r"(?<!\\)\|", r"\|", text)


def _md_fence(text: str) -> str:
    ticks = max((len(t) for t in re.findall(r"`{3,}", text)), default=2) + 1
    fence = "`" * ticks
    return f"{fence}\n{text}\n{fence}"


def _to_markdown(hb: Handbook) -> str:
    out: list[str] = [f"# {_m(hb.title)}", ""]
    n = len(hb.rules)
    out += [
        f"{n} rule{'s' if n != 1 else ''} in {len(hb.rulesets)} "
        f"ruleset{'s' if len(hb.rulesets) != 1 else ''}. For each rule: what it requires, by "
        "when, on whose authority, the rule exactly as written, and how it comes out on the "
        "example declarations.",
        "",
    ]
    for rs in hb.rulesets:
        out += [f'<a id="ruleset-{_e(rs.name)}"></a>', "", f"## Ruleset {_m(rs.name)}", ""]
        out += [
            f"- Version: {_m(rs.version)}",
            f"- Checks: {_mc(rs.declaration_format)}",
            f"- Digest: {_mc(rs.digest)}",
            "- Files: " + ", ".join(_mc(f) for f in rs.files),
            f"- Rules: {len(rs.rule_ids)}",
            "",
            "**Source documents**",
            "",
        ]
        if rs.sources:
            out += ["| Key | Document |", "|---|---|"]
            out += [f"| {_md_cell(_mc(k))} | {_m(t)} |" for k, t in rs.sources]
        else:
            out.append("_No source documents are declared._")
        out += ["", "**Parameters**", ""]
        if rs.params:
            out += ["| Parameter | Type | Value | Basis |", "|---|---|---|---|"]
            for p in rs.params:
                basis = f"{_m(p.basis)} (defined in {_mc(p.defined_in)}"
                basis += f"; **{_m(p.override)}**)" if p.override else ")"
                anchor = f'<a id="param-{_e(p.name)}"></a>'
                out.append(
                    f"| {anchor}{_md_cell(_mc(p.name))} | {_m(p.type)} "
                    f"| {_md_cell(_mc(p.value))} | {_md_cell(basis)} |"
                )
        else:
            out.append("_This ruleset has no parameters._")
        out.append("")
    out += ["## Example declarations", ""]
    if hb.examples:
        out += ["| Example | Place | Assessed on | Result |", "|---|---|---|---|"]
        for ex in hb.examples:
            counts = ", ".join(f"{c} {_COUNT_LABEL[s]}" for s, c in ex.summary if s in _COUNT_LABEL)
            verdict = "**Compliant**" if ex.compliant else "**Not compliant**"
            out.append(
                f"| {_md_cell(_mc(ex.label))} | {_m(ex.name)} ({_m(ex.place)}) "
                f"| {ex.as_of.isoformat()} | {verdict} ({counts}) |"
            )
    else:
        out.append("_No example declarations were given._")
    out += ["", "## Contents", ""]
    for rs in hb.rulesets:
        out.append(f"- [{_m(rs.name)}](#rules-{rs.name})")
        for r in hb.rules_of(rs.name):
            out.append(f"  - [{_m(r.id)}](#{r.id}) {_m(r.title)} ({r.severity})")
    out.append("")
    for rs in hb.rulesets:
        out += [
            f'<a id="rules-{_e(rs.name)}"></a>',
            "",
            f"## Rules of {_m(rs.name)} (version {_m(rs.version)})",
            "",
        ]
        rules = hb.rules_of(rs.name)
        if not rules:
            out += ["_This ruleset has no rules._", ""]
        for r in rules:
            out += _md_rule(r)
    return "\n".join(out).rstrip("\n") + "\n"


def _md_rule(r: RuleEntry) -> list[str]:
    out = [f'<a id="{_e(r.id)}"></a>', "", f"### {_m(r.id)}: {_m(r.title)}", ""]
    out.append(f"- **Severity:** {_m(_severity_sentence(r.severity))}")
    due = _m(_due_sentence(r.due))
    if r.due is not None and r.due.param is not None:
        param = r.due.param
        due = f"{r.due.date.isoformat()}, set by parameter [{_mc(param)}](#param-{param})."
        if r.due.reason:
            due += f" Why this date: {_m(r.due.reason)}"
    out.append(f"- **Due:** {due}")
    out.append(f"- **Decisions:** {', '.join(_m(d) for d in r.decisions) or 'none'}")
    if r.citation is not None:
        c = r.citation
        out.append(f"- **Source:** {_m(c.document)}, _{_m(c.section)}_: {_m(c.text)}")
    else:
        out.append(f"- **Source:** {_m(r.citation_text) or 'none'}")
    deps = ", ".join(f"[{_m(d)}](#{d})" for d in r.depends_on) or "none"
    out.append(f"- **Depends on:** {deps}")
    if r.used_by:
        out.append("- **Used by:** " + ", ".join(f"[{_m(d)}](#{d})" for d in r.used_by))
    out += ["", "The rule as written:", "", _md_fence(r.text), "", "**Examples**", ""]
    any_listed = False
    for status in STATUSES:
        for o in r.with_status(status):
            any_listed = True
            line = f"- **{_STATUS_LABEL[status]}** on {_mc(o.example)}{_m(_would(o))}"
            if status == "fail":
                line += f": {_m(shorten(o.explanation))}"
            out.append(line)
    if any_listed:
        out.append("")
    for sentence in _missing_sentences(r):
        out += [f"_{_m(sentence)}_", ""]
    return out


# ---------------------------------------------------------------------------- files


def example_reports(
    program: Program,
    example_paths: Sequence[Path],
    as_of: str | dt.date | None,
) -> list[tuple[str, Report]]:
    """Check each example declaration with the Python engine, labelled by its file name.

    Nothing is skipped: an example that cannot be read or is invalid raises
    :class:`~govrules.errors.DeclarationError`. Two examples with the same file name are
    labelled by their full paths instead.
    """
    date = parse_date(as_of)
    engine = Engine(program, "python")
    paths = [Path(p) for p in example_paths]
    names = [p.name for p in paths]
    out: list[tuple[str, Report]] = []
    for path, name in zip(paths, names, strict=True):
        label = name if names.count(name) == 1 else str(path)
        declaration = load_declaration(path)
        out.append((label, engine.evaluate(declaration, date, source=str(path))))
    return out


def handbook_format(path: str | Path) -> str:
    """``"html"`` or ``"markdown"`` from a file name's suffix.

    Raises:
        UsageError: the suffix is neither HTML (.html, .htm) nor Markdown (.md, .markdown).
    """
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    raise UsageError(
        f"{path}: cannot tell the handbook format from the name; "
        "end it in .html (or .htm) for HTML, or .md (or .markdown) for Markdown"
    )


def write_handbook(
    program: Program,
    examples: Sequence[tuple[str, Report]],
    path: str | Path,
    *,
    title: str = "govrules criteria handbook",
) -> None:
    """Write the handbook to ``path``, HTML or Markdown by suffix, atomically.

    The file is written whole or not at all (:func:`govrules.files.write_atomically`), so a
    reader never sees half a handbook and nothing is written when anything fails.

    Raises:
        UsageError: the suffix names no handbook format, or the file cannot be written.
    """
    fmt = handbook_format(path)
    hb = build_handbook(program, examples, title=title)
    text = hb.to_html() if fmt == "html" else hb.to_markdown()
    try:
        write_atomically(path, text)
    except OSError as err:
        raise UsageError(f"{path}: cannot write the handbook ({err.strerror or err})") from None


__all__ = [
    "Handbook",
    "build_handbook",
    "example_reports",
    "handbook_format",
    "write_handbook",
]
