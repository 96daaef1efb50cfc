"""The engine plan: what the compiler hands to a rule engine back-end.

The compiler lowers each rule to four conditions over *normalised facts*:

- one **input fact** per rule, ``{"kind": "input", "rule": "SAP-2", "a0": …, "p0": …}``, whose
  fields (atoms) the compiler computed from the declaration: typed scalars only — numbers,
  booleans, strings already case-folded and trimmed, dates as ordinal integers — and always
  present (a missing value has its own boolean presence atom), so an engine never meets a
  missing field or a comparison between a string and a number;
- **outcome facts** asserted by the engine itself, ``{"kind": "outcome", "rule": "GOV-2",
  "applicable": bool, "met": bool}``, which the conditions of later rules may test
  (forward chaining).

The conditions are already in three-valued-logic normal form: ``met`` holds exactly when the
requirement is true, ``unmet`` exactly when it is false *or unknown* (a missing fact), so exactly
one of ``met``/``unmet`` holds for any input fact, and likewise ``applicable``/``inapplicable``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CmpOp = Literal["==", "!=", "<", "<=", ">", ">="]
AtomValue = int | float | str | bool


@dataclass(frozen=True, slots=True)
class Cmp:
    """A test on the rule's own input fact: ``field op value`` or ``field op other_field``."""

    field: str
    op: CmpOp
    value: AtomValue | None = None
    other: str | None = None


@dataclass(frozen=True, slots=True)
class OutcomeLit:
    """A test on another rule's outcome fact: ``rule.prop == value``."""

    rule: str
    prop: Literal["met", "applicable"]
    value: bool


@dataclass(frozen=True, slots=True)
class AllOf:
    """Every item holds."""

    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one item holds."""

    items: tuple[Cond, ...]


@dataclass(frozen=True, slots=True)
class Const:
    """Always true or always false."""

    value: bool


Cond = Cmp | OutcomeLit | AllOf | AnyOf | Const


#: In a guarded rule's input fact: 1 when every value was sent exactly, 0 when one could not be.
SAFE_FIELD = "safe"
#: In a guarded rule's input fact: Python's outcome when ``safe`` is 0 (see :func:`verdict_code`).
VERDICT_FIELD = "verdict"


@dataclass(frozen=True, slots=True)
class RulePlan:
    """The four conditions of one rule, and the rules whose outcomes they read.

    A *guarded* rule's input fact carries :data:`SAFE_FIELD` and :data:`VERDICT_FIELD`. An
    engine concludes from the four conditions when ``safe`` is 1; when it is 0 a value of the
    fact was one the engine cannot compare exactly (a number beyond 2**53, say), no value was
    sent, and the engine concludes the outcome that ``verdict`` names instead. Forward chaining
    is unchanged: later rules read the outcome either way.
    """

    rule_id: str
    applicable: Cond
    inapplicable: Cond
    met: Cond
    unmet: Cond
    depends_on: tuple[str, ...] = ()
    guarded: bool = False


@dataclass(frozen=True, slots=True)
class EnginePlan:
    """All rules of one evaluation set, in dependency order, under one versioned name."""

    name: str
    rules: tuple[RulePlan, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an engine concluded for one rule."""

    applicable: bool
    met: bool


#: The outcome each value of :data:`VERDICT_FIELD` names.
VERDICTS: dict[int, Outcome] = {
    0: Outcome(False, False),
    1: Outcome(True, True),
    2: Outcome(True, False),
}


def outcome_of(applicable: bool, met: bool) -> Outcome:
    """The shared :class:`Outcome` instance for a pair (no allocation per rule)."""
    return VERDICTS[0 if not applicable else 1 if met else 2]


def verdict_code(outcome: Outcome) -> int:
    """The :data:`VERDICT_FIELD` value that names ``outcome``.

    Examples:
        >>> verdict_code(Outcome(True, False))
        2
    """
    if not outcome.applicable:
        return 0
    return 1 if outcome.met else 2
