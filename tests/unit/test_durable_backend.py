"""The durable_rules back-end against hand-built engine plans and a pure-Python reference."""

from __future__ import annotations

import hashlib
import itertools
import operator
import threading
import uuid
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from govrules.backends import durable as backend
from govrules.errors import EvaluationError
from govrules.ir import AllOf
from govrules.ir import AnyOf
from govrules.ir import AtomValue
from govrules.ir import Cmp
from govrules.ir import Cond
from govrules.ir import Const
from govrules.ir import EnginePlan
from govrules.ir import Outcome
from govrules.ir import OutcomeLit
from govrules.ir import RulePlan

if not backend.AVAILABLE:  # pragma: no cover - only where durable_rules does not import
    pytest.skip(f"durable_rules unavailable: {backend.UNAVAILABLE_REASON}", allow_module_level=True)

pytestmark = pytest.mark.durable

Fact = dict[str, AtomValue]

MET = Outcome(True, True)
UNMET = Outcome(True, False)
NA = Outcome(False, False)
ALWAYS = Const(True)


# --------------------------------------------------------------------------- reference model

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_NEG = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def holds(cond: Cond, fact: Mapping[str, AtomValue], outcomes: Mapping[str, Outcome]) -> bool:
    """A tiny evaluator of Cond: the meaning the durable translation must preserve."""
    if isinstance(cond, Cmp):
        rhs = fact[cond.other] if cond.other is not None else cond.value
        return _OPS[cond.op](fact[cond.field], rhs)
    if isinstance(cond, OutcomeLit):
        return bool(getattr(outcomes[cond.rule], cond.prop) == cond.value)
    if isinstance(cond, AllOf):
        return all(holds(i, fact, outcomes) for i in cond.items)
    if isinstance(cond, AnyOf):
        return any(holds(i, fact, outcomes) for i in cond.items)
    return cond.value


def negate(cond: Cond) -> Cond:
    """The complement of a two-valued condition (De Morgan, flipped comparisons)."""
    if isinstance(cond, Cmp):
        return Cmp(cond.field, _NEG[cond.op], cond.value, cond.other)  # type: ignore[arg-type]
    if isinstance(cond, OutcomeLit):
        return OutcomeLit(cond.rule, cond.prop, not cond.value)
    if isinstance(cond, AllOf):
        return AnyOf(tuple(negate(i) for i in cond.items))
    if isinstance(cond, AnyOf):
        return AllOf(tuple(negate(i) for i in cond.items))
    return Const(not cond.value)


def reference(plan: EnginePlan, facts: Sequence[Mapping[str, AtomValue]]) -> dict[str, Outcome]:
    by_rule = {f["rule"]: f for f in facts}
    out: dict[str, Outcome] = {}
    for r in plan.rules:
        fact = by_rule[r.rule_id]
        if holds(r.applicable, fact, out):
            out[r.rule_id] = Outcome(True, holds(r.met, fact, out))
        else:
            out[r.rule_id] = NA
    return out


def rule(
    rule_id: str,
    met: Cond,
    applicable: Cond = ALWAYS,
    depends_on: tuple[str, ...] = (),
) -> RulePlan:
    """A rule whose inapplicable/unmet conditions are the complements of the given ones."""
    return RulePlan(rule_id, applicable, negate(applicable), met, negate(met), depends_on)


def plan_of(*rules: RulePlan, tag: str = "t") -> EnginePlan:
    return EnginePlan(f"test-{tag}-{uuid.uuid4().hex[:10]}@1", rules)


def inp(rule_id: str, **atoms: AtomValue) -> Fact:
    return {"kind": "input", "rule": rule_id, **atoms}


def check(plan: EnginePlan, facts: list[Fact], expected: Mapping[str, Outcome]) -> None:
    assert reference(plan, facts) == expected  # the test itself is right
    assert backend.DurableEngine(plan).evaluate(facts) == expected


# --------------------------------------------------------------------------- comparisons

