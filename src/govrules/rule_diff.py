"""``govrules diff``: what changed between two versions of a ruleset, and what it changes.

The difference is semantic: rules are matched by ID and compared clause by clause on their
syntax trees, so moving a rule, re-wrapping a text or reformatting a file changes nothing,
while a changed condition, date, severity, citation or text is reported with its old and new
wording. Parameters are compared by their final values (after any ``override``), with the
rules that read each one.

The *impact* evaluates a folder of declarations with both versions on one date and reports,
for each declaration, the findings whose status changes, and for each rule how many
declarations move from one status to another ("SAP-2: 3 places pass → fail").
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from . import ast
from .checker import CheckedRule
from .checker import Program
from .declaration import load_declaration
from .errors import NoVerdictError
from .errors import UsageError
from .evaluator import Engine
from .evaluator import bundled_ruleset_files
from .evaluator import bundled_rulesets
from .evaluator import declaration_files
from .evaluator import load_rulesets
from .evaluator import load_sources
from .formats import DECLARATION_IDENTITY
from .report import Finding
from .report import Report
from .report import rule_sort_key
from .source import Source

# ---------------------------------------------------------------- loading a side


def load_side(spec: str, rev: str | None = None) -> Program:
    """The rules named by ``spec``: a rule file or folder (at git revision ``rev`` when given),
    or the name of a bundled ruleset such as ``national-2022``.

    Raises:
        UsageError: nothing of that name, or git cannot give the revision.
        RuleError: the rules do not load.
    """
    if rev is not None:
        return load_sources(git_sources(Path(spec), rev))
    if Path(spec).exists() or bundled_ruleset_files(spec):
        return load_rulesets([spec])
    names = ", ".join(sorted(bundled_rulesets()))
    raise UsageError(f"{spec}: not a rule file or folder, nor a bundled ruleset ({names})")


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise UsageError(f"cannot run git: {err}") from None
    if done.returncode != 0:
        raise UsageError(f"git {' '.join(args)}: {done.stderr.strip() or 'failed'}")
    return done.stdout


def git_sources(path: Path, rev: str) -> list[Source]:
    """The rule files under ``path`` as they were at git revision ``rev``."""
    here = path.resolve()
    start = here if here.is_dir() else here.parent
    while not start.exists():
        start = start.parent
    root = Path(_git(start, "rev-parse", "--show-toplevel").strip())
    rel = here.relative_to(root).as_posix() if here != root else "."
    listed = _git(root, "ls-tree", "-r", "--name-only", rev, "--", rel).splitlines()
    files = sorted(f for f in listed if f.endswith(".gr"))
    if not files:
        raise UsageError(f"{path}: no rule files (*.gr) at revision {rev}")
    return [Source(_git(root, "show", f"{rev}:{f}"), f"{rev}:{f}") for f in files]


# ---------------------------------------------------------------- rules and parameters


@dataclass(frozen=True, slots=True)
class ClauseChange:
    """One clause of a rule, before and after (``None`` when absent)."""

    clause: str
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class RuleChange:
    """A rule added, removed or changed."""

    rule: str
    kind: str  # "added", "removed" or "changed"
    title: str
    file: str
    line: int
    clauses: tuple[ClauseChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ParamChange:
    """A parameter added, removed or given another value."""

    name: str
    kind: str
    old: str | None
    new: str | None
    used_by: tuple[str, ...]


@dataclass
class RulesetChange:
    """A ruleset's version, or its sources, changed."""

    name: str
    lines: list[str] = field(default_factory=list)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _expr(rule: CheckedRule, e: ast.Node | None) -> str | None:
    return None if e is None else _squash(rule.text_of(e.span))


def _template(rule: CheckedRule, t: ast.Template | None) -> str | None:
    if t is None:
        return None
    return "".join(p if isinstance(p, str) else "{" + (_expr(rule, p) or "") + "}" for p in t.parts)


