"""Lowering to the engine plan: three-valued forms and normalised input facts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from govrules import ir
from govrules.checker import Program
from govrules.interpreter import Compiler
from govrules.interpreter import Ctx
from govrules.lower import fact_value
from govrules.lower import lower
from support import rule


def _lowered(program: Program) -> dict[str, Any]:
    plan, lowered = lower(program, Compiler(program), program.rules, "govrules/place/v1")
    assert plan.name.startswith("govrules_")
    return lowered


def test_comparison_becomes_a_guarded_engine_test(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    lw = _lowered(program_of(rule("T-1", "place.population >= 100000")))["T-1"]
    assert lw.plan.met == ir.AllOf((ir.Cmp("p0", "==", True), ir.Cmp("a0", ">=", 100000)))
    assert lw.plan.unmet == ir.AnyOf((ir.Cmp("p0", "==", False), ir.Cmp("a0", "<", 100000)))
    assert lw.plan.applicable == ir.Const(True)
    assert lw.plan.guarded
    fact = lw.input_fact(Ctx(spec_example, dt.date(2023, 9, 30), {}))
    assert fact == {
        "kind": "input",
        "rule": "T-1",
        "p0": True,
        "a0": 320000,
        "safe": 1,
        "verdict": -1,
    }


def test_a_value_an_engine_cannot_compare_exactly_is_not_sent(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    # 2**63 and 2**63 - 1 are the same double: the engine must not compare them.
    scr = spec_example["system"]["digital"]["shared_care_record"]
    scr["providers_total"], scr["providers_connected"] = 2**63, 2**63 - 1
    path = "system.digital.shared_care_record"
    body = rule("T-1", f"{path}.providers_connected == {path}.providers_total")
    lw = _lowered(program_of(body))["T-1"]
    outcomes = {"T-1": ir.Outcome(True, False)}
    fact = lw.input_fact(Ctx(spec_example, dt.date(2023, 9, 30), outcomes))
    assert (fact["safe"], fact["verdict"], fact["a0"], fact["a1"]) == (0, 2, 0, 0)


def test_a_literal_an_engine_cannot_read_is_compared_in_python(
    program_of: Callable[[str], Program],
) -> None:
    lw = _lowered(program_of(rule("T-2", "place.population * 1.0 >= 0.00001")))
    assert lw["T-2"].plan.met == ir.Cmp("b0", "==", 1)
    assert not lw["T-2"].plan.guarded


def test_missing_value_has_a_presence_flag_and_a_typed_default(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    del spec_example["place"]["population"]
    lw = _lowered(program_of(rule("T-1", "place.population >= 100000")))["T-1"]
    assert lw.input_fact(Ctx(spec_example, dt.date(2023, 9, 30), {}))["p0"] is False


def test_texts_and_dates_are_normalised_for_the_engine() -> None:
    assert fact_value("  Northshire  County Council ") == "northshire county council"
    assert fact_value(dt.date(2023, 4, 1)) == dt.date(2023, 4, 1).toordinal()


def test_rule_references_become_outcome_literals_and_conditions_become_atoms(
    program_of: Callable[[str], Program],
) -> None:
    body = rule("A-1", "true") + rule(
        "A-2", 'A-1 is met and any x in local_authorities satisfy x.tier == "upper"'
    )
    lw = _lowered(program_of(body))["A-2"]
    assert lw.plan.depends_on == ("A-1",)
    assert lw.plan.met == ir.AllOf((ir.OutcomeLit("A-1", "met", True), ir.Cmp("b0", "==", 1)))
    assert lw.plan.unmet == ir.AnyOf((ir.OutcomeLit("A-1", "met", False), ir.Cmp("b0", "!=", 1)))


def test_constant_folding(program_of: Callable[[str], Program]) -> None:
    lw = _lowered(program_of(rule("A-1", "1 < 2")))["A-1"]
    assert (lw.plan.met, lw.plan.unmet) == (ir.Const(True), ir.Const(False))
