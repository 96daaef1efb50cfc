"""Explain: from what a rule's evaluation found to the finding a person reads.

Evaluating a rule (on either Python engine) gives a :class:`Trace`: whether it applied, what
its requirement came to (true, false or unknown), every declaration fact it read with its
value (a fact that is not declared is recorded as missing, by the shortest part of its path
that is absent), the rules whose outcomes it read, the date it was met, and the texts its
author wrote for the outcome reached. :func:`finding` turns a trace and the deciding outcome
into a :class:`~govrules.report.Finding`: the status, and the sentences around the author's
text that say what the engine knows and the rule does not (that a fact is not declared, that
the criterion is not yet due and whether it would pass today, that it was met late).

The trace goes into the JSON report as structured data (``finding.trace``) beside the
sentences, so that tools read the reasons rather than slice the prose.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .checker import CheckedRule
from .dates import in_words
from .ir import Outcome
from .ir import outcome_of
from .report import Finding
from .report import Status
from .report import jsonable


class Trace:
    """What evaluating one rule found (slotted: one per rule per evaluation)."""

    __slots__ = ("applicable", "requirement", "facts", "text", "remedy", "met_on")

    def __init__(
        self,
        applicable: bool,
        requirement: bool | None,
        facts: dict[str, Any],
        text: str | None,
        remedy: str | None,
        met_on: Any,
    ) -> None:
        self.applicable = applicable
        self.requirement = requirement
        self.facts = facts
        self.text = text
        self.remedy = remedy
        self.met_on = met_on

    @property
    def outcome(self) -> Outcome:
        """The outcome this trace comes to."""
        return outcome_of(self.applicable, self.requirement is True)


class Explained:
    """A finding's trace as the JSON report gives it (``finding.trace``), built when asked for.

    ``statuses`` and ``titles`` are shared by every finding of one report: the status each rule
    came to and its title, for the rules this one reads.
    """

    __slots__ = ("checked", "trace", "decided", "statuses", "titles")

    def __init__(
        self,
        checked: CheckedRule,
        trace: Trace,
        decided: Outcome,
        statuses: dict[str, str],
        titles: dict[str, str],
    ) -> None:
        self.checked = checked
        self.trace = trace
        self.decided = decided
        self.statuses = statuses
        self.titles = titles

    def to_json(self) -> dict[str, Any]:
        """``{"applies", "condition", "requirement", "requires", "facts", "rules"}``.

        ``condition`` is the rule's ``when`` text (``null`` for a rule that always applies) and
        ``applies`` whether it held; ``requires`` is the requirement's text and ``requirement``
        what it came to (``true``, ``false``, or ``null`` when a fact it needs is missing);
        ``facts`` lists each fact read, with its value and whether the declaration states it;
        ``rules`` the rules this one reads, with their titles and statuses.
        """
        rule = self.checked.rule
        trace = self.trace
        return {
            "condition": _when_text(self.checked) or None,
            "applies": self.decided.applicable,
            "requires": self.checked.text_of(rule.require.span) if rule.require else None,
            "requirement": trace.requirement if self.decided.applicable else None,
            "facts": [
                {"path": path, "value": jsonable(value), "declared": value is not None}
                for path, value in trace.facts.items()
            ],
            "rules": [
                {"rule": ref, "title": self.titles.get(ref, ""), "status": self.statuses.get(ref)}
                for ref in self.checked.depends_on
            ],
        }


def _when_text(checked: CheckedRule) -> str:
    rule = checked.rule
    return checked.text_of(rule.when.span) if rule.when else ""


def status_of(checked: CheckedRule, decided: Outcome, as_of: dt.date) -> Status:
    """The status a rule's decided outcome gives on a date."""
    if not decided.applicable:
        return "not_applicable"
    due = checked.due
    if due is not None and due > as_of:
        return "not_yet_due"
    return "pass" if decided.met else "fail"


def finding(
    checked: CheckedRule,
    trace: Trace,
    decided: Outcome,
    as_of: dt.date,
    explained: Explained | None = None,
) -> Finding:
    """The finding of a rule whose evaluation gave ``trace`` and whose outcome is ``decided``."""
    rule = checked.rule
    met = decided.met
    status: Status
    remedy: str | None = None
    met_on = trace.met_on if decided.applicable and met else None
    if type(met_on) is not dt.date or met_on > as_of:
        met_on = None  # a criterion met on the evaluation date cannot have been met later
    due = checked.due
    late = met_on is not None and due is not None and met_on > due
    facts = trace.facts
    if not decided.applicable:
        status = "not_applicable"
        explanation = trace.text or (
            f"Not applicable: the condition '{_when_text(checked)}' does not hold for this place."
        )
    else:
        if met:
            explanation = trace.text or f"Met: {rule.title}."
            if late:
                assert met_on is not None and due is not None
                explanation = (
                    f"{explanation.rstrip('. ')}. Met late, on {in_words(met_on)}, after its "
                    f"due date of {in_words(due)}."
                )
        else:
            explanation = trace.text or ""
            missing = [k for k, v in facts.items() if v is None]
            if missing:
                explanation = (f"Not declared: {', '.join(missing)}. " + explanation).strip()
            remedy = trace.remedy
        if due is not None and due > as_of:
            status = "not_yet_due"
            basis = f" ({checked.due_param})" if checked.due_param else ""
            verdict = "would pass" if met else "would not pass"
            explanation = (
                f"Not yet due: due {due.isoformat()}{basis}. On the declared facts it "
                f"{verdict} today. {explanation}"
            )
        else:
            status = "pass" if met else "fail"
    return Finding(
        rule=rule.id,
        title=rule.title or "",
        severity=rule.severity or "must",
        status=status,
        due=due,
        citation=checked.citation,
        explanation=explanation,
        facts=facts,
        remedy=remedy,
        ruleset=checked.ruleset,
        decisions=rule.decisions,
        would_pass=met if status == "not_yet_due" else None,
        met_on=met_on,
        late=late,
        trace=explained,
    )
