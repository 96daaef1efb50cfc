"""The questions asked of the solver, rule by rule and pair by pair.

For each rule (``A`` applicable, ``P`` passes, ``F`` fails, over every declaration of its
format within the bounds of :mod:`~govrules.analysis.space` and every evaluation date):

- ``never_apply``: a rule with ``applies when`` for which ``A`` is unsatisfiable;
- ``never_pass`` / ``never_fail``: ``A`` is satisfiable but ``P`` (or ``F``) is not;

for each pair of rules of one format that read a common fact:

- ``contradiction``: both can apply together, and each can pass there, but never both at once:
  one's pass forces the other's fail;
- ``redundant``: every declaration on which S fails, R fails too, and R is no weaker a tier (a
  rule derived from another's outcome, like GOV-5 from PLAN-1, is not counted);

and for each enumerated field that the ``applies when`` of two or more rules read:

- ``uncovered``: some of its values let one of those rules apply and others let none.

Most pairs are settled without a query: every model found on the way (each rule passing,
failing, not applying) is a witness, and a pair that a witness already separates needs no proof.
"""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import z3

from .. import ast
from ..checker import CheckedRule
from ..checker import Program
from ..formats import DECLARATION_FORMATS
from ..source import Span
from .space import LIST_BOUND
from .space import Space
from .translate import NotAnalysed
from .translate import RuleFormulas
from .translate import Translator
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


def _is_tier_at_least(a: CheckedRule, b: CheckedRule) -> bool:
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


class _Session:
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


def _status(w: Witness, f: Formulas) -> str | None:
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


def example(session: _Session, w: Witness, rules: list[Formulas]) -> Example:
    """A finding's example: the model as a declaration, and how its rules come out."""
    doc, as_of = session.space.decode(w.model, w.vars)
    paths: set[str] = set()
    reads: set[str] = set()
    for f in rules:
        reads |= f.f.reads
        paths |= {p for p in f.vars if "!" not in p}
    outcomes = {f.id: _status(w, f) or "unknown" for f in rules}
    return Example(doc, as_of, frozenset(reads), tuple(sorted(paths)), outcomes)


def _where(f: Formulas, clause: str) -> Span:
    rule = f.checked.rule
    if clause == "when" and rule.when is not None:
        return rule.when.span
    if clause == "require" and rule.require is not None:
        return rule.require.span
    return rule.span


def _derived(program: Program) -> dict[str, set[str]]:
    """Rule ID -> every rule whose outcome it reads, directly or through others."""
    direct = {r.id: set(r.depends_on) for r in program.rules}
    out: dict[str, set[str]] = {}

    def reach(rid: str) -> set[str]:
        if rid not in out:
            out[rid] = set()
            for d in direct.get(rid, ()):
                out[rid] |= {d} | reach(d)
        return out[rid]

    for rid in direct:
        reach(rid)
    return out


ANY: Fact = (z3.BoolVal(True), frozenset())


def analyze(program: Program, focus: set[str] | None = None) -> Analysis:
    """Analyse the rules of a checked program (see the module docstring).

    With ``focus``, only those rules are asked about (alone, and in pairs and families with
    any rule of the program): an editor analyses the file just saved.
    """
    started = time.perf_counter()
    analysis = Analysis(rules=len(program.rules))
    texts = Texts()
    spaces = {
        fmt: Space(DECLARATION_FORMATS[fmt], texts)
        for fmt in {r.declaration_format for r in program.rules}
    }
    tr = Translator(program, spaces, texts)
    formulas: dict[str, list[Formulas]] = {fmt: [] for fmt in spaces}
    for r in program.rules:
        try:
            formulas[r.declaration_format].append(Formulas(tr.rule(r.id)))
        except NotAnalysed as err:
            analysis.findings.append(
                Finding(
                    "not_analysed",
                    r,
                    err.span if err.span.line > 0 else r.rule.span,
                    f"{r.id} is not analysed: {err.reason}",
                )
            )
    analysis.analysed = sum(len(v) for v in formulas.values())
    if focus is not None:
        analysis.analysed = sum(f.id in focus for v in formulas.values() for f in v)
    derived = _derived(program)
    for fmt, rules in sorted(formulas.items()):
        session = _Session(spaces[fmt], texts, analysis)
        mine = [f for f in rules if focus is None or f.id in focus]
        single = list(_single(session, mine))
        kept = _recheck(program, single, analysis)
        analysis.findings += kept
        # A rule that never passes, fails or applies would pair with everything: left out.
        odd = {f.rule.id for f in single}
        paired = [f for f in rules if f.id not in odd]
        analysis.findings += _pairs(session, paired, derived, focus)
        analysis.findings += _uncovered(session, rules, focus)
        # Rules that pass only with longer lists are compared in a space with longer lists.
        longer = {f.rule.id for f in single if f not in kept}
        if longer:
            found = _longer_pairs(program, fmt, rules, odd - longer, longer, derived, analysis)
            analysis.findings += [
                f for f in found if focus is None or {f.rule.id, *f.others} & focus
            ]
    analysis.seconds = time.perf_counter() - started
    return analysis


