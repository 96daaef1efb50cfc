"""The durable_rules back-end's translation: an :class:`EnginePlan` as durable rulesets.

Each :class:`RulePlan` becomes up to three groups of durable rules, one group per outcome:

- ``inapplicable``           -> outcome ``(applicable=False, met=False)``
- ``applicable and met``     -> outcome ``(applicable=True, met=True)``
- ``applicable and unmet``   -> outcome ``(applicable=True, met=False)``

A durable rule is a conjunction of fact patterns, so each of those conditions is put into
disjunctive normal form over its :class:`OutcomeLit` structure only: sub-trees without an
``OutcomeLit`` stay one ``$and``/``$or`` expression on the rule's own input fact, and every
disjunct becomes its own durable rule whose patterns are the input fact plus one outcome fact per
rule it reads. The action of every durable rule asserts the outcome fact, which later rules may
join on (forward chaining).

This module is pure data: it never imports ``durable``. The actions come from the caller
(:mod:`.durable`, the only module that does), and the limits of durable_rules that shape the
translation are listed there.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import EvaluationError
from ..ir import SAFE_FIELD
from ..ir import VERDICT_FIELD
from ..ir import VERDICTS
from ..ir import AllOf
from ..ir import AnyOf
from ..ir import AtomValue
from ..ir import Cmp
from ..ir import Cond
from ..ir import Const
from ..ir import EnginePlan
from ..ir import Outcome
from ..ir import OutcomeLit
from ..ir import RulePlan

#: durable_rules fails or hangs somewhere above 511 rules in one ruleset; keep a safety margin.
MAX_DURABLE_RULES = 480

_Json = Any

#: What a durable rule runs when it fires (it gets durable's closure).
Action = Callable[[Any], None]
#: The action of a rule's durable rules: ``make_action(rule_id, outcome, read)``, where ``read``
#: says whether another rule reads that outcome (and so the outcome fact must be asserted).
ActionFactory = Callable[[str, Outcome, bool], Action]

_CMP_OPS: dict[str, str | None] = {
    "==": None,  # equality is the plain ``{field: value}`` form
    "!=": "$neq",
    "<": "$lt",
    "<=": "$lte",
    ">": "$gt",
    ">=": "$gte",
}
# A field name is a plain identifier: durable reads "." as a path into nested objects and
# "$"-prefixed names as operators.
_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_RESERVED_FIELDS = frozenset({"kind", "rule", "sid", "id"})
# Every ruleset has one extra rule matching this fact kind, to make sessions safe to delete.
CLEANUP_KIND = "cleanup"
CLEANUP_RULE = "#cleanup"


@dataclass(frozen=True, slots=True)
class _Disjunct:
    """One conjunction: expressions on the input fact, and constraints on outcome facts."""

    inputs: tuple[_Json, ...]
    outcomes: tuple[tuple[str, tuple[tuple[str, bool], ...]], ...]

    def merge(self, other: _Disjunct) -> _Disjunct | None:
        """The conjunction of both, or None when two outcome constraints contradict."""
        merged: dict[str, dict[str, bool]] = {r: dict(props) for r, props in self.outcomes}
        for rule, props in other.outcomes:
            mine = merged.setdefault(rule, {})
            for prop, value in props:
                if mine.get(prop, value) != value:
                    return None
                mine[prop] = value
        return _Disjunct(self.inputs + other.inputs, _freeze(merged))

    def key(self) -> str:
        """A canonical text for removing duplicate disjuncts."""
        return json.dumps([self.inputs, self.outcomes], sort_keys=True)


def _freeze(
    outcomes: Mapping[str, Mapping[str, bool]],
) -> tuple[tuple[str, tuple[tuple[str, bool], ...]], ...]:
    return tuple((r, tuple(sorted(p.items()))) for r, p in sorted(outcomes.items()))


_TRUE = _Disjunct((), ())


def _simplify(cond: Cond) -> Cond:
    """Fold constants away and flatten nested AllOf/AnyOf; the result holds no Const inside."""
    if isinstance(cond, AllOf | AnyOf):
        is_all = isinstance(cond, AllOf)
        items: list[Cond] = []
        for item in (_simplify(i) for i in cond.items):
            if isinstance(item, Const):
                if item.value != is_all:  # False in AllOf / True in AnyOf decides it
                    return Const(item.value)
                continue
            if type(item) is type(cond):
                assert isinstance(item, AllOf | AnyOf)
                items.extend(item.items)
            else:
                items.append(item)
        if not items:
            return Const(is_all)
        if len(items) == 1:
            return items[0]
        return AllOf(tuple(items)) if is_all else AnyOf(tuple(items))
    return cond


def _has_outcome_lit(cond: Cond) -> bool:
    if isinstance(cond, OutcomeLit):
        return True
    if isinstance(cond, AllOf | AnyOf):
        return any(_has_outcome_lit(i) for i in cond.items)
    return False


def _check_field(name: object, rule_id: str) -> str:
    if not isinstance(name, str) or not _FIELD_RE.match(name) or name in _RESERVED_FIELDS:
        raise EvaluationError(f"rule {rule_id}: invalid atom field name {name!r}")
    return name


def check_value(value: object, rule_id: str) -> AtomValue:
    if isinstance(value, float) and not math.isfinite(value):
        raise EvaluationError(f"rule {rule_id}: non-finite number {value!r} in a comparison")
    if not isinstance(value, bool | int | float | str):
        raise EvaluationError(f"rule {rule_id}: unsupported comparison value {value!r}")
    return value


def _cmp_json(cmp: Cmp, rule_id: str, fields: set[str]) -> _Json:
    name = _check_field(cmp.field, rule_id)
    fields.add(name)
    if cmp.op not in _CMP_OPS:
        raise EvaluationError(f"rule {rule_id}: unknown comparison operator {cmp.op!r}")
    rhs: _Json
    if cmp.other is not None:
        if cmp.value is not None:
            raise EvaluationError(f"rule {rule_id}: comparison of {name} has both value and other")
        other = _check_field(cmp.other, rule_id)
        fields.add(other)
        # {"$m": field} is another field of the fact being matched, also in aliased patterns.
        rhs = {"$m": other}
    elif cmp.value is None:
        raise EvaluationError(f"rule {rule_id}: comparison of {name} has no value")
    else:
        rhs = check_value(cmp.value, rule_id)
    op = _CMP_OPS[cmp.op]
    return {name: rhs} if op is None else {op: {name: rhs}}


def _expr(cond: Cond, rule_id: str, fields: set[str]) -> _Json:
    """A simplified, OutcomeLit-free condition as one durable expression on the input fact."""
    if isinstance(cond, Cmp):
        return _cmp_json(cond, rule_id, fields)
    if isinstance(cond, AllOf):
        return {"$and": [_expr(i, rule_id, fields) for i in cond.items]}
    if isinstance(cond, AnyOf):
        return {"$or": [_expr(i, rule_id, fields) for i in cond.items]}
    raise EvaluationError(f"rule {rule_id}: unexpected condition {cond!r}")  # pragma: no cover


def _dnf(cond: Cond, rule_id: str, fields: set[str], rule_ids: frozenset[str]) -> list[_Disjunct]:
    """Disjunctive normal form over OutcomeLit structure of a simplified condition."""
    if isinstance(cond, Const):
        return [_TRUE] if cond.value else []
    if isinstance(cond, OutcomeLit):
        if cond.rule not in rule_ids:
            raise EvaluationError(f"rule {rule_id} reads the outcome of unknown rule {cond.rule!r}")
        if cond.prop not in ("met", "applicable") or not isinstance(cond.value, bool):
            raise EvaluationError(f"rule {rule_id}: invalid outcome test {cond!r}")
        return [_Disjunct((), ((cond.rule, ((cond.prop, cond.value),)),))]
    if not _has_outcome_lit(cond):
        return [_Disjunct((_expr(cond, rule_id, fields),), ())]
    if isinstance(cond, AnyOf):
        return _dedupe(d for item in cond.items for d in _dnf(item, rule_id, fields, rule_ids))
    if isinstance(cond, AllOf):
        result = [_TRUE]
        for item in cond.items:
            parts = _dnf(item, rule_id, fields, rule_ids)
            product = []
            for left in result:
                for right in parts:
                    merged = left.merge(right)
                    if merged is not None:
                        product.append(merged)
            result = _dedupe(product)
            if len(result) > MAX_DURABLE_RULES:
                raise EvaluationError(
                    f"rule {rule_id}: its condition expands to more than {MAX_DURABLE_RULES} "
                    "durable rules"
                )
        return result
    raise EvaluationError(f"rule {rule_id}: unexpected condition {cond!r}")  # pragma: no cover


def _dedupe(disjuncts: Iterator[_Disjunct] | list[_Disjunct]) -> list[_Disjunct]:
    seen: dict[str, _Disjunct] = {}
    for d in disjuncts:
        seen.setdefault(d.key(), d)
    return list(seen.values())


def _outcome_refs(cond: Cond) -> set[str]:
    """The rules whose outcome facts a condition tests."""
    found: set[str] = set()
    pending = [cond]
    while pending:
        c = pending.pop()
        if isinstance(c, OutcomeLit):
            found.add(c.rule)
        elif isinstance(c, AllOf | AnyOf):
            pending.extend(c.items)
    return found


def _translate_rule(
    rule: RulePlan,
    rule_ids: frozenset[str],
    fields: set[str],
    make_action: ActionFactory,
    read: bool = True,
) -> dict[str, dict[str, Any]]:
    groups: tuple[tuple[str, Cond, Outcome], ...] = (
        ("inapplicable", rule.inapplicable, Outcome(False, False)),
        ("met", AllOf((rule.applicable, rule.met)), Outcome(True, True)),
        ("unmet", AllOf((rule.applicable, rule.unmet)), Outcome(True, False)),
    )
    rules: dict[str, dict[str, Any]] = {}
    # Anchor by kind, then rule: never a bare absence test, and each rule's tests sit under
    # their own "rule" node (keeps the distinct paths per node small, error 303).
    anchor: list[_Json] = [{"kind": "input"}, {"rule": rule.rule_id}]
    if rule.guarded:
        fields.update((SAFE_FIELD, VERDICT_FIELD))
    for label, cond, outcome in groups:
        disjuncts = _dnf(_simplify(cond), rule.rule_id, fields, rule_ids)
        action = make_action(rule.rule_id, outcome, read)
        if rule.guarded:
            # A value durable cannot compare exactly was not sent: Python's verdict decides.
            code = next(c for c, o in VERDICTS.items() if o == outcome)
            tests_v = [*anchor, {SAFE_FIELD: 0}, {VERDICT_FIELD: code}]
            rules[f"{rule.rule_id}#{label}#python"] = {
                "all": [{"i": {"$and": tests_v}}],
                "run": action,
            }
        for k, disjunct in enumerate(disjuncts):
            tests: list[_Json] = list(anchor)
            if rule.guarded:
                tests.append({SAFE_FIELD: 1})
            for expr in disjunct.inputs:
                tests.extend(expr["$and"] if set(expr) == {"$and"} else [expr])
            patterns: list[_Json] = [{"i": {"$and": tests}}]
            for j, (other, props) in enumerate(disjunct.outcomes):
                tests_o: list[_Json] = [{"kind": "outcome"}, {"rule": other}]
                tests_o.extend({prop: value} for prop, value in props)
                patterns.append({f"o{j}": {"$and": tests_o}})
            rules[f"{rule.rule_id}#{label}#{k}"] = {"all": patterns, "run": action}
    return rules


def translate(
    plan: EnginePlan, make_action: ActionFactory, cleanup: Action
) -> tuple[dict[str, dict[str, Any]], dict[str, frozenset[str]]]:
    """The durable ruleset of ``plan`` (one internal cleanup rule running ``cleanup`` first,
    then every rule's durable rules) and, per rule, the input-fact fields its tests read.

    Raises:
        EvaluationError: The plan cannot be translated, or needs too many durable rules.
    """
    rule_ids = [r.rule_id for r in plan.rules]
    duplicates = sorted({r for r in rule_ids if rule_ids.count(r) > 1})
    if duplicates:
        raise EvaluationError(f"plan {plan.name}: duplicate rule ids {', '.join(duplicates)}")
    known = frozenset(rule_ids)
    definition: dict[str, dict[str, Any]] = {
        CLEANUP_RULE: {"all": [{"c": {"kind": CLEANUP_KIND}}], "run": cleanup}
    }
    fields_by_rule: dict[str, frozenset[str]] = {}
    # Only outcomes that another rule reads are asserted as facts (forward chaining); the
    # others are recorded on the Python side alone.
    read_by_others = {
        ref
        for r in plan.rules
        for cond in (r.applicable, r.inapplicable, r.met, r.unmet)
        for ref in _outcome_refs(cond)
    }
    for rule in plan.rules:
        if not isinstance(rule.rule_id, str) or not rule.rule_id:
            raise EvaluationError(f"plan {plan.name}: invalid rule id {rule.rule_id!r}")
        fields: set[str] = set()
        rules = _translate_rule(rule, known, fields, make_action, rule.rule_id in read_by_others)
        if not rules:
            raise EvaluationError(
                f"plan {plan.name}: rule {rule.rule_id} can never reach an outcome "
                "(all its conditions are constantly false)"
            )
        definition.update(rules)
        fields_by_rule[rule.rule_id] = frozenset(fields)
        if len(definition) > MAX_DURABLE_RULES:
            raise EvaluationError(
                f"plan {plan.name} needs more than {MAX_DURABLE_RULES} durable rules "
                "(counting one internal cleanup rule) "
                f"(reached at rule {rule.rule_id}); durable_rules fails beyond about 512 rules "
                "in one ruleset: split the plan or use the Python back-end"
            )
    return definition, fields_by_rule


def count_durable_rules(plan: EnginePlan) -> int:
    """How many durable rules ``plan`` translates to (nothing is registered)."""
    return len(translate(plan, _no_action_for, _no_action)[0])


def _no_action(c: Any) -> None:
    """Counting registers nothing, so no action ever runs."""


def _no_action_for(rule_id: str, outcome: Outcome, read: bool) -> Action:
    return _no_action
