"""Pydantic models of every JSON document the API reads or writes, for OpenAPI.

Answers are built by the library's own serialisers (``Report.to_json``, ``Diagnostic.to_json``)
and sent as they are; these models only *describe* them. They forbid extra keys, so the
schemathesis tests notice at once if a serialiser and its description drift apart. Request bodies
are parsed by govrules' own loader (see ``body.py``), and :class:`AssessmentRequest` and
:class:`LintRequest` describe what that loader accepts.
"""

from __future__ import annotations

from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from ..models import SPEC_EXAMPLE
from ..models import PlaceDeclaration

_STRICT = ConfigDict(extra="forbid", strict=True)


class Issue(BaseModel):
    """One problem, named by its path (and, for text, its line and column)."""

    model_config = _STRICT
    path: str = Field(description="Field path, e.g. 'place.population'; '' for the whole body.")
    message: str = Field(description="What was expected and what was received.")
    line: int | None = Field(default=None, description="1-based line in the request body.")
    column: int | None = Field(default=None, description="1-based column in the request body.")


class ErrorBody(BaseModel):
    """Every non-2xx answer."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "invalid_declaration",
                    "message": "1 problem in the request",
                    "errors": [
                        {
                            "path": "place.population",
                            "message": "expected a whole number, got true",
                            "line": 1,
                            "column": 120,
                        }
                    ],
                }
            ]
        },
    )
    code: str = Field(description="Stable snake_case error code.")
    message: str = Field(description="A sentence for people.")
    errors: list[Issue] = Field(description="Every problem found (may be empty).")


class AssessmentRequest(BaseModel):
    """The JSON body of ``POST /v1/assessments``."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30", "rulesets": ["national-2022"]}
            ]
        },
    )
    declaration: PlaceDeclaration = Field(description="The place declaration to check.")
    as_of: str | None = Field(
        default=None,
        json_schema_extra={"format": "date"},
        description="Evaluation date, YYYY-MM-DD (default: today).",
    )
    rulesets: list[str] | None = Field(
        default=None, min_length=1, description="Rulesets to check against (default: all loaded)."
    )


class LintRequest(BaseModel):
    """The JSON body of ``POST /v1/lint``."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [{"source": 'ruleset "local" version "1"\n', "name": "local.gr"}]
        },
    )
    source: str = Field(description="The text of one rule file.")
    name: str = Field(default="<source>", description="File name used in the diagnostics.")


class DiagnosticOut(BaseModel):
    """One problem in a rule file."""

    model_config = _STRICT
    file: str = Field(description="The ``name`` of the request.")
    line: int
    column: int
    code: str = Field(description="Stable error code, e.g. 'unknown_parameter'.")
    message: str
    hint: str | None = None


class LintResult(BaseModel):
    """Diagnostics of a rule file; empty when it is clean."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "diagnostics": [
                        {
                            "file": "<source>",
                            "line": 1,
                            "column": 1,
                            "code": "missing_header",
                            "message": "a rule file starts with a ruleset header",
                        }
                    ]
                }
            ]
        },
    )
    diagnostics: list[DiagnosticOut]


class Override(BaseModel):
    """A national parameter changed by a later ruleset."""

    model_config = ConfigDict(extra="forbid")
    parameter: str
    value: Any
    previous: Any
    file: str
    line: int
    previous_file: str
    reason: str | None = Field(default=None, description="The overriding file's reason.")


class RulesetRef(BaseModel):
    """A ruleset a report was checked against."""

    model_config = ConfigDict(extra="forbid")
    name: str
    version: str
    digest: str
    overrides: list[Override] | None = None


class DeclarationRef(BaseModel):
    """Which declaration a report is about."""

    model_config = ConfigDict(extra="forbid")
    place: str
    name: str
    source: str | None
    sha256: str | None = Field(
        description="sha256 of the declaration's canonical JSON (keys sorted, dates as ISO "
        "text, only the fields it states): the same whether it was sent as YAML or JSON."
    )