_SCALARS: list[tuple[AtomValue, AtomValue]] = [
    (3, 3),
    (3, 5),
    (5, 3),
    (-2, 7),
    (2.5, 2.5),
    (2.5, 2.75),
    (3, 3.0),
    (1e9, 1e9 + 0.5),
    ("abc", "abc"),
    ("abc", "abd"),
    ("b", "ab"),
    ("", "a"),
    ("café", "cafe"),
    (True, True),
    (False, True),
    (True, False),
]


@pytest.mark.parametrize("op", list(_OPS))
def test_cmp_against_constant_and_field(op: str) -> None:
    rules = []
    facts = []
    for k, (left, right) in enumerate(_SCALARS):
        rules.append(rule(f"V-{k}", Cmp("a0", op, right)))  # type: ignore[arg-type]
        rules.append(rule(f"F-{k}", Cmp("a0", op, other="a1")))  # type: ignore[arg-type]
        facts.append(inp(f"V-{k}", a0=left))
        facts.append(inp(f"F-{k}", a0=left, a1=right))
    plan = plan_of(*rules, tag=f"cmp{_NEG[op]}")
    expected = {r.rule_id: MET if _OPS[op](*_SCALARS[int(r.rule_id[2:])]) else UNMET for r in rules}
    check(plan, facts, expected)


def test_nested_all_any_and_const() -> None:
    nested = AnyOf(
        (
            AllOf((Cmp("a0", ">=", 3), AnyOf((Cmp("a1", "==", "x"), Cmp("a2", "==", True))))),
            AllOf((Cmp("a0", "<", 0), Const(True))),
            Const(False),
        )
    )
    plan = plan_of(
        rule("N-1", nested),
        rule("C-TRUE", Const(True)),
        rule("C-FALSE", Const(False)),
        rule("C-NA", Cmp("a0", "==", 1), applicable=Const(False)),
        rule("C-APP", Const(True), applicable=AllOf((Cmp("a0", ">", 0), Const(True)))),
        tag="nested",
    )
    cases: list[tuple[Fact, Outcome]] = [
        ({"a0": 3, "a1": "x", "a2": False}, MET),
        ({"a0": 4, "a1": "y", "a2": True}, MET),
        ({"a0": 4, "a1": "y", "a2": False}, UNMET),
        ({"a0": -1, "a1": "y", "a2": False}, MET),
        ({"a0": 0, "a1": "x", "a2": True}, UNMET),
    ]
    engine = backend.DurableEngine(plan)
    for atoms, n1 in cases:
        facts = [
            inp("N-1", **atoms),
            inp("C-TRUE"),
            inp("C-FALSE"),
            inp("C-NA", a0=1),
            inp("C-APP", a0=atoms["a0"]),
        ]
        expected = {
            "N-1": n1,
            "C-TRUE": MET,
            "C-FALSE": UNMET,
            "C-NA": NA,
            "C-APP": MET if float(atoms["a0"]) > 0 else NA,
        }
        assert reference(plan, facts) == expected
        assert engine.evaluate(facts) == expected


# --------------------------------------------------------------------------- forward chaining


def _governance_plan() -> EnginePlan:
    gov1 = AnyOf(
        (
            AllOf((Cmp("a0", "==", "place_board"), OutcomeLit("GOV-2", "met", True))),
            AllOf(
                (
                    Cmp("a0", "!=", "place_board"),
                    OutcomeLit("PLAN-1", "met", True),
                    OutcomeLit("OUT-1", "met", True),
                )
            ),
        )
    )
    return plan_of(
        rule("OUT-1", Cmp("a0", ">=", 3)),
        rule("PLAN-1", Cmp("a0", "==", True), applicable=Cmp("a1", "!=", "none")),
        rule("GOV-2", Cmp("a0", ">", other="a1"), applicable=OutcomeLit("OUT-1", "met", True)),
        rule("GOV-1", gov1, depends_on=("GOV-2", "PLAN-1", "OUT-1")),
        tag="gov",
    )


