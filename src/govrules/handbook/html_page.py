"""The handbook as one standalone HTML page: no scripts, no external files, every text escaped."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from ..decisions import decision
from ..report import STATUSES
from .wording import BADGE
from .wording import COUNT_LABEL
from .wording import due_sentence
from .wording import missing_sentences
from .wording import severity_sentence
from .wording import shorten
from .wording import used_decisions
from .wording import would_sentence

if TYPE_CHECKING:
    from .model import Handbook
    from .model import RuleEntry

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


def esc(text: object) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return html.escape(str(text), quote=True)


def _rule_link(rule_id: str) -> str:
    return f"<a href='#{esc(rule_id)}'>{esc(rule_id)}</a>"


def render_html(hb: Handbook) -> str:
    """The whole handbook as one HTML page."""
    out: list[str] = [
        "<!doctype html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{esc(hb.title)}</title><style>{_CSS}</style></head><body>\n"
    ]
    out.append(_html_title_page(hb))
    out.append(_html_contents(hb))
    for rs in hb.rulesets:
        out.append(
            f"<section class='ruleset' id='rules-{esc(rs.name)}'><h2>Rules of {esc(rs.name)} "
            f"<span class='muted small'>version {esc(rs.version)}</span></h2>\n"
        )
        rules = hb.rules_of(rs.name)
        if not rules:
            out.append("<p class='none'>This ruleset has no rules.</p>\n")
        for r in rules:
            out.append(_html_rule(r))
        out.append("</section>\n")
    out.append(_html_decisions(hb))
    out.append("</body></html>\n")
    return "".join(out)


def _html_decisions(hb: Handbook) -> str:
    """Each decision a rule names, explained (from docs/decisions.md), so the page stands alone."""
    entries = used_decisions(hb)
    if not entries:
        return ""
    items = "".join(
        f"<dt id='{esc(d.anchor)}'><strong>{esc(d.code)}</strong> {esc(d.headline)}</dt>"
        f"<dd>{esc(d.text)}</dd>"
        for d in entries
    )
    return (
        "<section class='ruleset' id='decisions'><h2>Decisions behind the rules</h2><p "
        "class='muted small'>Where the sources are ambiguous the rules take a reading; each "
        f"rule names the readings it rests on (docs/decisions.md).</p><dl>{items}</dl></section>\n"
    )


def _html_title_page(hb: Handbook) -> str:
    n = len(hb.rules)
    out = [
        "<header class='titlepage'>",
        f"<h1>{esc(hb.title)}</h1>",
        f"<p class='muted'>{n} rule{'s' if n != 1 else ''} in {len(hb.rulesets)} "
        f"ruleset{'s' if len(hb.rulesets) != 1 else ''}. For each rule: what it requires, by "
        "when, on whose authority, the rule exactly as written, and how it comes out on the "
        "example declarations.</p>",
    ]
    for rs in hb.rulesets:
        out.append(f"<section id='ruleset-{esc(rs.name)}'><h2>Ruleset {esc(rs.name)}</h2>")
        out.append("<dl class='facts'>")
        out.append(f"<dt>Version</dt><dd>{esc(rs.version)}</dd>")
        out.append(f"<dt>Checks</dt><dd><code>{esc(rs.declaration_format)}</code></dd>")
        out.append(f"<dt>Digest</dt><dd><code>{esc(rs.digest)}</code></dd>")
        files = "<br>".join(f"<code>{esc(f)}</code>" for f in rs.files)
        out.append(f"<dt>Files</dt><dd>{files}</dd>")
        out.append(f"<dt>Rules</dt><dd>{len(rs.rule_ids)}</dd></dl>")
        out.append("<h4>Source documents</h4>")
        if rs.sources:
            out.append("<table><thead><tr><th>Key</th><th>Document</th></tr></thead><tbody>")
            for key, title in rs.sources:
                out.append(f"<tr><td><code>{esc(key)}</code></td><td>{esc(title)}</td></tr>")
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
                where = f"<div class='muted small'>defined in <code>{esc(p.defined_in)}</code>"
                if p.override:
                    where += f"; <strong>{esc(p.override)}</strong>"
                where += "</div>"
                out.append(
                    f"<tr id='param-{esc(p.name)}'><td><code>{esc(p.name)}</code>"
                    f"<div class='muted small'>{esc(p.type)}</div></td>"
                    f"<td class='wrap'><code>{esc(p.value)}</code></td>"
                    f"<td>{esc(p.basis)}{where}</td></tr>"
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
            counts = " · ".join(f"{c} {COUNT_LABEL[s]}" for s, c in ex.summary if s in COUNT_LABEL)
            verdict = (
                "<span class='ok'>Compliant</span>"
                if ex.compliant
                else "<span class='bad'>Not compliant</span>"
            )
            out.append(
                f"<tr><td><code>{esc(ex.label)}</code></td><td>{esc(ex.name)} "
                f"<span class='muted small'>({esc(ex.place)})</span></td>"
                f"<td>{ex.as_of.isoformat()}</td><td>{verdict}"
                f"<div class='muted small'>{esc(counts)}</div></td></tr>"
            )
        out.append("</tbody></table>")
    else:
        out.append("<p class='none'>No example declarations were given.</p>")
    out.append("</section></header>\n")
    return "".join(out)


def _html_contents(hb: Handbook) -> str:
    out = ["<nav id='contents'><h2>Contents</h2>"]
    for rs in hb.rulesets:
        out.append(f"<h3><a href='#rules-{esc(rs.name)}'>{esc(rs.name)}</a></h3><ol>")
        for r in hb.rules_of(rs.name):
            out.append(
                f"<li><a class='rid' href='#{esc(r.id)}'>{esc(r.id)}</a> {esc(r.title)} "
                f"<span class='sev {esc(r.severity)}'>{esc(r.severity)}</span></li>"
            )
        out.append("</ol>")
    out.append("</nav>\n")
    return "".join(out)


def _html_rule(r: RuleEntry) -> str:
    out = [
        f"<article class='rule' id='{esc(r.id)}'><div class='rulehead'>"
        f"<span class='rid'>{esc(r.id)}</span>"
        f"<span class='sev {esc(r.severity)}'>{esc(r.severity)}</span></div>"
        f"<h3>{esc(r.title)}</h3><dl class='facts'>"
    ]
    out.append(f"<dt>Severity</dt><dd>{esc(severity_sentence(r.severity))}</dd>")
    due = esc(due_sentence(r.due))
    if r.due is not None and r.due.param is not None:
        param = r.due.param
        due = (
            f"{r.due.date.isoformat()}, set by parameter "
            f"<a href='#param-{esc(param)}'><code>{esc(param)}</code></a>."
        )
        if r.due.reason:
            due += f"<div class='muted small'>Why this date: {esc(r.due.reason)}</div>"
    out.append(f"<dt>Due</dt><dd>{due}</dd>")
    decisions = ", ".join(
        f"<a href='#{esc(d.lower())}'>{esc(d)}</a>" if decision(d) else esc(d) for d in r.decisions
    )
    decisions = decisions or "<span class='none'>none</span>"
    out.append(f"<dt>Decisions</dt><dd>{decisions}</dd>")
    if r.citation is not None:
        c = r.citation
        cite = f"{esc(c.document)}, <em>{esc(c.section)}</em><blockquote>{esc(c.text)}</blockquote>"
    else:
        cite = esc(r.citation_text) or "<span class='none'>none</span>"
    out.append(f"<dt>Source</dt><dd>{cite}</dd>")
    deps = ", ".join(_rule_link(d) for d in r.depends_on) or "<span class='none'>none</span>"
    out.append(f"<dt>Depends on</dt><dd>{deps}</dd>")
    if r.used_by:
        out.append(f"<dt>Used by</dt><dd>{', '.join(_rule_link(d) for d in r.used_by)}</dd>")
    out.append(f"<dt>Ruleset</dt><dd><a href='#ruleset-{esc(r.ruleset)}'>{esc(r.ruleset)}</a></dd>")
    out.append("</dl><h4>The rule as written</h4>")
    out.append(f"<pre>{esc(r.text)}</pre>")
    out.append("<h4>Examples</h4><ul class='examples'>")
    for status in STATUSES:
        found = r.with_status(status)
        if not found:
            continue
        for o in found:
            line = (
                f"<li><span class='badge {status}'>{BADGE[status]}</span> "
                f"<code>{esc(o.example)}</code>{esc(would_sentence(o))}"
            )
            if status == "fail":
                line += f"<span class='explain'>{esc(shorten(o.explanation))}</span>"
            out.append(line + "</li>")
    out.append("</ul>")
    for sentence in missing_sentences(r):
        out.append(f"<p class='none'>{esc(sentence)}</p>")
    out.append("</article>\n")
    return "".join(out)
