"""What the analysis says to people: findings as lint writes them, the explanations rule files
give, and counter-examples as YAML patches.

A finding a policy team has looked at and accepted is *explained* in the rule file with a
comment in the rule's comment block or inside the rule::

    # analyze: never_fail -- an exemption is in force or does not apply; it cannot fail
    # analyze: redundant OUT-2 -- OUT-3 is the white paper's own criterion, kept on its own

The code comes first, then optionally what the finding is about (the other rule of a pair, or
the field of an ``uncovered`` finding), then ``--`` and the reason. Explained findings do not
fail ``govrules analyze`` and are listed with ``--show-explained``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import yaml

from .checks import Analysis
from .checks import Finding

_NOTE = re.compile(
    r"#\s*analy[sz]e:\s*(?P<code>[a-z_]+)(?:\s+(?P<subject>[^\s-][^\s]*))?\s*--\s*(?P<reason>.*)"
)


def notes_of(finding: Finding) -> list[tuple[str, str | None, str]]:
    """``(code, subject, reason)`` of every ``# analyze:`` comment of the finding's rule.

    A reason may go on over the next comment lines, indented after the ``#``.
    """
    rule = finding.rule
    source = rule.source
    span = rule.rule.span
    first = span.line - 1
    while first >= 1 and source.line_text(first).lstrip().startswith("#"):
        first -= 1
    lines = [source.line_text(n) for n in range(first + 1, span.end_line + 1)]
    out: list[tuple[str, str | None, str]] = []
    for k, line in enumerate(lines):
        m = _NOTE.search(line)
        if not m:
            continue
        reason = [m["reason"].strip()] if m["reason"].strip() else []
        for more in lines[k + 1 :]:
            rest = more.strip()
            if not rest.startswith("#  ") or "analyze:" in rest:
                break
            reason.append(rest[1:].strip())
        out.append((m["code"], m["subject"], " ".join(reason)))
    return out


def explain(analysis: Analysis, others: dict[str, Any]) -> None:
    """Mark the findings that a comment in the rule files explains.

    ``others`` maps rule IDs to checked rules, so a pair's finding may be explained at
    either rule.
    """
    for finding in analysis.findings:
        if finding.code == "not_analysed":
            continue
        sites = [finding] + [
            Finding(finding.code, others[o], finding.span, "", (finding.rule.id,))
            for o in finding.others
            if o in others
        ]
        for site in sites:
            for code, subject, reason in notes_of(site):
                if code != finding.code:
                    continue
                if subject and subject not in site.others and subject not in finding.message:
                    continue
                finding.explained = reason
                break
            if finding.explained:
                break


def _lookup(doc: Any, path: str) -> Any:
    value = doc
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            i = int(part[1:-1])
            value = value[i] if isinstance(value, list) and i < len(value) else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def short_example(finding: Finding, limit: int = 6) -> str:
    """The facts of a finding's example that its rules read, on one line."""
    ex = finding.example
    if ex is None:
        return ""
    facts: list[str] = []
    lists: set[str] = set()
    for path in ex.paths:
        if path == "as_of":
            continue
        if path.endswith("?"):
            lst = path[: path.rindex("[")]
            if lst not in lists:
                lists.add(lst)
                n = _lookup(ex.declaration, lst)
                if n is None and "[" in lst:
                    continue  # a list inside an item the example does not have
                facts.append(f"{lst}: " + (f"{len(n)} item(s)" if isinstance(n, list) else "none"))
            continue
        if path.startswith("has "):
            if _lookup(ex.declaration, path[4:]) is None:
                facts.append(f"{path[4:]}: not declared")
            continue
        value = _lookup(ex.declaration, path)
        if value is not None and not isinstance(value, list | dict):
            facts.append(f"{path}: {_show(value)}")
    shown = "; ".join(facts[:limit]) + ("; …" if len(facts) > limit else "")
    outcomes = ", ".join(f"{rid} {status}" for rid, status in ex.outcomes.items())
    return f"e.g. as of {ex.as_of.isoformat()}: {shown or 'any declaration'} ({outcomes})"


def render_text(analysis: Analysis, show_explained: bool = False) -> str:
    """Every finding as ``file:line:col: code: message`` with its example, then a summary."""
    lines: list[str] = []
    for f in sorted(analysis.findings, key=_order):
        if f.explained and not show_explained:
            continue
        lines.append(f.headline())
        if f.explained:
            lines.append(f"    explained: {f.explained}")
        if f.example is not None:
            lines.append("    " + short_example(f))
    lines.append(summary(analysis))
    return "\n".join(lines) + "\n"


def summary(analysis: Analysis) -> str:
    """One line: what was analysed, what was found, how long it took."""
    open_ = [f for f in analysis.findings if f.code != "not_analysed" and not f.explained]
    explained = [f for f in analysis.findings if f.explained]
    notes = [f for f in analysis.findings if f.code == "not_analysed"]
    return (
        f"analysed {analysis.analysed} of {analysis.rules} rules in {analysis.seconds:.1f} s "
        f"({analysis.queries} solver queries): {len(open_)} finding(s), "
        f"{len(explained)} explained in the rules, {len(notes)} not analysed"
    )


def _order(f: Finding) -> tuple[str, int, int, str]:
    return (f.rule.source.name, f.span.line, f.span.column, f.code)


def to_json(analysis: Analysis) -> str:
    """The findings as JSON (``govrules analyze --format json``)."""
    out = []
    for f in sorted(analysis.findings, key=_order):
        item: dict[str, Any] = {
            "file": f.rule.source.name,
            "line": f.span.line,
            "column": f.span.column,
            "code": f.code,
            "rule": f.rule.id,
            "others": list(f.others),
            "message": f.message,
            "explained": f.explained,
        }
        if f.example is not None:
            item["example"] = {
                "as_of": f.example.as_of.isoformat(),
                "patch": _plain(patch(f)),
                "outcomes": f.example.outcomes,
            }
        out.append(item)
    return json.dumps({"findings": out, "summary": summary(analysis)}, indent=2) + "\n"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def patch(finding: Finding) -> dict[str, Any]:
    """The example as a merge patch: each top-level field the rules read, ``None`` if absent."""
    ex = finding.example
    assert ex is not None
    return {name: ex.declaration.get(name) for name in sorted(ex.reads)}


def example_yaml(finding: Finding) -> str:
    """A finding's counter-example as a commented YAML merge patch."""
    ex = finding.example
    assert ex is not None
    fmt = finding.rule.declaration_format
    head = [
        f"# {finding.headline()}",
        "# A merge patch (RFC 7386) in YAML: these top-level fields replace those of a",
        f"# {fmt} declaration (null removes one). Then check it with",
        f"# --as-of {ex.as_of.isoformat()}: "
        + ", ".join(f"{rid} is {status}" for rid, status in ex.outcomes.items()),
    ]
    if finding.explained:
        head.append(f"# Explained in the rules: {finding.explained}")
    body = yaml.safe_dump(patch(finding), sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(head) + "\n" + body