def _clauses(r: CheckedRule) -> Iterator[tuple[str, Any, str | None]]:
    """Each clause as (name, what is compared, how it reads)."""
    rule = r.rule
    yield "title", rule.title, rule.title
    yield "severity", rule.severity, rule.severity
    # The clause as written: a parameter whose value moves is reported with the parameters.
    yield "due", rule.due, _due_text(r)
    yield "decision", rule.decisions, ", ".join(rule.decisions) or None
    yield "applies when", rule.when, _expr(r, rule.when)
    yield "require", rule.require, _expr(r, rule.require)
    yield "met on", rule.met_on, _expr(r, rule.met_on)
    yield "cite", r.citation, r.citation or None
    yield "explain", rule.explain, _template(r, rule.explain)
    yield "explain met", rule.explain_met, _template(r, rule.explain_met)
    yield "explain not_applicable", rule.explain_na, _template(r, rule.explain_na)
    yield "remedy", rule.remedy, _template(r, rule.remedy)
    yield "ruleset", r.ruleset, r.ruleset


def _due_text(r: CheckedRule) -> str | None:
    if r.due is None:
        return None
    return f"{r.due_param} ({r.due.isoformat()})" if r.due_param else r.due.isoformat()


def compare_rules(old: CheckedRule, new: CheckedRule) -> tuple[ClauseChange, ...]:
    """The clauses that differ in meaning or wording, in the canonical clause order."""
    out: list[ClauseChange] = []
    for (name, a, a_text), (_, b, b_text) in zip(_clauses(old), _clauses(new), strict=True):
        if a != b:
            out.append(ClauseChange(name, a_text, b_text))
    lets_old = {x.name: x for x in old.rule.lets}
    lets_new = {x.name: x for x in new.rule.lets}
    for name in sorted(lets_old.keys() | lets_new.keys()):
        a, b = lets_old.get(name), lets_new.get(name)
        if a is None or b is None or a.value != b.value:
            out.append(
                ClauseChange(
                    f"let {name}",
                    _expr(old, a.value) if a else None,
                    _expr(new, b.value) if b else None,
                )
            )
    return tuple(out)


