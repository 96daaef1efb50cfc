"""Questions about pairs and families of rules: contradictions, redundancy, uncovered values.

See :mod:`govrules.analysis.checks` for what each finding means.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .session import Fact
from .session import Finding
from .session import Formulas
from .session import Session
from .session import Witness
from .session import example
from .session import is_tier_at_least
from .session import names
from .session import status
from .session import timed_out
from .session import where


def pairs(
    session: Session,
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
                yield timed_out(s, f"contradict or repeat {r.id}", err)


class _Table:
    """How rules come out on the witnesses found so far (worked out when first asked)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cells: dict[tuple[int, str], str | None] = {}

    def any(self, rules: tuple[Formulas, Formulas], test: Any) -> bool:
        """Whether some witness that speaks for both rules passes ``test(a, b)``."""
        for k, w in enumerate(self.session.witnesses):
            got = []
            for f in rules:
                if (k, f.id) not in self.cells:
                    self.cells[(k, f.id)] = status(w, f)
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


def _contradiction(session: Session, table: _Table, r: Formulas, s: Formulas) -> Finding | None:
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


def _redundant(session: Session, table: _Table, r: Formulas, s: Formulas) -> Finding | None:
    """Is S redundant given R: wherever S fails (and is due), R fails and is due too?"""
    if not is_tier_at_least(r.checked, s.checked):
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


def uncovered(
    session: Session, rules: list[Formulas], focus: set[str] | None = None
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
            yield timed_out(members[0], f"leave a value of {group} uncovered", err)
            continue
        if not covered:
            continue
        first = min(members, key=lambda f: (f.checked.source.name, f.checked.rule.span.line))
        ids = ", ".join(f.id for f in members)
        for choice, m in missing:
            yield Finding(
                "uncovered",
                first.checked,
                where(first, "when"),
                f'no rule of {ids} applies when {group} is "{choice}" '
                f"(they cover {', '.join(repr(c) for c in covered)})",
                others=tuple(f.id for f in members if f is not first),
                example=example(session, m, members),
            )