@pytest.mark.parametrize(
    ("out1", "plan1", "plan1_kind", "gov2", "form"),
    list(
        itertools.product(
            [1, 5], [True, False], ["nhs", "none"], [(1, 2), (9, 2)], ["place_board", "committee"]
        )
    ),
)
def test_outcome_chaining_three_levels(
    out1: int, plan1: bool, plan1_kind: str, gov2: tuple[int, int], form: str
) -> None:
    plan = _governance_plan()
    facts = [
        inp("OUT-1", a0=out1),
        inp("PLAN-1", a0=plan1, a1=plan1_kind),
        inp("GOV-2", a0=gov2[0], a1=gov2[1]),
        inp("GOV-1", a0=form),
    ]
    got = _engine_for(plan).evaluate(facts)
    assert got == reference(plan, facts)


_ENGINES: dict[str, backend.DurableEngine] = {}


def _engine_for(plan: EnginePlan) -> backend.DurableEngine:
    """One engine per plan structure, so parametrised tests share one registration."""
    key = repr(plan.rules)
    if key not in _ENGINES:
        _ENGINES[key] = backend.DurableEngine(plan)
    return _ENGINES[key]


def test_chain_of_applicability_two_levels_in_reverse_fact_order() -> None:
    plan = plan_of(
        rule("A", Cmp("x", "==", 1)),
        rule("B", Const(True), applicable=OutcomeLit("A", "met", True)),
        rule(
            "C",
            OutcomeLit("B", "applicable", False),
            applicable=OutcomeLit("A", "applicable", True),
        ),
        tag="chain",
    )
    engine = backend.DurableEngine(plan)
    for x, expected in (
        (1, {"A": MET, "B": MET, "C": UNMET}),
        (2, {"A": UNMET, "B": NA, "C": MET}),
    ):
        facts = [inp("C"), inp("B"), inp("A", x=x)]
        assert reference(plan, facts) == expected
        assert engine.evaluate(facts) == expected


def test_several_true_branches_assert_the_outcome_once(monkeypatch: pytest.MonkeyPatch) -> None:
    many = AnyOf(
        (
            Cmp("a0", ">", 0),
            Cmp("a0", ">", 1),
            AnyOf((Cmp("a1", "==", "x"), Cmp("a1", "!=", "y"))),
            OutcomeLit("A", "met", True),
            AllOf((OutcomeLit("A", "applicable", True), Cmp("a0", "==", 5))),
        )
    )
    plan = plan_of(
        rule("A", Const(True)),
        RulePlan("B", Const(True), Const(False), many, negate(many)),
        rule("C", OutcomeLit("B", "met", True)),
        tag="branches",
    )
    engine = backend.DurableEngine(plan)
    asserted: list[str] = []
    closure = backend._durable_engine.Closure
    original = closure.assert_fact

    def counting(self: Any, ruleset_name: Any, fact: Any = None) -> Any:
        asserted.append(str(ruleset_name["rule"]))
        return original(self, ruleset_name, fact)

    monkeypatch.setattr(closure, "assert_fact", counting)
    facts = [inp("A"), inp("B", a0=5, a1="x"), inp("C")]
    assert engine.evaluate(facts) == {"A": MET, "B": MET, "C": MET}
    # Each outcome another rule reads is asserted once; C is read by none, so not asserted.
    assert sorted(asserted) == ["A", "B"]


# --------------------------------------------------------------------------- lifecycle


def test_two_thousand_evaluations_leave_no_sessions() -> None:
    plan = plan_of(rule("R-1", Cmp("n", ">=", 1000)), rule("R-2", OutcomeLit("R-1", "met", False)))
    engine = backend.DurableEngine(plan)
    for n in range(2000):  # more than durable's 1,024 live sessions
        got = engine.evaluate([inp("R-1", n=n), inp("R-2")])
        assert got == ({"R-1": MET, "R-2": UNMET} if n >= 1000 else {"R-1": UNMET, "R-2": MET})
    assert backend._SESSIONS == {}