def _longer_pairs(
    program: Program,
    fmt: str,
    rules: list[Formulas],
    odd: set[str],
    longer: set[str],
    derived: dict[str, set[str]],
    analysis: Analysis,
) -> list[Finding]:
    """The pair checks of rules that pass only with lists longer than :data:`LIST_BOUND`."""
    texts = Texts()
    longest = max([LIST_BOUND, *_list_lengths(program)])
    space = Space(DECLARATION_FORMATS[fmt], texts, longest)
    tr = Translator(program, {fmt: space}, texts)
    again = [Formulas(tr.rule(f.id)) for f in rules if f.id not in odd]
    found = list(_pairs(_Session(space, texts, analysis), again, derived, longer))
    return [f for f in found if f.rule.id in longer or set(f.others) & longer]


def _list_lengths(program: Program) -> Iterator[int]:
    """The lengths of the lists the rules and parameters write."""
    for p in program.params.values():
        if isinstance(p.value, tuple):
            yield len(p.value)
    todo: list[object] = [r.rule for r in program.rules]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.ListLiteral):
            yield len(node.items)
        if dataclasses.is_dataclass(node) and not isinstance(node, type):
            todo += [getattr(node, fd.name) for fd in dataclasses.fields(node)]
        elif isinstance(node, tuple):
            todo += list(node)


def _timed_out(f: Formulas, what: str, err: TimeoutError) -> Finding:
    return Finding(
        "not_analysed",
        f.checked,
        f.checked.rule.span,
        f"{f.id}: whether it can {what} is not analysed: the solver gave no answer within "
        f"{QUERY_TIMEOUT_MS // 1000} s ({err})",
    )


def _recheck(program: Program, found: list[Finding], analysis: Analysis) -> list[Finding]:
    """Rules that never pass, fail or apply with short lists, asked again with lists as long
    as the longest list the rules write (a rule may ask for all five of a parameter's items,
    or for at most four items)."""
    longest = max([LIST_BOUND, *_list_lengths(program)])
    if longest == LIST_BOUND:
        return found
    out: list[Finding] = []
    for finding in found:
        texts = Texts()
        fmt = finding.rule.declaration_format
        space = Space(DECLARATION_FORMATS[fmt], texts, longest)
        try:
            f = Formulas(Translator(program, {fmt: space}, texts).rule(finding.rule.id))
            session = _Session(space, texts, analysis)
            ask = {"never_pass": f.passes, "never_fail": f.fails, "never_apply": f.applies}
            if session.model(ask[finding.code]) is not None:
                continue  # only the short lists made it so
            shown = {"never_pass": f.fails, "never_fail": f.passes, "never_apply": f.not_applies}
            witness = session.model(shown[finding.code])
        except (NotAnalysed, TimeoutError):
            out.append(finding)
            continue
        finding.message = finding.message.replace(f"up to {LIST_BOUND}", f"up to {longest}")
        if witness is not None:
            finding.example = example(session, witness, [f])
        out.append(finding)
    return out


def _single(session: _Session, rules: list[Formulas]) -> Iterator[Finding]:
    for f in rules:
        rule = f.checked.rule
        try:
            applies = session.model(f.applies)
            session.model(f.not_applies)
            if applies is None:
                m = session.model(ANY)
                assert m is not None
                yield Finding(
                    "never_apply",
                    f.checked,
                    _where(f, "when"),
                    f"{f.id} never applies: its 'applies when' is false on every declaration",
                    example=example(session, m, [f]),
                )
                continue
            passes = session.model(f.passes)
            fails = session.model(f.fails)
        except TimeoutError as err:
            yield _timed_out(f, "pass, fail or apply", err)
            continue
        scope = " where it applies" if rule.when is not None else ""
        if passes is None and fails is not None:
            yield Finding(
                "never_pass",
                f.checked,
                _where(f, "require"),
                f"{f.id} never passes{scope}: its requirement is never true "
                f"(declarations with lists of up to {LIST_BOUND} items)",
                example=example(session, fails, [f]),
            )
        if fails is None and passes is not None:
            yield Finding(
                "never_fail",
                f.checked,
                _where(f, "require"),
                f"{f.id} never fails{scope}: its requirement always holds"
                + (" when 'applies when' does" if rule.when is not None else ""),
                example=example(session, passes, [f]),
            )


def _pairs(
    session: _Session,
    rules: list[Formulas],
    derived: dict[str, set[str]],
    focus: set[str] | None = None,
) -> Iterator[Finding]:
    # Rules are paired when they read a common value or list of the declaration (not only a
    # block's presence, which every rule of a block shares, nor only the evaluation date).
    facts = {
        f.id: {p for p in f.vars if "!" not in p and p != "as_of" and not p.startswith("has ")}
        for f in rules
    }
    table = _Table(session)
    for i, r in enumerate(rules):
        for s in rules[i + 1 :]:
            if not facts[r.id] & facts[s.id]:
                continue
            if focus is not None and r.id not in focus and s.id not in focus:
                continue
            related = s.id in derived.get(r.id, set()) or r.id in derived.get(s.id, set())
            if related:
                continue  # one is derived from the other's outcome, as designed
            try:
                found = _contradiction(session, table, r, s)
                if found is not None:
                    yield found
                for a, b in ((r, s), (s, r)):
                    found = _redundant(session, table, a, b)
                    if found is not None:
                        yield found
            except TimeoutError as err:
                yield _timed_out(s, f"contradict or repeat {r.id}", err)


