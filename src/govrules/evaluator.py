"""Loading rulesets and evaluating declarations: the public entry points of the library.

    >>> from govrules import load_rulesets, load_declaration, evaluate
    >>> program = load_rulesets()                         # the bundled rulesets
    >>> report = evaluate(program, load_declaration("examples/northshire.yaml"), "2023-09-30")
    >>> report.compliant
    True

An :class:`Engine` compiles a program once (closures for the Python back-end, one registered
durable_rules ruleset per declaration format) and is then reused for every evaluation; it is
safe to share between threads.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import re
import sys
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from typing import Literal

from pydantic import BaseModel

from . import ir
from .checker import FORMATS
from .checker import CheckedRule
from .checker import Program
from .checker import check_program
from .compiler import lower
from .dates import Duration
from .dates import in_words
from .declaration import validate_declaration
from .errors import Diagnostic
from .errors import EvaluationError
from .errors import NoVerdictError
from .errors import RuleError
from .errors import RuleSyntaxError
from .errors import UsageError
from .errors import internal_error
from .errors import make_diagnostic
from .formats import DECLARATION_IDENTITY
from .formats import MUST_RULESETS
from .interpreter import CompiledRule
from .interpreter import Compiler
from .interpreter import Ctx
from .report import Finding
from .report import Report
from .report import Status
from .report import rule_sort_key
from .source import Source
from .source import Span
from .syntax import parse_module

EngineName = Literal["auto", "durable", "python"]
RULE_SUFFIX = ".gr"


def bundled_rules_dir() -> Path:
    """The rulesets shipped with the package (or, in a checkout, the top-level ``rules/``)."""
    packaged = importlib.resources.files("govrules") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


def bundled_examples_dir() -> Path:
    """The example declarations shipped with the package (or, in a checkout, ``examples/``)."""
    packaged = importlib.resources.files("govrules") / "examples"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "examples"


DECLARATION_SUFFIXES = (".yaml", ".yml", ".json")
#: HTTP request bodies kept beside the examples (``{"declaration": …}``), not declarations.
REQUEST_SUFFIX = ".request.json"


def _expand(
    paths: Iterable[str | Path], accept: Callable[[Path], bool], what: str, pattern: str
) -> list[Path]:
    """Files named by ``paths``: files as given, folders searched recursively, sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and accept(f))
            if not found:
                raise UsageError(f"{p}: no {what}s ({pattern}) in this folder")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"{p}: no such {what} or folder")
    return out


def declaration_files(paths: Iterable[str | Path]) -> list[Path]:
    """Declaration files named by ``paths``: files as given, folders searched recursively."""
    return _expand(
        paths,
        lambda f: f.suffix in DECLARATION_SUFFIXES and not f.name.endswith(REQUEST_SUFFIX),
        "declaration",
        "*.yaml, *.json",
    )


def rule_files(paths: Iterable[str | Path]) -> list[Path]:
    """Rule files named by ``paths``: files as given, folders searched for ``*.gr`` in order,
    and the name of a bundled ruleset (``national-2022``) for its files, wherever the package
    is installed (a file or folder of that name in the current folder comes first)."""
    out: list[Path] = []
    for raw in paths:
        named = None if Path(raw).exists() else bundled_ruleset_files(str(raw))
        if named:
            out.extend(named)
        else:
            out.extend(
                _expand([raw], lambda f: f.suffix == RULE_SUFFIX, "rule file", f"*{RULE_SUFFIX}")
            )
    return out


def bundled_rulesets() -> dict[str, list[Path]]:
    """The bundled rulesets by name, each with its files in load order (headers only read)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(bundled_rules_dir().rglob(f"*{RULE_SUFFIX}")):
        header = _HEADER.search(path.read_text(encoding="utf-8"))
        if header:
            found.setdefault(header.group(1), []).append(path)
    return found


_HEADER = re.compile(r'^\s*ruleset\s+"([^"\\\n]*)"', re.MULTILINE)


def bundled_ruleset_files(name: str) -> list[Path] | None:
    """The files of the bundled ruleset called ``name``, or None if there is none."""
    return bundled_rulesets().get(name)


def display_path(path: str | Path) -> str:
    """Bundled rule files by their place in the package (``rules/national/…``), wherever it is
    installed; other files as given."""
    try:
        bundled = bundled_rules_dir().resolve()
        rel = Path(path).resolve().relative_to(bundled)
    except (ValueError, OSError):
        return str(path)
    return f"{bundled.name}/{rel.as_posix()}"


def read_source(path: Path, name: str | None = None) -> Source:
    """A rule file as a :class:`Source`.

    Raises:
        RuleSyntaxError: the file is not UTF-8 text (``not_utf8``, at the first bad byte).
        UsageError: the file cannot be read at all.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"{path}: cannot read ({err.strerror})") from None
    name = name or display_path(path)
    try:
        return Source(data.decode("utf-8"), name)
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        shown = Source(data.decode("utf-8", "replace"), name)
        raise RuleSyntaxError(
            [
                make_diagnostic(
                    shown,
                    Span.point(line, column),
                    "not_utf8",
                    f"byte 0x{data[err.start]:02x} is not UTF-8 text ({err.reason})",
                    hint="save the rule file as UTF-8",
                )
            ]
        ) from None


