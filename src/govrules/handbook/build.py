"""Gathering the handbook from checked rules and the reports on the example declarations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from ..checker import CheckedRule
from ..checker import ParamInfo
from ..checker import ParamValue
from ..checker import Program
from ..declaration import load_declaration
from ..evaluator import Engine
from ..evaluator import display_path
from ..evaluator import parse_date
from ..report import Finding
from ..report import Report
from ..report import rule_sort_key
from .model import Citation
from .model import Due
from .model import ExampleEntry
from .model import ExampleOutcome
from .model import Handbook
from .model import ParamEntry
from .model import RuleEntry
from .model import RulesetEntry


def _format_value(value: ParamValue) -> str:
    """A parameter value as the rule language writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple):
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    return str(value)


def _param_basis(p: ParamInfo, sources: dict[str, str]) -> str:
    parts: list[str] = []
    if p.reason:
        parts.append(p.reason)
    if p.citation is not None:
        c = p.citation
        parts.append(f"{sources.get(c.source, c.source)}, {c.section}: {c.text}")
    return " — ".join(parts) if parts else "no reason given"


def build_handbook(
    program: Program,
    examples: Sequence[tuple[str, Report]],
    *,
    title: str = "govrules criteria handbook",
) -> Handbook:
    """Gather what the handbook says about every rule of ``program``.

    Args:
        program: The checked rulesets.
        examples: ``(label, report)`` pairs, in the order the handbook lists them.
        title: The handbook's title.
    """
    all_sources: dict[str, str] = {}
    for info in program.rulesets:
        all_sources.update(info.sources)
    ruleset_of_file = {f: info.name for info in program.rulesets for f in info.files}

    rulesets: list[RulesetEntry] = []
    for info in program.rulesets:
        overrides = {o.parameter: o for o in info.overrides}
        params: list[ParamEntry] = []
        for p in program.params.values():
            if ruleset_of_file.get(p.source) != info.name:
                continue
            o = overrides.get(p.name)
            note = None
            if o is not None:
                note = (
                    f"overridden in {display_path(o.file)}:{o.line}; was "
                    f"{_format_value(o.previous)} in {display_path(o.previous_file)}"
                )
            params.append(
                ParamEntry(
                    name=p.name,
                    type=p.type,
                    value=_format_value(p.value),
                    basis=_param_basis(p, info.sources or all_sources),
                    defined_in=f"{display_path(p.source)}:{p.span.line}",
                    override=note,
                )
            )
        ids = sorted((r.id for r in program.rules if r.ruleset == info.name), key=rule_sort_key)
        rulesets.append(
            RulesetEntry(
                name=info.name,
                version=info.version,
                declaration_format=info.declaration_format,
                digest=info.digest,
                files=tuple(display_path(f) for f in info.files),
                sources=tuple(sorted(info.sources.items())),
                params=tuple(params),
                rule_ids=tuple(ids),
            )
        )

    used_by: dict[str, list[str]] = {}
    for r in program.rules:
        for dep in r.depends_on:
            used_by.setdefault(dep, []).append(r.id)

    findings: dict[str, list[tuple[str, Finding]]] = {}
    for label, report in examples:
        for f in report.findings:
            findings.setdefault(f.rule, []).append((label, f))

    order = {info.name: i for i, info in enumerate(program.rulesets)}
    ordered = sorted(
        program.rules, key=lambda r: (order.get(r.ruleset, len(order)), rule_sort_key(r.id))
    )
    rules = tuple(
        _rule_entry(r, program, all_sources, used_by.get(r.id, []), findings.get(r.id, []))
        for r in ordered
    )
    entries = tuple(
        ExampleEntry(
            label=label,
            place=report.place,
            name=report.name,
            as_of=report.as_of,
            compliant=report.compliant,
            summary=tuple(report.summary.items()),
        )
        for label, report in examples
    )
    return Handbook(title=title, rulesets=tuple(rulesets), rules=rules, examples=entries)


def _rule_entry(
    r: CheckedRule,
    program: Program,
    sources: dict[str, str],
    used_by: list[str],
    findings: list[tuple[str, Finding]],
) -> RuleEntry:
    rule = r.rule
    due = None
    if r.due is not None:
        p = program.params.get(r.due_param) if r.due_param else None
        due = Due(r.due, r.due_param, p.reason if p is not None else None)
    citation = None
    if rule.citation is not None:
        c = rule.citation
        citation = Citation(sources.get(c.source, c.source), c.section, c.text)
    return RuleEntry(
        id=r.id,
        title=rule.title or "",
        severity=rule.severity or "must",
        ruleset=r.ruleset,
        due=due,
        decisions=rule.decisions,
        citation=citation,
        citation_text=r.citation,
        text=_dedent_rule(rule.text),
        depends_on=r.depends_on,
        used_by=tuple(sorted(used_by, key=rule_sort_key)),
        outcomes=tuple(
            ExampleOutcome(label, f.status, f.explanation, f.would_pass) for label, f in findings
        ),
    )


def _dedent_rule(text: str) -> str:
    """The rule as written, without trailing blanks (its first line starts at column 1)."""
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def example_reports(
    program: Program,
    example_paths: Sequence[Path],
    as_of: str | dt.date | None,
) -> list[tuple[str, Report]]:
    """Check each example declaration with the Python engine, labelled by its file name.

    Nothing is skipped: an example that cannot be read or is invalid raises
    :class:`~govrules.errors.DeclarationError`. Two examples with the same file name are
    labelled by their full paths instead.
    """
    date = parse_date(as_of)
    engine = Engine(program, "python")
    paths = [Path(p) for p in example_paths]
    names = [p.name for p in paths]
    out: list[tuple[str, Report]] = []
    for path, name in zip(paths, names, strict=True):
        label = name if names.count(name) == 1 else str(path)
        declaration = load_declaration(path)
        out.append((label, engine.evaluate(declaration, date, source=str(path))))
    return out
