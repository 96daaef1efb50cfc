"""The engine: rules compiled once, then any number of declarations checked against them.

    >>> from govrules import load_rulesets, load_declaration
    >>> engine = Engine(load_rulesets(), "python")
    >>> engine.evaluate(load_declaration("examples/northshire.yaml"), "2023-09-30").compliant
    True

For each declaration format the rules are compiled to Python functions (:mod:`govrules.codegen`;
a rule nested too deep for that runs on the reference interpreter instead) and the chosen
back-end prepares itself (:mod:`govrules.backends`). Evaluating a declaration runs every rule
on the Python side in dependency order (each rule may read the outcomes of the rules before
it), lets the back-end decide the outcomes, and explains each one (:mod:`govrules.explain`).
An engine is safe to share between threads.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from . import ir
from .backends import Backend
from .backends import Pack
from .backends import resolve_backend
from .checker import CheckedRule
from .checker import Program
from .codegen import RuleCode
from .codegen import compile_rule
from .dates import Duration
from .declaration import validate_declaration
from .errors import NoVerdictError
from .explain import Explained
from .explain import Trace
from .explain import finding
from .explain import status_of
from .formats import DECLARATION_FORMATS
from .formats import DECLARATION_IDENTITY
from .formats import MUST_RULESETS
from .interpreter import CompiledRule
from .interpreter import Compiler
from .interpreter import Ctx
from .loading import parse_date
from .report import Finding
from .report import Report
from .report import Status
from .report import rule_sort_key


def severity_sort_key(checked: CheckedRule) -> tuple[object, ...]:
    """Report order: must rules first, then should rules, each by rule ID."""
    return (checked.rule.severity != "must", rule_sort_key(checked.id))


class _Runner:
    """One rule, ready to run: its generated functions, or the reference closures."""

    __slots__ = ("checked", "code", "reference", "id", "due")

    def __init__(self, checked: CheckedRule, code: RuleCode | None, ref: CompiledRule | None):
        self.checked = checked
        self.code = code
        self.reference = ref
        self.id = checked.id
        self.due = checked.due


class _FormatPack:
    """The compiled rules of one declaration format."""

    def __init__(self, program: Program, fmt: str, backend: Backend, reference: bool) -> None:
        rules = program.for_format(fmt)
        self.pack = Pack(program, fmt, rules)
        root = DECLARATION_FORMATS.get(fmt)
        closures: Compiler | None = None
        runners = []
        for r in rules:
            code = None if reference or root is None else compile_rule(r, program, root)
            ref = None
            if code is None:
                closures = closures or Compiler(program)
                ref = CompiledRule(r, closures)
            runners.append(_Runner(r, code, ref))
        self.runners = tuple(runners)
        # Must findings first, then good practice; by rule ID within each tier.
        self.report_order = tuple(
            sorted(range(len(rules)), key=lambda i: severity_sort_key(rules[i]))
        )
        self.titles = {r.id: r.rule.title or "" for r in program.rules}
        self.rulesets = tuple(
            ruleset_json(i) for i in program.rulesets if i.declaration_format == fmt
        )
        # A verdict of compliance needs at least one must rule for this kind of declaration.
        self.has_must = any(r.rule.severity == "must" for r in rules)
        self.backend = backend
        backend.prepare(self.pack)


class Engine:
    """A program compiled for one back-end; build once, evaluate many times.

    ``engine`` names a back-end of :mod:`govrules.backends` (``auto``: the preferred one that
    can run here). ``reference=True`` runs every rule on the closure interpreter, the reference
    semantics, instead of the generated code (for tests and measurements).
    """

    def __init__(self, program: Program, engine: str = "auto", *, reference: bool = False):
        self.program = program
        self.name, backend, warning = resolve_backend(engine)
        if warning:
            print(f"govrules: {warning}", file=sys.stderr)
        self.reference = reference
        self._formats = {
            fmt: _FormatPack(program, fmt, backend, reference)
            for fmt in dict.fromkeys(r.declaration_format for r in program.rules)
        }

    def _format(self, declaration: BaseModel) -> _FormatPack:
        fmt = str(getattr(declaration, "format", ""))
        fp = self._formats.get(fmt)
        if fp is None or not fp.has_must:
            raise NoVerdictError(self._no_verdict(fmt))
        return fp

    def _validated(
        self, declaration: BaseModel | Mapping[str, Any], source: str | None
    ) -> BaseModel:
        if isinstance(declaration, BaseModel):
            return declaration
        return validate_declaration(dict(declaration), source or "<declaration>")

    def evaluate(
        self,
        declaration: BaseModel | Mapping[str, Any],
        as_of: str | dt.date | None = None,
        *,
        source: str | None = None,
    ) -> Report:
        """Check one declaration; a validated model or a mapping (validated here)."""
        model = self._validated(declaration, source)
        date = parse_date(as_of)
        fp = self._format(model)
        traces = self._traces(fp, model, date)
        python = {r.checked.id: t.outcome for r, t in zip(fp.runners, traces, strict=True)}
        decided = fp.backend.decide(fp.pack, model, date, python)
        statuses: dict[str, str] = {
            r.id: status_of(r.checked, decided[r.id], date) for r in fp.runners
        }
        findings = []
        for i in fp.report_order:
            checked = fp.runners[i].checked
            outcome = decided[checked.id]
            explained = Explained(checked, traces[i], outcome, statuses, fp.titles)
            findings.append(finding(checked, traces[i], outcome, date, explained))
        ident = _identity(model)
        return Report(
            as_of=date,
            place=str(getattr(ident, "id", "")),
            name=str(getattr(ident, "name", "")),
            source=source,
            rulesets=fp.rulesets,
            findings=tuple(findings),
            engine=self.name,
            declaration=model,
        )

    def verdicts(
        self, declaration: BaseModel | Mapping[str, Any], as_of: str | dt.date | None = None
    ) -> dict[str, Status]:
        """Every rule's status and nothing else: no facts, no texts (the fast path)."""
        model = self._validated(declaration, None)
        date = parse_date(as_of)
        fp = self._format(model)
        outcomes: dict[str, ir.Outcome] = {}
        doc: dict[str, Any] | None = None
        inapplicable, met, unmet = ir.VERDICTS[0], ir.VERDICTS[1], ir.VERDICTS[2]
        for runner in fp.runners:
            code = runner.code
            if code is not None:
                applicable, requirement = code.verdict(model, date, outcomes)
            else:
                assert runner.reference is not None
                doc = doc if doc is not None else model.model_dump()
                applicable, requirement = runner.reference.evaluate(Ctx(doc, date, outcomes))
            outcomes[runner.id] = (
                inapplicable if not applicable else met if requirement is True else unmet
            )
        decided = fp.backend.decide(fp.pack, model, date, outcomes)
        out: dict[str, Status] = {}
        for runner in fp.runners:
            o = decided[runner.id]
            due = runner.due
            if not o.applicable:
                out[runner.id] = "not_applicable"
            elif due is not None and due > date:
                out[runner.id] = "not_yet_due"
            else:
                out[runner.id] = "pass" if o.met else "fail"
        return out

    def _traces(self, fp: _FormatPack, model: BaseModel, as_of: dt.date) -> list[Trace]:
        outcomes: dict[str, ir.Outcome] = {}
        traces: list[Trace] = []
        doc: dict[str, Any] | None = None
        for runner in fp.runners:
            rec: dict[str, Any] = {}
            code = runner.code
            if code is not None:
                applicable, requirement, text, remedy, met_on = code.full(
                    model, as_of, outcomes, rec
                )
                trace = Trace(applicable, requirement, rec, text, remedy, met_on)
            else:
                assert runner.reference is not None
                doc = doc if doc is not None else model.model_dump()
                trace = _reference_trace(runner.reference, doc, as_of, outcomes, rec)
            outcomes[runner.id] = trace.outcome
            traces.append(trace)
        return traces

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