def load_sources(
    sources: Iterable[Source],
    diagnostics: Iterable[Diagnostic] = (),
    *,
    cache: bool = True,
    deadline: float | None = None,
) -> Program:
    """Parse and check rule texts in order; every problem of every file is reported together
    (with ``diagnostics`` already found, such as files that are not UTF-8).

    A failure of govrules itself while reading a text is reported as an ``internal_error``
    diagnostic located in that text, never as a traceback.
    """
    modules = []
    found: list[Diagnostic] = list(diagnostics)
    for source in sources:
        try:
            modules.append((source, parse_module(source, cache=cache)))
        except RuleError as err:
            found.extend(err.diagnostics)
        except Exception as err:  # a bug of ours: say where, and what
            found.append(internal_error(source, Span.point(1, 1), err))
    if found:
        raise RuleSyntaxError(found)
    return check_program(modules, deadline=deadline)


def read_sources(paths: Iterable[Path]) -> tuple[list[Source], list[Diagnostic]]:
    """Read rule files; the ones that are not UTF-8 text become diagnostics."""
    sources: list[Source] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            sources.append(read_source(path))
        except RuleError as err:
            problems.extend(err.diagnostics)
    return sources, problems


def load_rulesets(paths: Iterable[str | Path] | None = None) -> Program:
    """Load rule files (or folders of them); ``None`` loads the bundled rulesets.

    Raises:
        RuleSyntaxError: a file does not parse, or is not UTF-8 text.
        RuleCompileError: the files parse but have errors.
        UsageError: a path does not exist or cannot be read.
    """
    chosen = [bundled_rules_dir()] if paths is None else list(paths)
    return load_sources(*read_sources(rule_files(chosen)))


