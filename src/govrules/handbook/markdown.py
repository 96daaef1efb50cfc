"""The handbook as Markdown: anchors as ``<a id>``, rule text in fenced blocks, markup escaped."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..decisions import decision
from ..report import STATUSES
from .html_page import esc
from .wording import COUNT_LABEL
from .wording import STATUS_LABEL
from .wording import due_sentence
from .wording import missing_sentences
from .wording import severity_sentence
from .wording import shorten
from .wording import used_decisions
from .wording import would_sentence

if TYPE_CHECKING:
    from .model import Handbook
    from .model import RuleEntry


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


def render_markdown(hb: Handbook) -> str:
    """The whole handbook as one Markdown document."""
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
        out += [f'<a id="ruleset-{esc(rs.name)}"></a>', "", f"## Ruleset {_m(rs.name)}", ""]
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
                anchor = f'<a id="param-{esc(p.name)}"></a>'
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
            counts = ", ".join(f"{c} {COUNT_LABEL[s]}" for s, c in ex.summary if s in COUNT_LABEL)
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
            f'<a id="rules-{esc(rs.name)}"></a>',
            "",
            f"## Rules of {_m(rs.name)} (version {_m(rs.version)})",
            "",
        ]
        rules = hb.rules_of(rs.name)
        if not rules:
            out += ["_This ruleset has no rules._", ""]
        for r in rules:
            out += _md_rule(r)
    entries = used_decisions(hb)
    if entries:
        out += ["## Decisions behind the rules", ""]
        out += [
            "Where the sources are ambiguous the rules take a reading; each rule names the "
            "readings it rests on (docs/decisions.md).",
            "",
        ]
        for d in entries:
            out += [f'<a id="{esc(d.anchor)}"></a>', "", f"**{_m(d.code)}** {_m(d.headline)}"]
            out += ["", _m(d.text), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _md_rule(r: RuleEntry) -> list[str]:
    out = [f'<a id="{esc(r.id)}"></a>', "", f"### {_m(r.id)}: {_m(r.title)}", ""]
    out.append(f"- **Severity:** {_m(severity_sentence(r.severity))}")
    due = _m(due_sentence(r.due))
    if r.due is not None and r.due.param is not None:
        param = r.due.param
        due = f"{r.due.date.isoformat()}, set by parameter [{_mc(param)}](#param-{param})."
        if r.due.reason:
            due += f" Why this date: {_m(r.due.reason)}"
    out.append(f"- **Due:** {due}")
    codes = ", ".join(f"[{_m(d)}](#{d.lower()})" if decision(d) else _m(d) for d in r.decisions)
    out.append(f"- **Decisions:** {codes or 'none'}")
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
            line = f"- **{STATUS_LABEL[status]}** on {_mc(o.example)}{_m(would_sentence(o))}"
            if status == "fail":
                line += f": {_m(shorten(o.explanation))}"
            out.append(line)
    if any_listed:
        out.append("")
    for sentence in missing_sentences(r):
        out += [f"_{_m(sentence)}_", ""]
    return out