def _reference_trace(
    cr: CompiledRule,
    doc: dict[str, Any],
    as_of: dt.date,
    outcomes: dict[str, ir.Outcome],
    rec: dict[str, Any],
) -> Trace:
    """A rule's trace from the closure interpreter (the reference semantics)."""
    ctx = Ctx(doc, as_of, outcomes)
    ctx.record = rec
    applicable, requirement = cr.evaluate(ctx)
    if not applicable:
        return Trace(False, False, rec, cr.render("na", ctx), None, None)
    if requirement is True:
        return Trace(True, True, rec, cr.render("met", ctx), None, cr.met_date(ctx))
    return Trace(True, requirement, rec, cr.render("explain", ctx), cr.render("remedy", ctx), None)


def _identity(model: BaseModel) -> Any:
    """The block that names what a declaration is about (``place``, ``collaborative``)."""
    return getattr(
        model, DECLARATION_IDENTITY.get(str(getattr(model, "format", "")), "place"), None
    )


def ruleset_json(info: Any) -> dict[str, Any]:
    """A ruleset as the report names it, with the parameters it overrides."""
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
                **({"reason": o.reason} if o.reason else {}),
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


_ENGINES: dict[tuple[int, str], tuple[Program, Engine]] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(program: Program, engine: str = "auto") -> Engine:
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
    engine: str = "auto",
    source: str | None = None,
) -> Report:
    """Check a declaration against loaded rulesets on a date (default today)."""
    return engine_for(rulesets, engine).evaluate(declaration, as_of, source=source)


__all__ = ["Engine", "Finding", "engine_for", "evaluate", "ruleset_json"]
