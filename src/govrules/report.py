"""The report: one finding per rule, and the one serialiser of ``govrules/report/v1``.

The JSON form is the contract of ``docs/http-api.md``; the CLI's ``--format json`` and the HTTP API
both print :meth:`Report.to_json`, so they cannot drift apart. Key order is fixed; findings come
must first, then should (advisory), each tier by rule ID (natural order: SAP-2 before SAP-10).
Each finding carries its ``trace`` (:class:`govrules.explain.Explained`): the rule's condition
and requirement with what they came to, each fact read (with ``declared``), and the rules it
reads with their titles and statuses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Literal

from pydantic import BaseModel

from .version import __version__

Status = Literal["pass", "fail", "not_yet_due", "not_applicable"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "not_yet_due", "not_applicable")
SEVERITIES: tuple[str, ...] = ("must", "should")
REPORT_FORMAT = "govrules/report/v1"


def rule_sort_key(rule_id: str) -> tuple[Any, ...]:
    """Natural order of rule IDs.

    Examples:
        >>> sorted(["SAP-10", "GOV-1", "SAP-2"], key=rule_sort_key)
        ['GOV-1', 'SAP-2', 'SAP-10']
    """
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", rule_id))


_PLAIN = frozenset({str, int, float, bool, type(None)})


def jsonable(value: Any) -> Any:
    """A fact value as JSON (dates as ISO text, tuples as lists).

    Examples:
        >>> jsonable({"on": dt.date(2023, 4, 1), "names": ("a", "b")})
        {'on': '2023-04-01', 'names': ['a', 'b']}
    """
    kind = value.__class__
    if kind in _PLAIN:
        return value
    if kind is list and all(v.__class__ in _PLAIN for v in value):
        return value  # most facts: a list of names, already JSON
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def tally(findings: Sequence[Finding]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Counts of findings per status, and per severity tier and status (every status and
    both tiers present)."""
    summary: dict[str, int] = dict.fromkeys(STATUSES, 0)
    tiers: dict[str, dict[str, int]] = {sev: dict.fromkeys(STATUSES, 0) for sev in SEVERITIES}
    for f in findings:
        summary[f.status] += 1
        tiers.setdefault(f.severity, dict.fromkeys(STATUSES, 0))[f.status] += 1
    return summary, tiers


@dataclass(slots=True)
class Finding:
    """The verdict of one rule on one declaration (slotted, not frozen: one is built per rule
    per evaluation, and a frozen dataclass pays for every field it sets; treat it as read-only,
    and use :func:`dataclasses.replace` for a changed copy)."""

    rule: str
    title: str
    severity: str
    status: Status
    due: dt.date | None
    citation: str
    explanation: str
    facts: dict[str, Any]
    remedy: str | None
    ruleset: str
    decisions: tuple[str, ...] = ()
    would_pass: bool | None = None
    met_on: dt.date | None = None
    late: bool = False
    #: Why the finding is what it is, as structured data (:class:`govrules.explain.Explained`).
    trace: Any = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The finding in the report's JSON shape."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "status": self.status,
            "due": self.due.isoformat() if self.due else None,
            "citation": self.citation,
            "explanation": self.explanation,
            "facts": {k: jsonable(v) for k, v in self.facts.items()},
            "remedy": self.remedy,
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "late": self.late,
            "ruleset": self.ruleset,
            "decisions": list(self.decisions),
        }
        if self.status == "not_yet_due":
            out["would_pass"] = self.would_pass
        if self.trace is not None:
            out["trace"] = self.trace.to_json()
        return out


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a check found about one declaration on one date."""

    as_of: dt.date
    place: str
    name: str
    source: str | None
    rulesets: tuple[dict[str, Any], ...]
    findings: tuple[Finding, ...]
    engine: str
    declaration: BaseModel | None = field(default=None, repr=False, compare=False)

    @property
    def sha256(self) -> str | None:
        """``sha256:…`` of the declaration checked, in its canonical JSON form (keys sorted,
        dates as ISO text, only the fields it states): the same declaration gives the same
        digest whether it came as YAML or JSON, so a stored verdict can be matched to it."""
        if self.declaration is None:
            return None
        data = self.declaration.model_dump(mode="json", exclude_unset=True)
        text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def compliant(self) -> bool:
        """No finding of severity ``must`` has status ``fail``."""
        return not any(f.severity == "must" and f.status == "fail" for f in self.findings)

    @property
    def summary(self) -> dict[str, int]:
        """Count of findings per status, every status present."""
        return tally(self.findings)[0]

    @property
    def by_severity(self) -> dict[str, dict[str, int]]:
        """The counts of :attr:`summary` for each severity tier, both tiers always present."""
        return tally(self.findings)[1]

    def to_json(self) -> dict[str, Any]:
        """The ``govrules/report/v1`` document."""
        return {
            "format": REPORT_FORMAT,
            "govrules_version": __version__,
            "as_of": self.as_of.isoformat(),
            "declaration": {
                "place": self.place,
                "name": self.name,
                "source": self.source,
                "sha256": self.sha256,
            },
            "rulesets": [dict(r) for r in self.rulesets],
            "engine": self.engine,
            "compliant": self.compliant,
            "summary": self.summary,
            "by_severity": self.by_severity,
            "findings": [f.to_json() for f in self.findings],
        }
