"""The difference between two rulesets, and its impact, as text, Markdown and JSON."""

from __future__ import annotations

import json
from typing import Any

from .rule_diff import Impact
from .rule_diff import RulesDiff

_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def _plural(n: int, kind: str) -> str:
    word = kind or "declaration"
    return f"{n} {word}{'' if n == 1 else 's'}"


def _used(names: tuple[str, ...], limit: int = 8) -> str:
    if not names:
        return "no rule reads it"
    shown = ", ".join(names[:limit]) + (
        f" and {len(names) - limit} more" if len(names) > limit else ""
    )
    return f"read by {shown}"


def to_text(diff: RulesDiff, impact: Impact | None, old: str, new: str) -> str:
    """For a person at a terminal."""
    lines = [f"rules: {old} → {new}"]
    if diff.empty:
        lines.append("no change in meaning (layout and comments are not compared)")
    for rs in diff.rulesets:
        lines.append(f"ruleset {rs.name}: " + "; ".join(rs.lines))
    if diff.params:
        lines.append("")
        lines.append("parameters:")
        for p in diff.params:
            lines.append(
                f"  {_SIGN[p.kind]} {p.name}: {p.old or '(none)'} → {p.new or '(none)'}"
                f"  ({_used(p.used_by)})"
            )
    if diff.rules:
        lines.append("")
        lines.append("rules:")
        for r in diff.rules:
            lines.append(f"  {_SIGN[r.kind]} {r.rule} {r.kind}: {r.title}  [{r.file}:{r.line}]")
            for c in r.clauses:
                lines.append(f"      {c.clause}:")
                lines.append(f"        - {c.old if c.old is not None else '(none)'}")
                lines.append(f"        + {c.new if c.new is not None else '(none)'}")
    if impact is not None:
        lines.append("")
        lines.extend(_impact_text(impact))
    return "\n".join(lines) + "\n"


def _impact_text(impact: Impact) -> list[str]:
    n = len(impact.declarations)
    changed = [d for d in impact.declarations if d.changes]
    lines = [
        f"impact on {n} declaration(s) as of {impact.as_of.isoformat()}: "
        f"{len(changed)} with a finding that changes"
    ]
    if impact.skipped:
        lines.append(f"  ({len(impact.skipped)} other(s) left out: no must rules for their kind)")
    for was, now, count in impact.compliance():
        lines.append(f"  compliant: {count} declaration(s) {_yes(was)} → {_yes(now)}")
    for rule, a, b, count, kind in impact.summary():
        lines.append(f"  {rule}: {_plural(count, kind)} {a} → {b}")
    for d in changed:
        lines.append(f"  {d.file} ({d.name}):")
        for rule, a, b in d.changes:
            lines.append(f"      {rule}: {a} → {b}")
        if d.compliant[0] != d.compliant[1]:
            lines.append(f"      compliant: {_yes(d.compliant[0])} → {_yes(d.compliant[1])}")
    return lines


def _yes(v: bool | None) -> str:
    return "no verdict" if v is None else "yes" if v else "no"


def _code(text: str | None) -> str:
    if text is None:
        return "*(none)*"
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def to_markdown(diff: RulesDiff, impact: Impact | None, old: str, new: str) -> str:
    """For a pull request: headings, tables, and the wording of each changed clause."""
    out = [f"## Rule changes: `{old}` → `{new}`", ""]
    if diff.empty:
        out += ["No change in meaning (layout and comments are not compared).", ""]
    for rs in diff.rulesets:
        out += [f"- Ruleset **{rs.name}**: " + "; ".join(rs.lines)]
    if diff.rulesets:
        out.append("")
    if diff.params:
        out += [
            "### Parameters",
            "",
            "| | parameter | old | new | read by |",
            "|---|---|---|---|---|",
        ]
        for p in diff.params:
            out.append(
                f"| {p.kind} | `{p.name}` | {_code(p.old)} | {_code(p.new)} | "
                f"{', '.join(p.used_by) or '—'} |"
            )
        out.append("")
    if diff.rules:
        out += ["### Rules", ""]
        for r in diff.rules:
            out.append(f"- **{r.rule}** {r.kind}: {r.title} (`{r.file}:{r.line}`)")
            for c in r.clauses:
                out.append(f"  - `{c.clause}`: {_code(c.old)} → {_code(c.new)}")
        out.append("")
    if impact is not None:
        n = len(impact.declarations)
        out += [f"### Impact on {n} declaration(s) as of {impact.as_of.isoformat()}", ""]
        if impact.skipped:
            out += [f"{len(impact.skipped)} other(s) left out: no must rules for their kind.", ""]
        summary = impact.summary()
        if not summary:
            out += ["No finding changes.", ""]
        else:
            out += ["| rule | change | how many |", "|---|---|---|"]
            for was, now, count in impact.compliance():
                out.append(
                    f"| **compliant** | {_yes(was)} → {_yes(now)} | {count} declaration(s) |"
                )
            for rule, a, b, count, kind in summary:
                out.append(f"| {rule} | {a} → {b} | {_plural(count, kind)} |")
            out += ["", "<details><summary>Per declaration</summary>", ""]
            out += ["| declaration | rule | old | new |", "|---|---|---|---|"]
            for d in impact.declarations:
                for rule, a, b in d.changes:
                    out.append(f"| {d.name} (`{d.file}`) | {rule} | {a} | {b} |")
                if d.compliant[0] != d.compliant[1]:
                    out.append(
                        f"| {d.name} (`{d.file}`) | **compliant** | {_yes(d.compliant[0])} | "
                        f"{_yes(d.compliant[1])} |"
                    )
            out += ["", "</details>", ""]
    return "\n".join(out)


def to_json(diff: RulesDiff, impact: Impact | None, old: str, new: str) -> str:
    """For tools."""
    doc: dict[str, Any] = {
        "format": "govrules/rules-diff/v1",
        "old": old,
        "new": new,
        "rulesets": [{"name": r.name, "changes": r.lines} for r in diff.rulesets],
        "parameters": [
            {
                "name": p.name,
                "change": p.kind,
                "old": p.old,
                "new": p.new,
                "read_by": list(p.used_by),
            }
            for p in diff.params
        ],
        "rules": [
            {
                "rule": r.rule,
                "change": r.kind,
                "title": r.title,
                "file": r.file,
                "line": r.line,
                "clauses": [{"clause": c.clause, "old": c.old, "new": c.new} for c in r.clauses],
            }
            for r in diff.rules
        ],
    }
    if impact is not None:
        doc["impact"] = {
            "as_of": impact.as_of.isoformat(),
            "declarations": [
                {
                    "file": d.file,
                    "name": d.name,
                    "changes": [{"rule": r, "old": a, "new": b} for r, a, b in d.changes],
                    "compliant": {"old": d.compliant[0], "new": d.compliant[1]},
                }
                for d in impact.declarations
            ],
            "skipped": impact.skipped,
            "compliance": [{"old": a, "new": b, "count": n} for a, b, n in impact.compliance()],
            "summary": [
                {"rule": rule, "old": a, "new": b, "count": n, "kind": kind or "declaration"}
                for rule, a, b, n, kind in impact.summary()
            ],
        }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