def parse_date(value: str | dt.date | None) -> dt.date:
    """An evaluation date from ISO text, a date, or ``None`` (today)."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"'{value}' is not a date; write YYYY-MM-DD, e.g. 2023-09-30") from None


class _FormatEngine:
    """Compiled rules for one declaration format."""

    def __init__(
        self, program: Program, rules: tuple[CheckedRule, ...], fmt: str, closures: Compiler
    ) -> None:
        self.rules = tuple(CompiledRule(r, closures) for r in rules)
        # Findings are reported in natural rule-ID order; work that order out once.
        self.report_order = tuple(
            sorted(range(len(rules)), key=lambda i: rule_sort_key(rules[i].id))
        )
        self.plan, self.lowered = lower(program, closures, rules, fmt)
        self.rulesets = tuple(
            _ruleset_json(i) for i in program.rulesets if i.declaration_format == fmt
        )
        # A verdict of compliance needs at least one must rule for this kind of declaration.
        self.has_must = any(r.rule.severity == "must" for r in rules)
        self._durable: Any = None
        self._lock = threading.Lock()

    def durable(self) -> list[tuple[ir.EnginePlan, frozenset[str]]]:
        """The durable_rules rulesets of this format (registered with the worker once)."""
        with self._lock:
            if self._durable is None:
                from .backends import durable_process

                parts = _durable_parts(self.plan)
                durable_process.shared().register([plan for plan, _ in parts])
                self._durable = parts
            return list(self._durable)

    def durable_outcomes(self, facts: list[dict[str, ir.AtomValue]]) -> dict[str, ir.Outcome]:
        """Run every durable ruleset of this format on its rules' input facts, in the
        durable_rules worker process (a crash there is an EvaluationError here)."""
        from .backends import durable_process

        batch = [
            (plan.name, [f for f in facts if f["rule"] in ids]) for plan, ids in self.durable()
        ]
        return durable_process.shared().evaluate(batch)


def _durable_parts(plan: ir.EnginePlan) -> list[tuple[ir.EnginePlan, frozenset[str]]]:
    """One or more durable rulesets for a plan.

    durable_rules fails beyond about 512 rules in one ruleset, so a large plan is split into
    groups of rules that do not read each other's outcomes (forward chaining stays inside a
    group). Groups are connected components of the dependency graph, packed greedily.
    """
    from .backends import durable

    parent = {r.rule_id: r.rule_id for r in plan.rules}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in plan.rules:
        for dep in r.depends_on:
            if dep in parent:
                parent[find(r.rule_id)] = find(dep)
    components: dict[str, list[ir.RulePlan]] = {}
    for r in plan.rules:
        components.setdefault(find(r.rule_id), []).append(r)
    budget = durable.MAX_DURABLE_RULES - 40  # margin for the engine's own bookkeeping rules
    bins: list[list[ir.RulePlan]] = [[]]
    used = 0
    for members in components.values():
        # Each component is translated once to count its durable rules (less the one shared
        # internal rule every translation includes).
        size = durable.count_durable_rules(ir.EnginePlan(plan.name, tuple(members))) - 1
        if bins[-1] and used + size > budget:
            bins.append([])
            used = 0
        bins[-1].extend(members)
        used += size
    order = {r.rule_id: i for i, r in enumerate(plan.rules)}
    parts = []
    for n, members in enumerate(bins):
        members.sort(key=lambda r: order[r.rule_id])
        name = plan.name if len(bins) == 1 else f"{plan.name}_{n}"
        parts.append((ir.EnginePlan(name, tuple(members)), frozenset(r.rule_id for r in members)))
    return parts


def _ruleset_json(info: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": info.name, "version": info.version, "digest": info.digest}
    if info.overrides:
        out["overrides"] = [
            {
                "parameter": o.parameter,
                "value": _plain(o.value),
                "previous": _plain(o.previous),
                "file": o.file,
                "line": o.line,
                "previous_file": o.previous_file,
            }
            for o in info.overrides
        ]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def durable_available() -> tuple[bool, str | None]:
    """Whether the durable_rules back-end can run here, and why not."""
    try:
        from .backends import durable
    except Exception as err:  # pragma: no cover - only where the import itself breaks
        return False, str(err)
    return durable.AVAILABLE, durable.UNAVAILABLE_REASON


class Engine:
    """A program compiled for evaluation on one back-end; build once, evaluate many times."""

    def __init__(self, program: Program, engine: EngineName = "auto") -> None:
        self.program = program
        ok, why = durable_available()
        if engine == "durable" and not ok:
            raise UsageError(f"the durable_rules engine is not available here: {why}")
        if engine == "auto":
            if not ok:
                print(
                    f"govrules: durable_rules unavailable ({why}); using the Python engine",
                    file=sys.stderr,
                )
            engine = "durable" if ok else "python"
        self.name: Literal["durable", "python"] = engine
        closures = Compiler(program)
        self._formats: dict[str, _FormatEngine] = {}
        for fmt in {r.declaration_format for r in program.rules}:
            self._formats[fmt] = _FormatEngine(program, program.for_format(fmt), fmt, closures)
        if self.name == "durable":
            for fe in self._formats.values():
                fe.durable()  # register once, up front, never per request

    def evaluate(
        self,
        declaration: BaseModel | Mapping[str, Any],
        as_of: str | dt.date | None = None,
        *,
        source: str | None = None,
    ) -> Report:
        """Check one declaration; a validated model or a mapping (validated here)."""
        if not isinstance(declaration, BaseModel):
            declaration = validate_declaration(dict(declaration), source or "<declaration>")
        date = parse_date(as_of)
        doc = declaration.model_dump()
        fmt = str(doc.get("format", ""))
        fe = self._formats.get(fmt)
        if fe is None or not fe.has_must:
            raise NoVerdictError(self._no_verdict(fmt))
        unordered = self._run(fe, doc, date)
        findings = [unordered[i] for i in fe.report_order]
        ident = _identity(doc)
        return Report(
            as_of=date,
            place=str(ident.get("id", "")),
            name=str(ident.get("name", "")),
            source=source,
            rulesets=fe.rulesets,
            findings=tuple(findings),
            engine=self.name,
            declaration=declaration,
        )

    def _no_verdict(self, fmt: str) -> str:
        """Why no verdict can be given for a declaration of format ``fmt``."""
        chosen = ", ".join(i.name for i in self.program.rulesets) or "none"
        bundled = MUST_RULESETS.get(fmt)
        hint = f" (the bundled one is {bundled})" if bundled else ""
        return (
            f"the rulesets chosen ({chosen}) have no 'must' rule for a {fmt} declaration, so "
            "they cannot say whether it is compliant: include a ruleset of must rules for this "
            f"kind of declaration{hint}"
        )

    def _run(self, fe: _FormatEngine, doc: dict[str, Any], as_of: dt.date) -> list[Finding]:
        outcomes: dict[str, ir.Outcome] = {}
        results: list[tuple[CompiledRule, Ctx, bool, bool | None]] = []
        facts: list[dict[str, ir.AtomValue]] = []
        durable = self.name == "durable"
        for cr in fe.rules:
            ctx = Ctx(doc, as_of, outcomes)
            ctx.record = {}
            applicable, requirement = cr.evaluate(ctx)
            outcomes[cr.checked.id] = ir.Outcome(applicable, requirement is True)
            results.append((cr, ctx, applicable, requirement))
            if durable:
                record, ctx.record = ctx.record, None
                facts.append(fe.lowered[cr.checked.id].input_fact(ctx))
                ctx.record = record
        if durable and facts:
            decided = fe.durable_outcomes(facts)
            for rule_id, mine in outcomes.items():
                theirs = decided.get(rule_id)
                if theirs != mine:
                    raise EvaluationError(
                        f"the engines disagree on {rule_id}: durable_rules says {theirs}, "
                        f"the Python interpreter says {mine}; please report this with the "
                        "declaration"
                    )
        return [_finding(cr, ctx, applicable, req, as_of) for cr, ctx, applicable, req in results]


def _identity(doc: dict[str, Any]) -> dict[str, Any]:
    """The block that names what a declaration is about (``place``, ``collaborative``)."""
    block = doc.get(DECLARATION_IDENTITY.get(str(doc.get("format")), "place"))
    return block if isinstance(block, dict) else {}


def _finding(
    cr: CompiledRule, ctx: Ctx, applicable: bool, requirement: bool | None, as_of: dt.date
) -> Finding:
    checked = cr.checked
    rule = checked.rule
    met = requirement is True
    status: Status
    remedy: str | None = None
    met_on = cr.met_date(ctx) if applicable and met else None
    late = met_on is not None and checked.due is not None and met_on > checked.due
    if not applicable:
        status = "not_applicable"
        when_text = checked.text_of(rule.when.span) if rule.when else ""
        explanation = (
            cr.render("na", ctx)
            or f"Not applicable: the condition '{when_text}' does not hold for this place."
        )
    else:
        if met:
            explanation = cr.render("met", ctx) or f"Met: {rule.title}."
            if late:
                assert met_on is not None and checked.due is not None
                explanation = (
                    f"{explanation.rstrip('. ')}. Met late, on {in_words(met_on)}, after its "
                    f"due date of {in_words(checked.due)}."
                )
        else:
            explanation = cr.render("explain", ctx) or ""
            missing = [k for k, v in (ctx.record or {}).items() if v is None]
            if missing:
                explanation = (f"Not declared: {', '.join(missing)}. " + explanation).strip()
            remedy = cr.render("remedy", ctx)
        if checked.due is not None and checked.due > as_of:
            status = "not_yet_due"
            basis = f" ({checked.due_param})" if checked.due_param else ""
            verdict = "would pass" if met else "would not pass"
            explanation = (
                f"Not yet due: due {checked.due.isoformat()}{basis}. On the declared facts it "
                f"{verdict} today. {explanation}"
            )
        else:
            status = "pass" if met else "fail"
    return Finding(
        rule=rule.id,
        title=rule.title or "",
        severity=rule.severity or "must",
        status=status,
        due=checked.due,
        citation=checked.citation,
        explanation=explanation,
        facts=dict(ctx.record or {}),
        remedy=remedy,
        ruleset=checked.ruleset,
        decisions=rule.decisions,
        would_pass=met if status == "not_yet_due" else None,
        met_on=met_on,
        late=late,
    )


_ENGINES: dict[tuple[int, str], tuple[Program, Engine]] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(program: Program, engine: EngineName = "auto") -> Engine:
    """A cached :class:`Engine` for a program (compiled once per program and back-end)."""
    key = (id(program), engine)
    with _ENGINES_LOCK:
        hit = _ENGINES.get(key)
        if hit is not None and hit[0] is program:
            return hit[1]
        built = Engine(program, engine)
        if len(_ENGINES) >= 16:
            _ENGINES.pop(next(iter(_ENGINES)))
        _ENGINES[key] = (program, built)
        return built


def evaluate(
    rulesets: Program,
    declaration: BaseModel | Mapping[str, Any],
    as_of: str | dt.date | None = None,
    *,
    engine: EngineName = "auto",
    source: str | None = None,
) -> Report:
    """Check a declaration against loaded rulesets on a date (default today)."""
    return engine_for(rulesets, engine).evaluate(declaration, as_of, source=source)


__all__ = [
    "FORMATS",
    "Engine",
    "evaluate",
    "load_rulesets",
    "load_sources",
    "bundled_rules_dir",
    "parse_date",
]