class _Table:
    """How rules come out on the witnesses found so far (worked out when first asked)."""

    def __init__(self, session: _Session) -> None:
        self.session = session
        self.cells: dict[tuple[int, str], str | None] = {}

    def any(self, rules: tuple[Formulas, Formulas], test: Any) -> bool:
        """Whether some witness that speaks for both rules passes ``test(a, b)``."""
        for k, w in enumerate(self.session.witnesses):
            got = []
            for f in rules:
                if (k, f.id) not in self.cells:
                    self.cells[(k, f.id)] = _status(w, f)
                got.append(self.cells[(k, f.id)])
            if None not in got and test(*got):
                return True
        return False


def _later(a: Formulas, b: Formulas) -> tuple[Formulas, Formulas]:
    """The pair in source order (the finding is reported at the second)."""
    ka = (a.checked.source.name, a.checked.rule.span.line)
    kb = (b.checked.source.name, b.checked.rule.span.line)
    return (a, b) if ka <= kb else (b, a)


def _at(f: Formulas) -> str:
    return f"{f.checked.source.name}:{f.checked.rule.span.line}"


def _contradiction(session: _Session, table: _Table, r: Formulas, s: Formulas) -> Finding | None:
    if table.any((r, s), lambda a, b: a == b == "pass"):
        return None
    if session.model(r.passes, s.passes) is not None:
        return None
    # Where both apply and one passes, the other fails (it cannot pass too).
    first = session.model(r.passes, s.fails)
    second = session.model(s.passes, r.fails)
    if first is None or second is None:
        return None  # one never passes where the other applies: not a pair's finding
    a, b = _later(r, s)
    return Finding(
        "contradiction",
        b.checked,
        b.checked.rule.span,
        f"{b.id} contradicts {a.id} ({_at(a)}): where both apply, one passes only if the "
        "other fails",
        others=(a.id,),
        example=example(session, first, [a, b]),
    )


def _redundant(session: _Session, table: _Table, r: Formulas, s: Formulas) -> Finding | None:
    """Is S redundant given R: wherever S fails (and is due), R fails and is due too?"""
    if not _is_tier_at_least(r.checked, s.checked):
        return None
    if table.any((s, r), lambda a, b: a == "fail" and b != "fail"):
        return None
    if session.model(s.due_fails, r.not_due_fails) is not None:
        return None
    fails = session.model(s.due_fails, r.due_fails)
    if fails is None:
        return None  # never fails: reported on its own
    return Finding(
        "redundant",
        s.checked,
        s.checked.rule.span,
        f"{s.id} is implied by {r.id} ({_at(r)}): on every declaration and date where "
        f"{s.id} fails, {r.id} fails too",
        others=(r.id,),
        example=example(session, fails, [s, r]),
    )


_INDEX = re.compile(r"\[\d+\]")


def _uncovered(
    session: _Session, rules: list[Formulas], focus: set[str] | None = None
) -> Iterator[Finding]:
    """Enumerated fields some of whose values no rule reading them lets apply."""
    enums = session.space.enums
    families: dict[str, list[Formulas]] = {}
    for f in rules:
        if f.checked.rule.when is None:
            continue
        for name in f.applies[1]:
            group = _INDEX.sub("[*]", name)
            if group in enums and f not in families.setdefault(group, []):
                families[group].append(f)
    for group, members in sorted(families.items()):
        if len(members) < 2:
            continue
        if focus is not None and not any(f.id in focus for f in members):
            continue
        choices = enums[group][0]
        covered: list[str] = []
        missing: list[tuple[str, Witness]] = []
        try:
            for choice in choices:
                formula = session.space.case(group, choice)
                case: Fact = (formula, names(formula))
                if any(session.model(case, f.applies) is not None for f in members):
                    covered.append(choice)
                    continue
                m = session.model(case, *[f.not_applies for f in members])
                if m is not None:
                    missing.append((choice, m))
        except TimeoutError as err:
            yield _timed_out(members[0], f"leave a value of {group} uncovered", err)
            continue
        if not covered:
            continue
        first = min(members, key=lambda f: (f.checked.source.name, f.checked.rule.span.line))
        ids = ", ".join(f.id for f in members)
        for choice, m in missing:
            yield Finding(
                "uncovered",
                first.checked,
                _where(first, "when"),
                f'no rule of {ids} applies when {group} is "{choice}" '
                f"(they cover {', '.join(repr(c) for c in covered)})",
                others=tuple(f.id for f in members if f is not first),
                example=example(session, m, members),
            )
