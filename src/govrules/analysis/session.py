"""The solver's side of the analysis: facts, witnesses, and queries sliced to what they read.

Each question is put to a fresh solver with only the constraints that bear on the variables it
mentions (transitively): constraints over other variables are satisfiable on their own, so
leaving them out changes no answer, and keeps each question small. Every model found is kept
as a *witness*, which later questions may use to settle a pair without asking.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any

import z3

from ..checker import CheckedRule
from ..source import Span
from .space import Space
from .translate import RuleFormulas
from .values import Texts

#: Longest a single solver query may take before its question is reported as not analysed.
QUERY_TIMEOUT_MS = 5_000


@dataclass
class Example:
    """A declaration on which a finding shows, and the evaluation date."""

    declaration: dict[str, Any]
    as_of: Any
    #: top-level fields the rules of the finding read
    reads: frozenset[str]
    #: variables of the formulas involved (paths) -- what the short form shows
    paths: tuple[str, ...]
    #: rule ID -> "pass", "fail" or "not_applicable" on this declaration
    outcomes: dict[str, str]


@dataclass
class Finding:
    """One result of the analysis, located at a rule."""

    code: str
    rule: CheckedRule
    span: Span
    message: str
    others: tuple[str, ...] = ()
    example: Example | None = None
    explained: str | None = None

    def headline(self) -> str:
        """``file:line:col: code: message``, as lint writes them."""
        return (
            f"{self.rule.source.name}:{self.span.line}:{self.span.column}: "
            f"{self.code}: {self.message}"
        )


@dataclass
class Analysis:
    """Every finding, and what the analysis did."""

    findings: list[Finding] = field(default_factory=list)
    rules: int = 0
    analysed: int = 0
    queries: int = 0
    seconds: float = 0.0


def is_tier_at_least(a: CheckedRule, b: CheckedRule) -> bool:
    return a.rule.severity == "must" or b.rule.severity == "should"


def names(e: z3.ExprRef) -> frozenset[str]:
    """Names of the variables a formula mentions."""
    out: set[str] = set()
    seen: set[int] = set()
    todo = [e]
    while todo:
        x = todo.pop()
        if x.get_id() in seen:
            continue
        seen.add(x.get_id())
        if z3.is_const(x) and x.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            out.add(x.decl().name())
        todo.extend(x.children())
    return frozenset(out)


#: A formula with the names of its variables (worked out once).
Fact = tuple[z3.BoolRef, frozenset[str]]


class Formulas:
    """A rule's formulas as facts for queries."""

    def __init__(self, f: RuleFormulas) -> None:
        self.f = f
        self.id = f.id
        self.checked = f.checked
        self.applies: Fact = (f.applicable, names(f.applicable))
        self.passes: Fact = (f.passes, names(f.passes))
        self.fails: Fact = (f.fails, self.passes[1])
        self.not_applies: Fact = (z3.Not(f.applicable), self.applies[1])
        self.not_fails: Fact = (z3.Not(f.fails), self.passes[1])
        due = f.checked.due
        if due is None:
            self.due_fails = self.fails
        else:
            day = f.space.as_of.value >= due.toordinal()
            self.due_fails = (z3.And(f.fails, day), self.passes[1] | {"as_of"})
        self.not_due_fails: Fact = (z3.Not(self.due_fails[0]), self.due_fails[1])
        self.vars = self.passes[1]


@dataclass
class Witness:
    """A model of part of the constraints, and the variables it speaks for."""

    model: z3.ModelRef
    vars: frozenset[str]


class Session:
    """One format's constraints, sliced per query; the witnesses found so far."""

    def __init__(self, space: Space, texts: Texts, analysis: Analysis) -> None:
        self.space = space
        self.analysis = analysis
        self.background = list(space.constraints)
        self.cvars = [names(c) for c in self.background]
        # A definition's constraints hang together, and are reached only from the parts
        # they define: they hold of every date, so they constrain nothing else.
        reached_by = list(self.cvars)
        for defined, constraints in space.definitions:
            self.background.append(z3.And(*constraints))
            self.cvars.append(names(self.background[-1]))
            reached_by.append(defined)
        self.index: dict[str, list[int]] = {}
        for i, vs in enumerate(reached_by):
            for v in vs:
                self.index.setdefault(v, []).append(i)
        self.witnesses: list[Witness] = []

    def slice(self, wanted: frozenset[str]) -> tuple[list[z3.BoolRef], frozenset[str]]:
        """The constraints that bear on some variables (transitively), and their variables.

        Constraints over other variables are satisfiable on their own, so leaving them out
        changes no answer and keeps each query small.
        """
        chosen = {i for i, vs in enumerate(self.cvars) if not vs}
        seen: set[str] = set()
        todo = set(wanted)
        while todo:
            v = todo.pop()
            seen.add(v)
            for i in self.index.get(v, ()):
                if i not in chosen:
                    chosen.add(i)
                    todo |= self.cvars[i] - seen
        return [self.background[i] for i in sorted(chosen)], frozenset(seen)

    def model(self, *facts: Fact) -> Witness | None:
        """A model of the facts, ``None`` when there is none.

        Raises:
            TimeoutError: the solver gave no answer in time.
        """
        self.analysis.queries += 1
        wanted = frozenset().union(*[n for _, n in facts])
        constraints, covered = self.slice(wanted)
        solver = z3.Solver()
        solver.set("timeout", QUERY_TIMEOUT_MS)
        solver.add(*constraints, *[f for f, _ in facts])
        result = solver.check()
        if result == z3.unknown:
            raise TimeoutError(solver.reason_unknown())
        if result == z3.unsat:
            return None
        w = Witness(solver.model(), covered)
        self.witnesses.append(w)
        return w


def status(w: Witness, f: Formulas) -> str | None:
    """How a rule comes out on a witness; ``None`` if the witness does not speak for it."""
    if f.applies[1] <= w.vars and not z3.is_true(
        w.model.eval(f.f.applicable, model_completion=True)
    ):
        return "not_applicable"
    if not f.vars <= w.vars:
        return None
    if z3.is_true(w.model.eval(f.f.passes, model_completion=True)):
        return "pass"
    if z3.is_true(w.model.eval(f.f.applicable, model_completion=True)):
        return "fail"
    return "not_applicable"


def example(session: Session, w: Witness, rules: list[Formulas]) -> Example:
    """A finding's example: the model as a declaration, and how its rules come out."""
    doc, as_of = session.space.decode(w.model, w.vars)
    paths: set[str] = set()
    reads: set[str] = set()
    for f in rules:
        reads |= f.f.reads
        paths |= {p for p in f.vars if "!" not in p}
    outcomes = {f.id: status(w, f) or "unknown" for f in rules}
    return Example(doc, as_of, frozenset(reads), tuple(sorted(paths)), outcomes)


def where(f: Formulas, clause: str) -> Span:
    rule = f.checked.rule
    if clause == "when" and rule.when is not None:
        return rule.when.span
    if clause == "require" and rule.require is not None:
        return rule.require.span
    return rule.span


def timed_out(f: Formulas, what: str, err: TimeoutError) -> Finding:
    return Finding(
        "not_analysed",
        f.checked,
        f.checked.rule.span,
        f"{f.id}: whether it can {what} is not analysed: the solver gave no answer within "
        f"{QUERY_TIMEOUT_MS // 1000} s ({err})",
    )
