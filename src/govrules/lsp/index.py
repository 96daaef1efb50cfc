"""What the language server knows about rule files, independent of the protocol.

A document is checked together with the rule files beside it (its folder, in load order, as
``govrules lint FOLDER`` checks them) and with any rule paths the editor configured to load
first, so a parameter defined in a sibling file is known and an ``override`` finds what it
overrides. Open documents take the place of their files' saved text.

Definitions (rules, parameters, sources) are found by scanning the text, so they are known
even while the document does not parse; the details shown on hover come from the last
program that checked without errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .. import types as T
from ..checker import Program
from ..errors import Diagnostic
from ..errors import RuleError
from ..evaluator import RULE_SUFFIX
from ..evaluator import load_sources
from ..evaluator import rule_files
from ..formats import DECLARATION_FORMATS
from ..formats import DEFAULT_FORMAT
from ..source import Source

RULE_ID = r"[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+"
_RULE = re.compile(rf"^\s*rule\s+({RULE_ID})\b", re.M)
_PARAM = re.compile(r"^\s*(?:override\s+)?param\s+([a-z_][a-z0-9_]*)\b", re.M)
_SOURCE = re.compile(r'^\s*source\s+"([^"]*)"\s+"([^"]*)"', re.M)
_FORMAT = re.compile(r'^\s*ruleset\s+"[^"]*"\s+version\s+"[^"]*"\s+for\s+"([^"]*)"', re.M)
_LET = re.compile(r"^\s*let\s+([a-z_][a-z0-9_]*)\s*=\s*(.*)$")
_LOOP = r"(?:\b(?:all|any|for)\s+{var}\s+in\s+)([A-Za-z_][\w.\[\]*]*)"
_PATH_CHARS = re.compile(r"[A-Za-z0-9_.\[\]*-]")

#: The words of the language, offered by completion.
KEYWORDS = (
    "ruleset", "version", "for", "source", "param", "override", "because", "rule", "title",
    "severity", "must", "should", "due", "decision", "applies", "when", "let", "require",
    "met", "on", "cite", "section", "explain", "not_applicable", "remedy", "and", "or",
    "not", "in", "contains", "exists", "is", "missing", "empty", "all", "any", "satisfy",
    "where", "if", "then", "else", "count", "sum", "min", "max", "financial_year", "unmet",
    "as_of", "true", "false", "date", "duration", "number", "string", "bool", "list",
    "applicable", "days", "weeks", "months", "years",
)  # fmt: skip


@dataclass(frozen=True)
class Location:
    """A place in a file: its path, and a 0-based line and column range on one line."""

    path: str
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class Definition:
    """A rule, parameter or source defined in some file."""

    kind: str  # "rule" | "param" | "source"
    name: str
    location: Location
    detail: str = ""


def definitions(path: str, text: str) -> list[Definition]:
    """Every rule, parameter and source a text defines (found even if it does not parse)."""
    out: list[Definition] = []
    for kind, pattern in (("rule", _RULE), ("param", _PARAM), ("source", _SOURCE)):
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start(1))
            col = m.start(1) - (text.rfind("\n", 0, m.start(1)) + 1)
            detail = m.group(2) if kind == "source" else ""
            out.append(
                Definition(
                    kind, m.group(1), Location(path, line, col, col + len(m.group(1))), detail
                )
            )
    return out


def token_at(line: str, column: int) -> tuple[str, int, int]:
    """The path-like word under a 0-based column, cut after the segment holding it.

    Examples:
        >>> token_at("    require governance.model == 1", 16)
        ('governance', 12, 22)
        >>> token_at("    require governance.model == 1", 25)
        ('governance.model', 12, 28)
    """
    start = column
    while start > 0 and _PATH_CHARS.match(line[start - 1]):
        start -= 1
    end = column
    while end < len(line) and _PATH_CHARS.match(line[end]) and line[end] != ".":
        end += 1
    return line[start:end], start, end


class Workspace:
    """Open documents, the rule paths to load first, and the last good program per folder."""

    def __init__(self, preload: Iterable[str] = ()) -> None:
        self.preload = list(preload)
        self.open: dict[str, str] = {}
        self.programs: dict[str, Program] = {}

    def context(self, path: str) -> list[Path]:
        """The files checked with a document, in load order (the document among them)."""
        here = Path(path)
        files: list[Path] = []
        try:
            files += rule_files(self.preload) if self.preload else []
        except Exception:  # noqa: BLE001 - a bad setting must not stop the editor
            files = []
        folder = sorted(p for p in here.parent.glob(f"*{RULE_SUFFIX}") if p.is_file())
        if here not in folder:
            folder = sorted([*folder, here])
        return [f for f in files if f.resolve() not in {g.resolve() for g in folder}] + folder

    def text(self, path: Path) -> str:
        """The text of a file: the editor's, if it is open."""
        key = str(path.resolve())
        if key in self.open:
            return self.open[key]
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""

    def check(self, path: str) -> tuple[list[Diagnostic], Program | None]:
        """Lint a document in its context: its diagnostics, and the program if it checks."""
        sources = [Source(self.text(p), str(p.resolve())) for p in self.context(path)]
        target = str(Path(path).resolve())
        try:
            program = load_sources(sources)
        except RuleError as err:
            return [d for d in err.diagnostics if d.source == target], None
        self.programs[str(Path(path).resolve().parent)] = program
        return [], program

    def program(self, path: str) -> Program | None:
        """The last program of a document's folder that checked without errors."""
        return self.programs.get(str(Path(path).resolve().parent))

    def definitions(self, path: str) -> list[Definition]:
        """The definitions of every file in a document's context."""
        out: list[Definition] = []
        for p in self.context(path):
            out += definitions(str(p.resolve()), self.text(p))
        return out


