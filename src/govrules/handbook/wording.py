"""The handbook's words: status labels, badges and the sentences both renderers share.

>>> shorten("one two three four", limit=10)
'one two…'
"""

from __future__ import annotations

from ..decisions import Decision
from ..decisions import decision
from ..report import Status
from .model import Due
from .model import ExampleOutcome
from .model import Handbook
from .model import RuleEntry

#: Longest failing explanation shown under a rule before it is shortened.
EXPLANATION_LIMIT = 320

STATUS_LABEL: dict[Status, str] = {
    "pass": "Passes",
    "fail": "Fails",
    "not_yet_due": "Not yet due",
    "not_applicable": "Not applicable",
}
COUNT_LABEL: dict[str, str] = {
    "pass": "pass",
    "fail": "fail",
    "not_yet_due": "not yet due",
    "not_applicable": "not applicable",
}
BADGE: dict[Status, str] = {
    "pass": "PASS",
    "fail": "FAIL",
    "not_yet_due": "NOT YET DUE",
    "not_applicable": "N/A",
}


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


def due_sentence(due: Due | None) -> str:
    if due is None:
        return "none: the rule counts from the start."
    if due.param is None:
        return f"{due.date.isoformat()} (a date written in the rule)."
    return f"{due.date.isoformat()}, set by parameter {due.param}."


def would_sentence(o: ExampleOutcome) -> str:
    if o.would_pass is None:
        return ""
    return " (would pass today)" if o.would_pass else " (would not pass today)"


def severity_sentence(severity: str) -> str:
    if severity == "must":
        return "must: a failure makes the place not compliant"
    if severity == "should":
        return "should: a failure is reported but does not make the place non-compliant"
    return severity


def missing_sentences(r: RuleEntry) -> list[str]:
    if not r.outcomes:
        return ["No example declaration is checked by this rule."]
    out = []
    if not r.with_status("pass"):
        out.append("No example declaration passes this rule.")
    if not r.with_status("fail"):
        out.append("No example declaration fails this rule.")
    return out


# ---------------------------------------------------------------------------- Markdown


def used_decisions(hb: Handbook) -> list[Decision]:
    """The decisions the handbook's rules name that docs/decisions.md explains, in code order."""
    codes = dict.fromkeys(d for r in hb.rules for d in r.decisions)
    entries = [entry for entry in map(decision, codes) if entry is not None]
    return sorted(entries, key=lambda d: int(d.code.split("-")[1]))
