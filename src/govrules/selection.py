"""Choosing which findings a report shows: ``--severity`` and ``--only`` (and the same query
parameters of ``POST /v1/assessments``).

A selection changes what is *shown*, never the verdict: the report it gives keeps every finding
of the assessment for ``compliant``, ``summary`` and ``by_severity``, and says what was chosen in
a ``"shown"`` member of its JSON (present only when a filter is applied), so a reader of a
filtered report cannot mistake it for the whole assessment.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import Literal
from typing import get_args

from .report import SEVERITIES
from .report import Finding
from .report import Report
from .report import tally

SeverityChoice = Literal["must", "should", "all"]
OnlyChoice = Literal["failing", "all"]

SEVERITY_CHOICES: tuple[str, ...] = get_args(SeverityChoice)
ONLY_CHOICES: tuple[str, ...] = get_args(OnlyChoice)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which findings to show: one severity tier or both, and every status or only failures.

    Examples:
        >>> Selection().applied, Selection(severity="must").applied
        (False, True)
        >>> Selection("should", "failing").describe()
        'should findings that fail'
    """

    severity: SeverityChoice = "all"
    only: OnlyChoice = "all"

    @property
    def applied(self) -> bool:
        """Whether anything is left out at all."""
        return self.severity != "all" or self.only != "all"

    def keeps(self, finding: Finding) -> bool:
        """Whether ``finding`` is shown."""
        if self.severity != "all" and finding.severity != self.severity:
            return False
        return self.only == "all" or finding.status == "fail"

    def describe(self) -> str:
        """What is shown, in words (``must findings that fail``)."""
        tier = "all" if self.severity == "all" else self.severity
        return f"{tier} findings" + (" that fail" if self.only == "failing" else "")

    def to_json(self) -> dict[str, str]:
        """The report's ``"shown"`` member."""
        return {"severity": self.severity, "only": self.only}


#: The selection that leaves nothing out.
EVERYTHING = Selection()


@dataclass(frozen=True, slots=True)
class SelectedReport(Report):
    """A report that shows some findings but keeps the verdict and counts of all of them.

    ``findings`` holds what is shown (what every renderer lists); ``assessed`` holds every
    finding, which ``compliant``, ``summary`` and ``by_severity`` describe.
    """

    assessed: tuple[Finding, ...] = ()
    selection: Selection = EVERYTHING

    @property
    def compliant(self) -> bool:
        """No finding of the whole assessment of severity ``must`` has status ``fail``."""
        return not any(f.severity == "must" and f.status == "fail" for f in self.assessed)

    @property
    def summary(self) -> dict[str, int]:
        """Count of every finding of the assessment per status (not only those shown)."""
        return tally(self.assessed)[0]

    @property
    def by_severity(self) -> dict[str, dict[str, int]]:
        """:attr:`summary` per severity tier, for the whole assessment."""
        return tally(self.assessed)[1]

    @property
    def left_out(self) -> int:
        """How many findings of the assessment are not shown."""
        return len(self.assessed) - len(self.findings)

    def to_json(self) -> dict[str, Any]:
        """The ``govrules/report/v1`` document with a ``"shown"`` member after ``by_severity``."""
        out: dict[str, Any] = {}
        for key, value in Report.to_json(self).items():
            if key == "findings":
                out["shown"] = self.selection.to_json()
            out[key] = value
        return out


def select(report: Report, selection: Selection) -> Report:
    """``report`` showing only the findings ``selection`` keeps (the same report if it keeps all).

    The verdict and every count still describe the whole assessment.
    """
    if not selection.applied:
        return report
    assessed = report.assessed if isinstance(report, SelectedReport) else report.findings
    return SelectedReport(
        as_of=report.as_of,
        place=report.place,
        name=report.name,
        source=report.source,
        rulesets=report.rulesets,
        findings=tuple(f for f in assessed if selection.keeps(f)),
        engine=report.engine,
        declaration=report.declaration,
        assessed=assessed,
        selection=selection,
    )


def left_out_note(report: Report) -> str | None:
    """One sentence on what a filtered report leaves out, or None if it shows everything.

    Examples:
        >>> import datetime as dt
        >>> f = Finding("A-1", "t", "should", "fail", None, "c", "e", {}, None, "r")
        >>> g = Finding("A-2", "t", "must", "pass", None, "c", "e", {}, None, "r")
        >>> r = Report(dt.date(2023, 9, 30), "p", "P", None, (), (f, g), "python")
        >>> print(left_out_note(select(r, Selection(severity="must", only="failing"))))
        ... # doctest: +NORMALIZE_WHITESPACE
        Shown: must findings that fail; 2 of 2 findings left out (1 must, 1 should).
        The verdict covers every finding;
        the whole assessment has must: 1 pass, 0 fail, 0 not yet due, 0 not applicable;
        should: 0 pass, 1 fail, 0 not yet due, 0 not applicable.
    """
    if not isinstance(report, SelectedReport):
        return None
    missing = [f for f in report.assessed if not report.selection.keeps(f)]
    tiers = ", ".join(
        f"{n} {sev}" for sev in SEVERITIES if (n := sum(1 for f in missing if f.severity == sev))
    )
    whole = "; ".join(
        f"{sev}: " + ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in counts.items())
        for sev, counts in report.by_severity.items()
        if any(counts.values())
    )
    return (
        f"Shown: {report.selection.describe()}; {len(missing)} of {len(report.assessed)} "
        f"findings left out{f' ({tiers})' if tiers else ''}. "
        f"The verdict covers every finding; the whole assessment has {whole}."
    )


_VERDICT = re.compile(r"<p class='verdict [^']*'>[^<]*</p>")


def note_html(page: str, reports: Sequence[Report]) -> str:
    """An HTML report with each report's :func:`left_out_note` under its verdict."""
    notes = iter(reports)

    def add(match: re.Match[str]) -> str:
        note = left_out_note(next(notes))
        if note is None:
            return match.group()
        return f"{match.group()}<p class='small shown'>{html.escape(note)}</p>"

    return _VERDICT.sub(add, page, count=len(reports))


def note_junit(xml: str, reports: Sequence[Report]) -> str:
    """JUnit XML with the selection of each filtered report as test suite properties."""
    root = ET.fromstring(xml)
    for suite, report in zip(root.iter("testsuite"), reports, strict=True):
        if not isinstance(report, SelectedReport):
            continue
        props = ET.Element("properties")
        for name, value in report.selection.to_json().items():
            ET.SubElement(props, "property", name=f"shown.{name}", value=value)
        ET.SubElement(props, "property", name="shown.left_out", value=str(report.left_out))
        ET.SubElement(props, "property", name="compliant", value=str(report.compliant).lower())
        suite.insert(0, props)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
