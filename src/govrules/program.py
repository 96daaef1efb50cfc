"""What the checker hands on: checked rules, rulesets, parameters, and the program they make.

These are the structures every later stage reads (lowering, the back-ends, explanations, the
handbook, the analysis); :mod:`govrules.checker` builds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from . import ast
from . import types as T
from .dates import Duration
from .source import Source
from .source import Span

ParamValue = int | float | str | bool | dt.date | Duration | tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """A parameter's final value and where it came from."""

    name: str
    type: ast.ParamType
    value: ParamValue
    source: str
    span: Span
    reason: str | None
    citation: ast.Citation | None


@dataclass(frozen=True, slots=True)
class Override:
    """A later file replaced a parameter of an earlier one; the report says so."""

    parameter: str
    value: ParamValue
    previous: ParamValue
    file: str
    line: int
    previous_file: str
    #: The ``because`` text the overriding file gives for its value.
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class RulesetInfo:
    """One named ruleset (one or more files with the same header)."""

    name: str
    version: str
    declaration_format: str
    files: tuple[str, ...]
    digest: str
    sources: dict[str, str] = field(compare=False)
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True, slots=True)
class CheckedRule:
    """A rule that passed every check, with what the later stages need."""

    rule: ast.Rule
    ruleset: str
    declaration_format: str
    source: Source
    citation: str
    due: dt.date | None
    due_param: str | None
    depends_on: tuple[str, ...]
    let_types: dict[str, T.Type] = field(compare=False)

    @property
    def id(self) -> str:
        """The rule's stable ID."""
        return self.rule.id

    def text_of(self, span: Span) -> str:
        """The source text under a span (single- or multi-line)."""
        if span.line <= 0:
            return ""
        lines = [self.source.line_text(n) for n in range(span.line, span.end_line + 1)]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][span.column - 1 : span.end_column - 1]
        lines[0] = lines[0][span.column - 1 :]
        lines[-1] = lines[-1][: span.end_column - 1]
        return " ".join(x.strip() for x in lines)


@dataclass(frozen=True, slots=True)
class Program:
    """Checked rulesets: rules in dependency order and the final parameter values."""

    rulesets: tuple[RulesetInfo, ...]
    params: dict[str, ParamInfo]
    rules: tuple[CheckedRule, ...]

    def for_format(self, declaration_format: str) -> tuple[CheckedRule, ...]:
        """The rules that check declarations of one format."""
        return tuple(r for r in self.rules if r.declaration_format == declaration_format)