def test_engines_of_one_plan_share_the_registration() -> None:
    plan = plan_of(rule("R-1", Cmp("a0", "==", "y")), tag="shared")
    first = backend.DurableEngine(plan)
    count = len(backend._REGISTRY)
    second = backend.DurableEngine(plan)
    assert len(backend._REGISTRY) == count
    assert second._registered is first._registered
    assert first.evaluate([inp("R-1", a0="y")]) == {"R-1": MET}
    assert second.evaluate([inp("R-1", a0="n")]) == {"R-1": UNMET}
    changed = EnginePlan(plan.name, (rule("R-1", Cmp("a0", "==", "z")),))
    with pytest.raises(EvaluationError, match="already registered"):
        backend.DurableEngine(changed)


def test_plan_name_with_durable_special_suffix() -> None:
    plan = EnginePlan(f"odd$state name {uuid.uuid4().hex}", (rule("R-1", Const(True)),))
    assert backend.DurableEngine(plan).evaluate([inp("R-1")]) == {"R-1": MET}


def test_empty_facts_give_no_outcomes() -> None:
    assert backend.DurableEngine(plan_of(rule("R-1", Const(True)))).evaluate([]) == {}


# --------------------------------------------------------------------------- faults


def test_too_many_durable_rules_is_refused_at_construction() -> None:
    rules = [rule(f"R-{k}", Cmp("a0", "==", k)) for k in range(241)]  # met + unmet each
    with pytest.raises(EvaluationError, match="more than 480 durable rules"):
        backend.DurableEngine(plan_of(*rules, tag="big"))


def test_contradictory_outcomes_are_reported() -> None:
    plan = plan_of(RulePlan("BAD-1", Const(True), Const(False), Const(True), Cmp("a0", ">", 0)))
    engine = backend.DurableEngine(plan)
    with pytest.raises(EvaluationError, match="BAD-1"):
        engine.evaluate([inp("BAD-1", a0=1)])
    assert engine.evaluate([inp("BAD-1", a0=0)]) == {"BAD-1": MET}
    assert backend._SESSIONS == {}


def test_rule_without_outcome_is_reported() -> None:
    plan = plan_of(
        rule("A", Const(True), applicable=Cmp("x", "==", 1)),
        RulePlan(
            "B",
            Const(True),
            Const(False),
            AllOf((OutcomeLit("A", "met", True), OutcomeLit("A", "applicable", True))),
            AllOf((OutcomeLit("A", "met", False), OutcomeLit("A", "applicable", True))),
        ),
    )
    engine = backend.DurableEngine(plan)
    with pytest.raises(EvaluationError, match="no outcome for rules B"):
        engine.evaluate([inp("A", x=2), inp("B")])
    assert engine.evaluate([inp("A", x=1), inp("B")]) == {"A": MET, "B": MET}


def test_unmatched_input_fact_is_an_error() -> None:
    plan = plan_of(RulePlan("GAP", Const(True), Const(False), Cmp("a0", ">", 5), Cmp("a0", "<", 3)))
    engine = backend.DurableEngine(plan)
    with pytest.raises(EvaluationError, match="matched no durable rule"):
        engine.evaluate([inp("GAP", a0=4)])
    assert engine.evaluate([inp("GAP", a0=6)]) == {"GAP": MET}


def test_action_failure_is_raised_and_session_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_of(rule("R-1", Const(True)), rule("R-2", OutcomeLit("R-1", "met", True)))
    engine = backend.DurableEngine(plan)

    def broken(self: Any, ruleset_name: Any, fact: Any = None) -> Any:
        raise ValueError("boom")

    with monkeypatch.context() as m:
        m.setattr(backend._durable_engine.Closure, "assert_fact", broken)
        with pytest.raises(EvaluationError, match="action failed.*boom"):
            engine.evaluate([inp("R-1"), inp("R-2")])
    assert backend._SESSIONS == {}
    assert engine.evaluate([inp("R-1"), inp("R-2")]) == {"R-1": MET, "R-2": MET}


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ([inp("R-1")], "lacks atoms a0"),
        ([inp("R-1", a0=1), inp("R-1", a0=2)], "two input facts"),
        ([inp("R-9", a0=1)], "not in plan"),
        ([{"kind": "outcome", "rule": "R-1", "a0": 1}], "not an input fact"),
        ([inp("R-1", a0=1, **{f"x{k}": k for k in range(260)})], "more than"),
    ],
)
def test_bad_facts_are_refused(facts: list[Fact], message: str) -> None:
    engine = _engine_for(EnginePlan("test-badfacts@1", (rule("R-1", Cmp("a0", "==", 1)),)))
    with pytest.raises(EvaluationError, match=message):
        engine.evaluate(facts)