def _param_text(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_param_text(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _readers(program: Program, name: str) -> tuple[str, ...]:
    """The rules that read a parameter (in a condition, a let, a text or their due date)."""
    out = []
    for r in program.rules:
        if r.due_param == name or any(_reads(n, name) for n in _nodes(r.rule)):
            out.append(r.id)
    return tuple(sorted(out, key=rule_sort_key))


def _nodes(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        if isinstance(n, tuple):
            stack.extend(n)
        elif isinstance(n, ast.Node):
            stack.extend(getattr(n, f) for f in n.__dataclass_fields__ if f != "span")  # type: ignore[attr-defined]


def _reads(node: Any, name: str) -> bool:
    return isinstance(node, ast.Path) and node.root == name


@dataclass
class RulesDiff:
    """Everything that differs between two versions of the rules."""

    rulesets: list[RulesetChange]
    params: list[ParamChange]
    rules: list[RuleChange]

    @property
    def empty(self) -> bool:
        """Nothing changed."""
        return not (self.rulesets or self.params or self.rules)


def diff_programs(old: Program, new: Program) -> RulesDiff:
    """The semantic difference between two programs."""
    rulesets: list[RulesetChange] = []
    old_sets = {i.name: i for i in old.rulesets}
    new_sets = {i.name: i for i in new.rulesets}
    for name in sorted(old_sets.keys() | new_sets.keys()):
        a, b = old_sets.get(name), new_sets.get(name)
        change = RulesetChange(name)
        if a is None or b is None:
            change.lines.append("added" if a is None else "removed")
        else:
            if a.version != b.version:
                change.lines.append(f"version {a.version} → {b.version}")
            for key in sorted(a.sources.keys() | b.sources.keys()):
                sa, sb = a.sources.get(key), b.sources.get(key)
                if sa != sb:
                    change.lines.append(f'source "{key}": {sa or "(none)"} → {sb or "(none)"}')
        if change.lines:
            rulesets.append(change)
    params: list[ParamChange] = []
    for name in sorted(old.params.keys() | new.params.keys()):
        pa, pb = old.params.get(name), new.params.get(name)
        va = f"{pa.type} = {_param_text(pa.value)}" if pa else None
        vb = f"{pb.type} = {_param_text(pb.value)}" if pb else None
        if va != vb:
            kind = "added" if pa is None else "removed" if pb is None else "changed"
            used = _readers(new if pb else old, name)
            params.append(ParamChange(name, kind, va, vb, used))
    rules: list[RuleChange] = []
    old_rules = {r.id: r for r in old.rules}
    new_rules = {r.id: r for r in new.rules}
    for rid in sorted(old_rules.keys() | new_rules.keys(), key=rule_sort_key):
        ra, rb = old_rules.get(rid), new_rules.get(rid)
        if ra is None and rb is not None:
            rules.append(
                RuleChange(rid, "added", rb.rule.title or "", rb.source.name, rb.rule.span.line)
            )
        elif rb is None and ra is not None:
            rules.append(
                RuleChange(rid, "removed", ra.rule.title or "", ra.source.name, ra.rule.span.line)
            )
        elif ra is not None and rb is not None:
            clauses = compare_rules(ra, rb)
            if clauses:
                rules.append(
                    RuleChange(
                        rid,
                        "changed",
                        rb.rule.title or "",
                        rb.source.name,
                        rb.rule.span.line,
                        clauses,
                    )
                )
    return RulesDiff(rulesets, params, rules)


# ---------------------------------------------------------------- impact


def status_of(f: Finding | None) -> str:
    """A finding's status as the impact shows it (``pass (late)``; ``-`` when absent)."""
    if f is None:
        return "-"
    return f"{f.status} (late)" if f.late else f.status


@dataclass(frozen=True, slots=True)
class DeclarationImpact:
    """How one declaration's findings change."""

    file: str
    name: str
    kind: str  # "place", "collaborative"
    changes: tuple[tuple[str, str, str], ...]  # (rule, old status, new status)
    compliant: tuple[bool | None, bool | None]  # None: that version gives no verdict


@dataclass
class Impact:
    """The impact of a change on a set of declarations, on one date."""

    as_of: dt.date
    declarations: list[DeclarationImpact]
    #: Declarations of a kind neither version has must rules for (no verdict either way).
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> list[tuple[str, str, str, int, str]]:
        """``(rule, old, new, how many, kind)`` per rule and status change, in rule order."""
        counts: Counter[tuple[str, str, str]] = Counter()
        kinds: dict[tuple[str, str, str], set[str]] = {}
        for d in self.declarations:
            for change in d.changes:
                counts[change] += 1
                kinds.setdefault(change, set()).add(d.kind)
        return [
            (rule, a, b, n, kinds[(rule, a, b)].pop() if len(kinds[(rule, a, b)]) == 1 else "")
            for (rule, a, b), n in sorted(
                counts.items(), key=lambda x: (rule_sort_key(x[0][0]), x[0])
            )
        ]

    def compliance(self) -> list[tuple[bool | None, bool | None, int]]:
        """``(old, new, how many)`` for the declarations whose compliance changes."""
        counts = Counter(d.compliant for d in self.declarations if d.compliant[0] != d.compliant[1])
        return [(a, b, n) for (a, b), n in sorted(counts.items(), key=str)]


def _verdict(engine: Engine, decl: Any, as_of: dt.date, path: Path) -> Report | None:
    """The report of one version, or None when it has no must rules for the declaration."""
    try:
        return engine.evaluate(decl, as_of, source=str(path))
    except NoVerdictError:
        return None


def impact(old: Program, new: Program, folder: list[str], as_of: dt.date) -> Impact:
    """Evaluate every declaration under ``folder`` with both programs and compare.

    Raises:
        DeclarationError: a declaration is invalid (the message names file and line).
    """
    files = declaration_files(folder)
    before, after = Engine(old, "python"), Engine(new, "python")
    out: list[DeclarationImpact] = []
    skipped: list[str] = []
    for path in files:
        decl = load_declaration(path)
        ra, rb = _verdict(before, decl, as_of, path), _verdict(after, decl, as_of, path)
        if ra is None and rb is None:
            skipped.append(str(path))  # neither version has rules for this kind of declaration
            continue
        fa = {f.rule: f for f in ra.findings} if ra else {}
        fb = {f.rule: f for f in rb.findings} if rb else {}
        changes = []
        for rid in sorted(fa.keys() | fb.keys(), key=rule_sort_key):
            a, b = status_of(fa.get(rid)), status_of(fb.get(rid))
            if a != b:
                changes.append((rid, a, b))
        fmt = str(decl.model_dump().get("format", ""))
        out.append(
            DeclarationImpact(
                str(path),
                rb.name if rb else ra.name if ra else "",
                DECLARATION_IDENTITY.get(fmt, "declaration"),
                tuple(changes),
                (ra.compliant if ra else None, rb.compliant if rb else None),
            )
        )
    return Impact(as_of, out, skipped)
