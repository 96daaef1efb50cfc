"""The durable_rules back-end: runs an :class:`EnginePlan` on durable_rules' Rete engine.

This is the only module of govrules that imports ``durable``. Each :class:`RulePlan` becomes up to
three groups of durable rules, one group per outcome:

- ``inapplicable``           -> outcome ``(applicable=False, met=False)``
- ``applicable and met``     -> outcome ``(applicable=True, met=True)``
- ``applicable and unmet``   -> outcome ``(applicable=True, met=False)``

A durable rule is a conjunction of fact patterns, so each of those conditions is put into
disjunctive normal form over its :class:`OutcomeLit` structure only: sub-trees without an
``OutcomeLit`` stay one ``$and``/``$or`` expression on the rule's own input fact, and every
disjunct becomes its own durable rule whose patterns are the input fact plus one outcome fact per
rule it reads. The action of every durable rule asserts the outcome fact, which later rules may
join on (forward chaining).

durable_rules has many sharp edges; the ones that shape this module (verified against 2.0.28):

- It is not thread-safe (concurrent use segfaults) and never releases the GIL, so every call into
  it goes through the module-level :data:`_LOCK`. The stock ``durable.engine.Host`` also starts two
  timer threads that call into the engine every 0.2 s without any lock; we use a subclass whose
  ``_run`` starts no threads (we need neither timers nor deferred action dispatch).
- An empty batch, or an empty fact (``{}``), segfaults: :meth:`DurableEngine.evaluate` never
  sends one.
- More than 1,024 live sessions raise ``MemoryError`` (and later segfault): every evaluation uses
  a fresh session id and deletes the session afterwards, also on error.
- Deleting a session in which no action has ever run segfaults (for example after a batch that
  raised ``MessageNotHandledException``, after ``update_state`` alone, or after facts that only
  half-matched a join); deleting an unknown session raises error 309. Every ruleset therefore has
  one internal cleanup rule, fired before deleting any session in which nothing fired.
- A fact holds at most 252 properties (a 254-property fact segfaults); we check before asserting.
- Across the rules that test one fact at one node of the network, at most ~64 distinct property
  paths may be evaluated, or asserting fails with error code 303. Every input pattern therefore
  starts with ``kind`` and then ``rule``, so each rule's tests live under their own ``rule`` node.
- Beyond about 512 rules in one ruleset durable segfaults or hangs: we refuse more than
  :data:`MAX_DURABLE_RULES`.
- An empty ``$and`` hangs the engine and an empty ``$or`` never matches: constants are folded
  away before translation, so neither is ever emitted.
- A pattern holding only an absence test (``$nex``) loops forever: every pattern is anchored by
  ``kind`` and ``rule``.
- ``$or`` (``|`` in ``durable.lang``) fires the action once per true branch (and an ``$and`` of
  ``$or`` once per combination of true branches); several DNF disjuncts may also match. The action
  therefore records the outcome once per (session, rule) on the Python side and asserts the
  outcome fact only the first time; two firings that disagree are an :class:`EvaluationError`.
- A string compared with a number compares as text (``"10" < 9`` and ``9 == "9"`` hold); the
  compiler never emits that. Numbers compare numerically across int and float (``3 == 3.0``,
  ``2**53 + 1 > 2**53``), booleans order as ``False < True`` and ``True == 1``, and strings
  compare by code point: all as in Python.
- A field compared with another field of the same fact is written ``{"$gt": {"a0": {"$m":
  "a1"}}}``; ``$m`` means the fact being matched even when its pattern has another alias.
- ``allItems`` on an empty list never matches (we use no list operators).
- A fact that no pattern matches raises ``MessageNotHandledException``: for a batch, the whole
  batch raises and *no* action runs, even for the facts that did match. Facts missing a field a
  pattern tests simply do not match, so input facts must be complete (we check). An outcome fact
  nobody reads also raises ``MessageNotHandledException`` inside the action; that is fine, and
  the action swallows it (otherwise durable would record it as an action failure).
- Asserting a fact identical to one already in the session raises
  ``MessageObservedException``; outcome facts are asserted once per rule, so only duplicate input
  facts can cause it (we check).
- durable catches every exception raised by an action, carries on with the other actions, and
  only stores the text under the key ``"exception"`` of the session state (which
  ``assert_facts`` returns); we check that key after the call, and our actions also record their
  own failures.
- An action is abandoned if more than 10 s (local wall-clock time) pass between creating its
  closure and completing it; the later outcomes are then silently missing, which the
  per-rule outcome check reports.
- Posted events are consumed by the first rule that matches them, so we use facts throughout.
- Rulesets are registered in a process-wide registry per name and can never be unregistered
  (~300 KB each): one registration per plan name is cached and shared by all engines. Ruleset
  names ending in ``$state``/``$flow`` mean statecharts/flowcharts, so durable sees internal
  names. ``register_rulesets`` pops the ``run`` entry of every rule: it gets a deep copy.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import re
import threading
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
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

__all__ = [
    "AVAILABLE",
    "MAX_DURABLE_RULES",
    "UNAVAILABLE_REASON",
    "DurableEngine",
    "count_durable_rules",
]

_durable_engine: Any = None
AVAILABLE: bool
UNAVAILABLE_REASON: str | None
try:
    import durable.engine as _imported_engine
except (ImportError, OSError) as _exc:  # pragma: no cover - depends on the platform
    AVAILABLE = False
    UNAVAILABLE_REASON = f"durable_rules could not be imported: {_exc}"
else:
    _durable_engine = _imported_engine
    AVAILABLE = True
    UNAVAILABLE_REASON = None

#: durable_rules fails or hangs somewhere above 511 rules in one ruleset; keep a safety margin.
MAX_DURABLE_RULES = 480
#: Largest number of properties of one asserted fact, counting the ``sid`` we add.
_MAX_FACT_PROPERTIES = 252

_Json = Any

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
_CLEANUP_KIND = "cleanup"
_CLEANUP_RULE = "#cleanup"

# Every call into durable, and every access to _SESSIONS, happens while holding this lock.
# Actions run synchronously inside ``assert_facts``, on the thread that holds it.
_LOCK = threading.Lock()
_SID_COUNTER = itertools.count(1)
_RULESET_COUNTER = itertools.count(1)
_HOST: Any = None


@dataclass(slots=True)
class _Session:
    """What the actions of one evaluation concluded."""

    outcomes: dict[str, Outcome] = field(default_factory=dict)
    conflicts: dict[str, set[Outcome]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    fired: int = 0  # action invocations, including the cleanup rule's


_SESSIONS: dict[str, _Session] = {}


@dataclass(frozen=True, slots=True)
class _Registered:
    """One ruleset registered with durable, shared by every engine of the same plan name."""

    plan: EnginePlan
    durable_name: str
    rule_count: int
    fields_by_rule: Mapping[str, frozenset[str]]


_REGISTRY: dict[str, _Registered] = {}


def _host() -> Any:
    """The one durable host of this process, without its background dispatch threads."""
    global _HOST
    if _HOST is None:
        base = _durable_engine.Host

        class _QuietHost(base):  # type: ignore[misc, valid-type]
            def _run(self) -> None:
                # The stock host starts timer threads that dispatch timers and abandoned actions
                # every 0.2 s, calling into the (thread-unsafe) engine outside our lock.
                return None

        _HOST = _QuietHost()
    return _HOST


# --------------------------------------------------------------------------- translation


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


def _check_value(value: object, rule_id: str) -> AtomValue:
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
        rhs = _check_value(cmp.value, rule_id)
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


def _make_action(rule_id: str, outcome: Outcome, read: bool) -> Callable[[Any], None]:
    fact = {
        "kind": "outcome",
        "rule": rule_id,
        "applicable": outcome.applicable,
        "met": outcome.met,
    }

    def action(c: Any) -> None:
        # Runs inside assert_facts, on the thread holding _LOCK.
        sid = str(c.s["sid"])
        session = _SESSIONS.get(sid)
        if session is None:
            raise RuntimeError(f"durable fired rule {rule_id} for unknown session {sid}")
        session.fired += 1
        try:
            previous = session.outcomes.get(rule_id)
            if previous is not None:
                if previous != outcome:
                    session.conflicts.setdefault(rule_id, {previous}).add(outcome)
                return  # already asserted for this session: assert each outcome once
            session.outcomes[rule_id] = outcome
            if not read:
                return  # no rule reads this outcome: asserting it would only cost time
            try:
                c.assert_fact(dict(fact))  # the closure adds the session id
            except _durable_engine.MessageNotHandledException:
                pass  # no rule matched it: durable does not store it, which is fine
        except BaseException as exc:
            session.errors.append(f"action for rule {rule_id} failed: {exc!r}")
            raise

    return action


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
    rule: RulePlan, rule_ids: frozenset[str], fields: set[str], read: bool = True
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
        action = _make_action(rule.rule_id, outcome, read)
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


def _translate(plan: EnginePlan) -> tuple[dict[str, dict[str, Any]], dict[str, frozenset[str]]]:
    rule_ids = [r.rule_id for r in plan.rules]
    duplicates = sorted({r for r in rule_ids if rule_ids.count(r) > 1})
    if duplicates:
        raise EvaluationError(f"plan {plan.name}: duplicate rule ids {', '.join(duplicates)}")
    known = frozenset(rule_ids)
    definition: dict[str, dict[str, Any]] = {
        _CLEANUP_RULE: {"all": [{"c": {"kind": _CLEANUP_KIND}}], "run": _cleanup_action}
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
        rules = _translate_rule(rule, known, fields, rule.rule_id in read_by_others)
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
    return len(_translate(plan)[0])


# --------------------------------------------------------------------------- engine


def _register(plan: EnginePlan) -> _Registered:
    """The registration for ``plan.name``, registering it on first use. Hold _LOCK."""
    existing = _REGISTRY.get(plan.name)
    if existing is not None:
        if existing.plan != plan:
            raise EvaluationError(
                f"a different plan named {plan.name!r} is already registered with durable_rules, "
                "which cannot unregister a ruleset: give changed plans a new versioned name"
            )
        return existing
    definition, fields_by_rule = _translate(plan)
    # Internal names avoid durable's special "$state"/"$flow" suffixes and odd characters.
    durable_name = f"govrules_{next(_RULESET_COUNTER)}"
    try:
        # register_rulesets mutates the definition (it pops every "run"): give it a copy.
        _host().register_rulesets(copy.deepcopy({durable_name: definition}))
    except Exception as exc:
        raise EvaluationError(
            f"durable_rules rejected the ruleset for plan {plan.name}: {exc}"
        ) from exc
    registered = _Registered(plan, durable_name, len(definition), fields_by_rule)
    _REGISTRY[plan.name] = registered
    return registered


def _cleanup_action(c: Any) -> None:
    session = _SESSIONS.get(str(c.s["sid"]))
    if session is not None:
        session.fired += 1


def _delete_session(host: Any, name: str, sid: str, session: _Session) -> None:
    """Delete a session's state from durable (at most 1,024 may live at once); hold _LOCK."""
    if session.fired == 0:
        # durable segfaults deleting a session in which no action has ever run (for example
        # after a batch that raised MessageNotHandledException, which runs no action at all,
        # or after a batch that matched only part of a join). Fire the cleanup rule first; this
        # also runs any actions the failed batch left pending.
        host.assert_fact(name, {"kind": _CLEANUP_KIND, "sid": sid})
        if session.fired == 0:
            raise EvaluationError(
                f"the cleanup rule did not fire for session {sid}; leaving it undeleted"
            )
    host.delete_state(name, sid)


