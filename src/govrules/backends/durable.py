"""The durable_rules back-end: runs an :class:`EnginePlan` on durable_rules' Rete engine.

This is the only module of govrules that imports ``durable``. The plan is translated to durable
rulesets by :mod:`.durable_translate` (which explains their shape); this module registers them,
gives their rules the actions that record and assert outcomes, and runs one session per
evaluation.

durable_rules has many sharp edges; the ones that shape this back-end (verified against 2.0.28):

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
import threading
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..errors import EvaluationError
from ..ir import AtomValue
from ..ir import EnginePlan
from ..ir import Outcome
from .durable_translate import CLEANUP_KIND
from .durable_translate import MAX_DURABLE_RULES as MAX_DURABLE_RULES
from .durable_translate import check_value
from .durable_translate import count_durable_rules as count_durable_rules
from .durable_translate import translate

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

#: Largest number of properties of one asserted fact, counting the ``sid`` we add.
_MAX_FACT_PROPERTIES = 252

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
    definition, fields_by_rule = translate(plan, _make_action, _cleanup_action)
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
        host.assert_fact(name, {"kind": CLEANUP_KIND, "sid": sid})
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
                    check_value(value, rule_id)
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