def test_outcome_of_unknown_rule_is_refused() -> None:
    with pytest.raises(EvaluationError, match="unknown rule 'NOPE'"):
        backend.DurableEngine(plan_of(rule("R-1", OutcomeLit("NOPE", "met", True))))


# --------------------------------------------------------------------------- random plans

_ATOMS = ("a0", "a1", "a2")
_ints = st.integers(min_value=-2, max_value=2)
_ops = st.sampled_from(list(_OPS))


def _conds(previous: tuple[str, ...]) -> st.SearchStrategy[Cond]:
    leaves: list[st.SearchStrategy[Cond]] = [
        st.builds(Cmp, st.sampled_from(_ATOMS), _ops, _ints),
        st.builds(
            lambda f, op, o: Cmp(f, op, other=o),
            st.sampled_from(_ATOMS),
            _ops,
            st.sampled_from(_ATOMS),
        ),
        st.builds(Const, st.booleans()),
    ]
    if previous:
        leaves.append(
            st.builds(
                OutcomeLit,
                st.sampled_from(previous),
                st.sampled_from(["met", "applicable"]),
                st.booleans(),
            )
        )
    return st.recursive(
        st.one_of(leaves),
        lambda inner: st.one_of(
            st.builds(AllOf, st.lists(inner, min_size=0, max_size=3).map(tuple)),
            st.builds(AnyOf, st.lists(inner, min_size=0, max_size=3).map(tuple)),
        ),
        max_leaves=6,
    )


@st.composite
def _plans(draw: st.DrawFn) -> EnginePlan:
    rules: list[RulePlan] = []
    for k in range(3):
        previous = tuple(r.rule_id for r in rules)
        rules.append(rule(f"H-{k}", draw(_conds(previous)), draw(_conds(previous))))
    digest = hashlib.sha1(repr(rules).encode()).hexdigest()[:16]
    return EnginePlan(f"test-hyp-{digest}@1", tuple(rules))


_fact_sets = st.lists(st.tuples(*[st.tuples(_ints, _ints, _ints)] * 3), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=_plans(), fact_sets=_fact_sets)
def test_random_conditions_agree_with_reference(
    plan: EnginePlan, fact_sets: list[tuple[tuple[int, int, int], ...]]
) -> None:
    try:
        engine = _engine_for(plan)
    except EvaluationError as exc:  # pragma: no cover - only if a DNF explodes
        assert "durable rules" in str(exc)
        return
    for values in fact_sets:
        facts = [
            inp(r.rule_id, **dict(zip(_ATOMS, vals, strict=True)))
            for r, vals in zip(plan.rules, values, strict=True)
        ]
        assert engine.evaluate(facts) == reference(plan, facts)


# --------------------------------------------------------------------------- threads


def test_threads_share_one_engine() -> None:
    plan = _governance_plan()
    engine = backend.DurableEngine(plan)
    inputs = [
        [
            inp("OUT-1", a0=k % 6),
            inp("PLAN-1", a0=k % 2 == 0, a1="none" if k % 5 == 0 else "nhs"),
            inp("GOV-2", a0=k % 4, a1=2),
            inp("GOV-1", a0="place_board" if k % 3 else "committee"),
        ]
        for k in range(50)
    ]
    expected = [engine.evaluate(facts) for facts in inputs]
    assert expected == [reference(plan, facts) for facts in inputs]
    results: dict[int, list[dict[str, Outcome]]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(t: int) -> None:
        try:
            start.wait()
            results[t] = [engine.evaluate(facts) for facts in inputs]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert not errors
    assert all(results[t] == expected for t in range(8))
    assert backend._SESSIONS == {}
