"""What the handbook says, as data: rulesets, parameters, rules, examples and outcomes.

The renderers (:mod:`.html_page`, :mod:`.markdown`) read these entries and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..report import Status


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
        from .html_page import render_html

        return render_html(self)

    def to_markdown(self) -> str:
        """The same content as Markdown (anchors as ``<a id>``, rule text in fenced blocks)."""
        from .markdown import render_markdown

        return render_markdown(self)


# ---------------------------------------------------------------------------- building