# ---------------------------------------------------------------- fields of the declaration


def declaration_model(text: str) -> type[BaseModel]:
    """The root model of the format a rule file names in its header."""
    m = _FORMAT.search(text)
    return DECLARATION_FORMATS.get(
        m.group(1) if m else DEFAULT_FORMAT, DECLARATION_FORMATS[DEFAULT_FORMAT]
    )


@dataclass(frozen=True)
class FieldInfo:
    """A field of the declaration, as hover and completion show it."""

    path: str
    type: T.Type
    description: str


def _segments(path: str) -> list[str]:
    return [s for s in re.split(r"\.", re.sub(r"\[[^\]]*\]", "", path)) if s]


def resolve_path(path: str, text: str, line: int) -> tuple[T.Type, str] | None:
    """The type of a path written at a line of a rule file, and its field's description.

    The root may be a top-level field, a ``let`` that names a path, or a loop variable
    (``la`` in ``all la in local_authorities``), found in the text of the rule around the line.
    """
    model = declaration_model(text)
    parts = _segments(path)
    if not parts:
        return None
    root = parts[0]
    fields = T.model_fields(model)
    description = ""
    t: T.Type | None = None
    if root in fields:
        t = fields[root]
        description = model.model_fields[root].description or ""
    else:
        base = _binding(root, text, line)
        if base is None:
            return None
        found = resolve_path(base, text, line)
        if found is None:
            return None
        t, description = found
        if t.kind == "list" and t.item is not None and _is_loop(root, text, line):
            t = t.item
    for name in parts[1:]:
        while t.kind == "list" and t.item is not None:
            t = t.item
        if t.kind != "object" or t.model is None or name not in t.fields():
            return None
        description = t.model.model_fields[name].description or ""
        t = t.fields()[name]
    return t, description


def _rule_text(text: str, line: int) -> list[str]:
    lines = text.split("\n")
    start = line
    while start > 0 and not _RULE.match(lines[start]):
        start -= 1
    end = line
    while end < len(lines) - 1 and not lines[end].startswith("}"):
        end += 1
    return lines[start : end + 1]


def _binding(name: str, text: str, line: int) -> str | None:
    body = _rule_text(text, min(line, text.count("\n")))
    for row in body:
        m = _LET.match(row)
        if m and m.group(1) == name and re.fullmatch(r"[\w.\[\]*]+", m.group(2).strip()):
            return m.group(2).strip()
    loop = re.compile(_LOOP.format(var=re.escape(name)))
    for row in body:
        m = loop.search(row)
        if m:
            return m.group(1)
    return None


def _is_loop(name: str, text: str, line: int) -> bool:
    loop = re.compile(_LOOP.format(var=re.escape(name)))
    return any(loop.search(row) for row in _rule_text(text, min(line, text.count("\n"))))


def describe_field(path: str, t: T.Type, description: str) -> str:
    """Markdown for a hover on a field path."""
    lines = [f"**{path}**: {t.describe()}" + (" (optional)" if t.optional else "")]
    if description:
        lines.append(description)
    choices = t.choices or (t.item.choices if t.item is not None else None)
    if choices:
        lines.append("Allowed values: " + ", ".join(f"`{c}`" for c in choices))
    if t.kind == "object" and t.model is not None:
        lines.append("Fields: " + ", ".join(f"`{f}`" for f in t.fields()))
    return "\n\n".join(lines)


def field_completions(path: str, text: str, line: int) -> list[tuple[str, T.Type, str]]:
    """The fields that may follow ``path.`` (``path`` empty: the top-level fields)."""
    if not path:
        model = declaration_model(text)
        return [
            (n, t, model.model_fields[n].description or "")
            for n, t in T.model_fields(model).items()
        ]
    found = resolve_path(path, text, line)
    if found is None:
        return []
    t = found[0]
    while t.kind == "list" and t.item is not None:
        t = t.item
    if t.kind != "object" or t.model is None:
        return []
    model = t.model
    return [(n, ft, model.model_fields[n].description or "") for n, ft in t.fields().items()]


def param_markdown(program: Program, name: str) -> str | None:
    """Markdown for a hover on a parameter: value, reason or citation, overrides."""
    p = program.params.get(name)
    if p is None:
        return None
    value = _show(p.value)
    lines = [f"**param {name}**: {p.type} = `{value}`"]
    if p.reason:
        lines.append(f"Because: {p.reason}")
    if p.citation is not None:
        lines.append(f'Cites "{p.citation.source}", {p.citation.section}: {p.citation.text}')
    overrides = [o for info in program.rulesets for o in info.overrides if o.parameter == name]
    for o in overrides:
        lines.append(
            f"Overridden in {Path(o.file).name}:{o.line} (was `{_show(o.previous)}` in "
            f"{Path(o.previous_file).name})"
        )
    lines.append(f"Defined in {Path(p.source).name}:{p.span.line}")
    return "\n\n".join(lines)


def rule_markdown(program: Program, rule_id: str) -> str | None:
    """Markdown for a hover on a rule ID: title, severity, due date, citation."""
    r = next((x for x in program.rules if x.id == rule_id), None)
    if r is None:
        return None
    due = r.due.isoformat() if r.due else "none"
    if r.due_param:
        due += f" ({r.due_param})"
    return "\n\n".join(
        [
            f"**{r.id}** — {r.rule.title}",
            f"Severity: {r.rule.severity}; due: {due}; ruleset: {r.ruleset}",
            f"Cites: {r.citation}",
            f"Defined in {Path(r.source.name).name}:{r.rule.span.line}",
        ]
    )


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