def _state_exception(state: object) -> str | None:
    if isinstance(state, Mapping) and "exception" in state:
        return str(state["exception"])
    return None


class DurableEngine:
    """Evaluates one :class:`EnginePlan` with durable_rules; safe to share between threads."""

    def __init__(self, plan: EnginePlan) -> None:
        if not AVAILABLE:
            raise EvaluationError(UNAVAILABLE_REASON or "durable_rules is not available")
        self.plan = plan
        with _LOCK:
            self._registered = _register(plan)
        self._rule_ids = tuple(r.rule_id for r in plan.rules)

    @property
    def durable_rule_count(self) -> int:
        """How many durable rules the plan translated to (with the internal cleanup rule)."""
        return self._registered.rule_count

    def _prepare(self, facts: Sequence[Mapping[str, AtomValue]], sid: str) -> list[dict[str, Any]]:
        fields_by_rule = self._registered.fields_by_rule
        batch: list[dict[str, Any]] = []
        seen: set[str] = set()
        for fact in facts:
            rule_id = fact.get("rule")
            if fact.get("kind") != "input" or not isinstance(rule_id, str):
                raise EvaluationError(f"not an input fact: {dict(fact)!r}")
            if rule_id not in fields_by_rule:
                raise EvaluationError(f"input fact for rule {rule_id} not in plan {self.plan.name}")
            if rule_id in seen:
                raise EvaluationError(f"two input facts for rule {rule_id}")
            seen.add(rule_id)
            missing = fields_by_rule[rule_id] - fact.keys()
            if missing:
                # durable would just not match, and then reject the whole batch.
                raise EvaluationError(
                    f"input fact for rule {rule_id} lacks atoms {', '.join(sorted(missing))}"
                )
            if "sid" in fact or len(fact) + 1 > _MAX_FACT_PROPERTIES:
                raise EvaluationError(
                    f"input fact for rule {rule_id} has a 'sid' or more than "
                    f"{_MAX_FACT_PROPERTIES - 1} fields"
                )
            for name, value in fact.items():
                if name not in ("kind", "rule"):
                    _check_value(value, rule_id)
            batch.append({**fact, "sid": sid})
        return batch

    def evaluate(self, facts: Sequence[Mapping[str, AtomValue]]) -> dict[str, Outcome]:
        """One outcome per rule of the plan, from one input fact per rule."""
        if not facts:
            return {}  # an empty batch segfaults durable
        sid = f"s{next(_SID_COUNTER)}"
        batch = self._prepare(facts, sid)
        name = self._registered.durable_name
        session = _Session()
        with _LOCK:
            host = _host()
            _SESSIONS[sid] = session
            cleanup_error: Exception | None = None
            try:
                self._run(host, name, sid, batch, session)
            finally:
                try:
                    _delete_session(host, name, sid, session)
                except Exception as exc:
                    cleanup_error = exc
                finally:
                    del _SESSIONS[sid]
            if cleanup_error is not None:
                raise EvaluationError(
                    f"durable_rules could not delete session {sid}: {cleanup_error}"
                ) from cleanup_error
        return self._collect(session)

    def _run(
        self, host: Any, name: str, sid: str, batch: list[dict[str, Any]], session: _Session
    ) -> None:
        """Assert the batch (actions fire inside); hold _LOCK."""
        try:
            state = host.assert_facts(name, batch)
        except _durable_engine.MessageNotHandledException as exc:
            raise EvaluationError(
                f"plan {self.plan.name}: an input fact matched no durable rule "
                "(the plan's conditions are not exhaustive); no rule fired"
            ) from exc
        except _durable_engine.MessageObservedException as exc:
            raise EvaluationError(f"plan {self.plan.name}: duplicate input facts") from exc
        except Exception as exc:
            raise EvaluationError(f"durable_rules failed on plan {self.plan.name}: {exc}") from exc
        failure = _state_exception(state)
        if session.errors or failure is not None:
            detail = "; ".join(session.errors) or failure
            raise EvaluationError(
                f"a durable_rules action failed for plan {self.plan.name}: {detail}"
            )

    def _collect(self, session: _Session) -> dict[str, Outcome]:
        if session.conflicts:
            details = "; ".join(
                f"{rule}: "
                + " vs ".join(
                    f"applicable={o.applicable} met={o.met}"
                    for o in sorted(outs, key=lambda o: (o.applicable, o.met))
                )
                for rule, outs in sorted(session.conflicts.items())
            )
            raise EvaluationError(
                f"plan {self.plan.name}: rules reached contradictory outcomes: {details}"
            )
        missing = [r for r in self._rule_ids if r not in session.outcomes]
        if missing:
            raise EvaluationError(
                f"plan {self.plan.name}: no outcome for rules {', '.join(missing)} "
                "(missing input fact, or an outcome they depend on was never reached)"
            )
        return {r: session.outcomes[r] for r in self._rule_ids}
