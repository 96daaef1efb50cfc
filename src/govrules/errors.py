"""One error hierarchy for the whole pipeline.

Every problem a user can cause is a :class:`GovrulesError`. Rule-file problems carry
:class:`Diagnostic` records (file, line, column, stable code, message, caret snippet, hint);
declaration problems carry :class:`InputIssue` records (field path, message, and the line and
column in the YAML/JSON text where known). All problems of one input are reported together.

Error codes are stable snake_case identifiers: scripts match on them, so never rename one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from typing import ClassVar

from .source import Source
from .source import Span


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in a rule file, located to a line and column.

    Examples:
        >>> d = Diagnostic("unknown_parameter", "unknown parameter 'due_date'",
        ...                "r.gr", Span(4, 7, 4, 15), hint="did you mean 'due_on'?")
        >>> d.headline()
        "r.gr:4:7: unknown_parameter: unknown parameter 'due_date'"
    """

    code: str
    message: str
    source: str
    span: Span
    hint: str | None = None
    snippet: str = ""

    def headline(self) -> str:
        """``file:line:col: code: message``."""
        return f"{self.source}:{self.span.line}:{self.span.column}: {self.code}: {self.message}"

    def render(self) -> str:
        """Headline, then the source line with a caret, then the hint."""
        parts = [self.headline()]
        if self.snippet:
            parts.append(self.snippet)
        if self.hint:
            parts.append(f"    hint: {self.hint}")
        return "\n".join(parts)

    def with_source(self, source: Source) -> Diagnostic:
        """This diagnostic with its snippet rendered from ``source``."""
        return Diagnostic(
            self.code,
            self.message,
            source.name,
            self.span,
            self.hint,
            source.snippet(self.span),
        )

    def to_json(self) -> dict[str, Any]:
        """The JSON shape used by ``POST /v1/lint`` and ``lint --format json``."""
        out: dict[str, Any] = {
            "file": self.source,
            "line": self.span.line,
            "column": self.span.column,
            "code": self.code,
            "message": self.message,
        }
        if self.hint:
            out["hint"] = self.hint
        return out


def make_diagnostic(
    source: Source, span: Span, code: str, message: str, hint: str | None = None
) -> Diagnostic:
    """A diagnostic with its caret snippet taken from ``source``."""
    return Diagnostic(code, message, source.name, span, hint, source.snippet(span))


def internal_error(source: Source, span: Span, err: BaseException) -> Diagnostic:
    """A failure of govrules itself while reading ``source``, as a located diagnostic."""
    return make_diagnostic(
        source,
        span,
        "internal_error",
        f"govrules failed while reading this ({type(err).__name__}: {str(err)[:200]})",
        hint="this is a fault in govrules, not in the rule text: please report it with the file",
    )


class GovrulesError(Exception):
    """Base of every error govrules raises on purpose."""

    code: ClassVar[str] = "govrules_error"
    exit_code: ClassVar[int] = 3


class RuleError(GovrulesError):
    """One or more problems in rule files, sorted by file and position."""

    code: ClassVar[str] = "rule_error"

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(
            sorted(
                diagnostics,
                key=lambda d: (d.source, d.span.line, d.span.column, d.code),
            )
        )
        super().__init__(self.render())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.diagnostics,))

    def render(self) -> str:
        """All diagnostics, with a count when there are several."""
        body = "\n".join(d.render() for d in self.diagnostics)
        if len(self.diagnostics) > 1:
            return f"{len(self.diagnostics)} errors occurred:\n{body}"
        return body


class RuleSyntaxError(RuleError):
    """The rule text does not follow the grammar."""

    code: ClassVar[str] = "rule_syntax_error"


class RuleCompileError(RuleError):
    """The rule text parses but is wrong: unknown names, type errors, cycles, duplicates."""

    code: ClassVar[str] = "rule_compile_error"


@dataclass(frozen=True, slots=True)
class InputIssue:
    """One problem in a declaration, named by its field path."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    code: str = "invalid_value"

    def render(self, source_name: str) -> str:
        """``file:line:col: path: message`` (line and column where known)."""
        where = source_name
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        label = f"{self.path}: " if self.path else ""
        return f"{where}: {label}{self.message}"

    def to_json(self) -> dict[str, Any]:
        """The shape of one entry in the HTTP API's ``errors`` list."""
        out: dict[str, Any] = {"path": self.path, "message": self.message}
        if self.line is not None:
            out["line"] = self.line
        if self.column is not None:
            out["column"] = self.column
        return out


class DeclarationError(GovrulesError):
    """A declaration could not be read or does not match its format."""

    code: ClassVar[str] = "invalid_declaration"

    def __init__(self, source_name: str, issues: Iterable[InputIssue]) -> None:
        self.source_name = source_name
        self.issues: tuple[InputIssue, ...] = tuple(issues)
        super().__init__(self.render())

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.source_name, self.issues))

    def render(self) -> str:
        """Every issue, one per line, after a count."""
        lines = [i.render(self.source_name) for i in self.issues]
        if len(lines) > 1:
            return f"{len(lines)} problems in {self.source_name}:\n" + "\n".join(lines)
        return "\n".join(lines)


class DeclarationSyntaxError(DeclarationError):
    """The YAML or JSON text itself is malformed (the issue names line and column)."""

    code: ClassVar[str] = "declaration_syntax_error"


class EvaluationError(GovrulesError):
    """Evaluation could not complete (an engine fault, never a user's missing fact)."""

    code: ClassVar[str] = "evaluation_error"
    exit_code: ClassVar[int] = 4


class UsageError(GovrulesError):
    """The command was called wrongly (bad option value, unknown ruleset name)."""

    code: ClassVar[str] = "usage_error"
    exit_code: ClassVar[int] = 2


class NoVerdictError(UsageError):
    """The rules chosen have no ``must`` rule for the declaration's kind: no verdict of
    compliance could mean anything, so none is given (exit 2; HTTP 422)."""

    code: ClassVar[str] = "no_must_rules"
