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
import time
from collections.abc import Iterator

import z3

from .. import ast
from ..checker import Program
from ..formats import DECLARATION_FORMATS
from .pairs import pairs
from .pairs import uncovered
from .session import QUERY_TIMEOUT_MS as QUERY_TIMEOUT_MS
from .session import Analysis as Analysis
from .session import Example as Example
from .session import Fact
from .session import Finding as Finding
from .session import Formulas
from .session import Session
from .session import example
from .session import timed_out
from .session import where
from .space import LIST_BOUND
from .space import Space
from .translate import NotAnalysed
from .translate import Translator
from .values import Texts

ANY: Fact = (z3.BoolVal(True), frozenset())


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
        session = Session(spaces[fmt], texts, analysis)
        mine = [f for f in rules if focus is None or f.id in focus]
        single = list(_single(session, mine))
        kept = _recheck(program, single, analysis)
        analysis.findings += kept
        # A rule that never passes, fails or applies would pair with everything: left out.
        odd = {f.rule.id for f in single}
        paired = [f for f in rules if f.id not in odd]
        analysis.findings += pairs(session, paired, derived, focus)
        analysis.findings += uncovered(session, rules, focus)
        # Rules that pass only with longer lists are compared in a space with longer lists.
        longer = {f.rule.id for f in single if f not in kept}
        if longer:
            found = _longerpairs(program, fmt, rules, odd - longer, longer, derived, analysis)
            analysis.findings += [
                f for f in found if focus is None or {f.rule.id, *f.others} & focus
            ]
    analysis.seconds = time.perf_counter() - started
    return analysis


def _longerpairs(
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
    found = list(pairs(Session(space, texts, analysis), again, derived, longer))
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
            session = Session(space, texts, analysis)
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


def _single(session: Session, rules: list[Formulas]) -> Iterator[Finding]:
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
                    where(f, "when"),
                    f"{f.id} never applies: its 'applies when' is false on every declaration",
                    example=example(session, m, [f]),
                )
                continue
            passes = session.model(f.passes)
            fails = session.model(f.fails)
        except TimeoutError as err:
            yield timed_out(f, "pass, fail or apply", err)
            continue
        scope = " where it applies" if rule.when is not None else ""
        if passes is None and fails is not None:
            yield Finding(
                "never_pass",
                f.checked,
                where(f, "require"),
                f"{f.id} never passes{scope}: its requirement is never true "
                f"(declarations with lists of up to {LIST_BOUND} items)",
                example=example(session, fails, [f]),
            )
        if fails is None and passes is not None:
            yield Finding(
                "never_fail",
                f.checked,
                where(f, "require"),
                f"{f.id} never fails{scope}: its requirement always holds"
                + (" when 'applies when' does" if rule.when is not None else ""),
                example=example(session, passes, [f]),
            )