class Summary(BaseModel):
    """Number of findings per status."""

    model_config = ConfigDict(extra="forbid")
    pass_: int = Field(alias="pass")
    fail: int
    not_yet_due: int
    not_applicable: int


class BySeverity(BaseModel):
    """The counts of ``summary`` for each tier: only ``must`` decides compliance."""

    model_config = ConfigDict(extra="forbid")
    must: Summary
    should: Summary


class TraceFact(BaseModel):
    """A fact a rule read."""

    model_config = ConfigDict(extra="forbid")
    path: str
    value: Any
    declared: bool


class TraceRule(BaseModel):
    """A rule whose outcome this rule reads."""

    model_config = ConfigDict(extra="forbid")
    rule: str
    title: str
    status: str | None


class Trace(BaseModel):
    """What evaluating a rule found: its condition and requirement, the facts and rules read."""

    model_config = ConfigDict(extra="forbid")
    condition: str | None = Field(description="The rule's `when` text; null if it always applies.")
    applies: bool
    requires: str | None = Field(description="The rule's `require` text.")
    requirement: bool | None = Field(
        description="What the requirement came to; null when a fact it needs is missing."
    )
    facts: list[TraceFact]
    rules: list[TraceRule]


class FindingOut(BaseModel):
    """The verdict of one rule."""

    model_config = ConfigDict(extra="forbid")
    rule: str
    title: str
    severity: str
    status: Literal["pass", "fail", "not_yet_due", "not_applicable"]
    due: str | None
    citation: str
    explanation: str
    facts: dict[str, Any] = Field(description="Each fact read, by path, with its value.")
    remedy: str | None
    met_on: str | None = Field(
        description="The date the criterion was met, where the rule and the declaration "
        "state it; null when unknown or not met."
    )
    late: bool = Field(description="True only when met_on is after the due date.")
    ruleset: str
    decisions: list[str]
    would_pass: bool | None = Field(
        default=None, description="Only for not_yet_due: whether it would pass today."
    )
    trace: Trace | None = Field(
        default=None, description="Why the finding is what it is, as structured data."
    )


class Shown(BaseModel):
    """Which findings a filtered report lists (``severity`` and ``only`` of the request)."""

    model_config = ConfigDict(extra="forbid")
    severity: Literal["must", "should", "all"]
    only: Literal["failing", "all"]


class ReportOut(BaseModel):
    """The ``govrules/report/v1`` document (the same as ``govrules check --format json``)."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["govrules/report/v1"]
    govrules_version: str = Field(description="The version of govrules that made the report.")
    as_of: str
    declaration: DeclarationRef
    rulesets: list[RulesetRef]
    engine: str
    compliant: bool
    summary: Summary
    by_severity: BySeverity
    shown: Shown | None = Field(
        default=None,
        description="Present only when `severity` or `only` left findings out; `compliant`, "
        "`summary` and `by_severity` still cover every finding.",
    )
    findings: list[FindingOut]


class RulesetOut(BaseModel):
    """One loaded ruleset."""

    model_config = ConfigDict(extra="forbid")
    name: str
    version: str
    digest: str = Field(description="sha256 of the ruleset's source files.")
    declaration_format: str
    rule_count: int


class RulesetList(BaseModel):
    """Every loaded ruleset."""

    model_config = ConfigDict(extra="forbid")
    rulesets: list[RulesetOut]


class RuleOut(BaseModel):
    """One rule with its source text."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    severity: str
    due: str | None
    citation: str
    source: str = Field(description="The rule as written in its rule file.")


class RuleList(BaseModel):
    """The rules of one ruleset, in ID order."""

    model_config = ConfigDict(extra="forbid")
    ruleset: str
    rules: list[RuleOut]


class Health(BaseModel):
    """Liveness."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["ok"]
