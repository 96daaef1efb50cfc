"""Semantics of the rule language, checked on the Python back-end (the reference)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from govrules.checker import Program
from govrules.evaluator import evaluate
from govrules.prose import show
from support import rule


def verdict(program: Program, doc: dict[str, Any], rule_id: str, as_of: str = "2023-09-30") -> Any:
    report = evaluate(program, doc, as_of, engine="python")
    return next(f for f in report.findings if f.rule == rule_id)


CASES = [
    # (require, expected status on the spec example)
    ('governance.model == "place_board"', "pass"),
    ('governance.model == "  PLACE_board "', "pass"),
    ('"northshire county council" in accountable_persons[0].agreed_by', "pass"),
    ('accountable_persons[0].agreed_by contains " Northshire County  Council"', "pass"),
    ('"Riverside District Council" not in accountable_persons[0].agreed_by', "pass"),
    ("count(accountable_persons) == 1", "pass"),
    ("count(partners) == 1", "pass"),
    ("sum(finance.budget_lines[*].amount) == 45000000", "pass"),
    ("max(finance.years[*].pooled) == 72000000", "pass"),
    ("min(finance.years[*].year) exists", "fail"),  # texts have no min: checked statically
    (
        "system.digital.social_care_providers.with_digital_record / "
        "system.digital.social_care_providers.total >= 0.8",
        "pass",
    ),
    ("shared_plan.published_on <= as_of", "pass"),
    ("shared_plan.published_on > 2023-04-01", "fail"),
    ('all la in local_authorities satisfy la.tier in ["upper", "unitary"]', "pass"),
    ("any o in shared_outcomes.outcomes satisfy o.tackles_inequalities", "pass"),
    (
        'all o in shared_outcomes.outcomes where o.priority == "local" '
        "satisfy o.tackles_inequalities",
        "pass",
    ),
    (
        'count([o.name for o in shared_outcomes.outcomes where o.priority == "national"]) == 1',
        "pass",
    ),
    ("workforce.place_workforce_plan and not place.crosses_system_boundary", "pass"),
    ("risk_management exists and shared_outcomes.reports is not empty", "pass"),
    ("declared_on is missing or declared_on <= as_of", "pass"),
    ("-3 < 0 and 2 * 3 + 1 == 7 and 7 - 2 == 5", "pass"),
    ('(if system.places == 3 then "three" else "other") == "three"', "pass"),
    ("(if declared_on > as_of then 1 else 2) == 2", "pass"),
    ('place.name + " place" == "northshire place"', "pass"),
    ('finance.years[0].year < finance.years[1].year and " Abc" < "b"', "pass"),
]


@pytest.mark.parametrize(("require", "status"), [c for c in CASES if "min(" not in c[0]])
def test_expression_semantics(
    program_of: Callable[[str], Program], spec_example: dict[str, Any], require: str, status: str
) -> None:
    program = program_of(rule("T-1", require))
    assert verdict(program, spec_example, "T-1").status == status


def test_missing_fact_fails_and_says_what_is_missing(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    del spec_example["shared_plan"]
    program = program_of(rule("PLAN-1", "shared_plan.published_on <= as_of"))
    f = verdict(program, spec_example, "PLAN-1")
    assert f.status == "fail"
    assert f.explanation.startswith("Not declared: shared_plan.")
    assert f.facts == {"shared_plan": None}
    assert f.remedy == "fix PLAN-1"


def test_kleene_logic_keeps_unknown_from_passing(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    del spec_example["shared_plan"]
    body = rule("T-1", "not (shared_plan.published_on > as_of)")
    body += rule("T-2", "shared_plan.published_on > as_of or true")
    body += rule("T-3", "shared_plan.published_on > as_of and false")
    program = program_of(body)
    assert verdict(program, spec_example, "T-1").status == "fail"  # unknown, not true
    assert verdict(program, spec_example, "T-2").status == "pass"
    assert verdict(program, spec_example, "T-3").status == "fail"


def test_division_by_zero_is_unknown_not_a_crash(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    spec_example["system"]["digital"]["social_care_providers"] = {
        "total": 0,
        "with_digital_record": 0,
    }
    s = "system.digital.social_care_providers"
    program = program_of(rule("DIG-2", f"{s}.with_digital_record / {s}.total >= 0.8"))
    assert verdict(program, spec_example, "DIG-2").status == "fail"


def test_not_yet_due_says_whether_it_would_pass(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    body = rule("T-1", "true", due="2024-12-31") + rule("T-2", "false", due="2024-12-31")
    program = program_of(body)
    ok, bad = verdict(program, spec_example, "T-1"), verdict(program, spec_example, "T-2")
    assert (ok.status, ok.would_pass) == ("not_yet_due", True)
    assert (bad.status, bad.would_pass) == ("not_yet_due", False)
    assert "would pass today" in ok.explanation
    assert "would not pass today" in bad.explanation
    assert verdict(program, spec_example, "T-1", "2025-01-01").status == "pass"


def test_applies_when_false_is_not_applicable_but_unknown_applies(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    body = rule("T-1", "false", extra="    applies when system.places == 1\n")
    body += rule("T-2", "true", extra="    applies when declared_on > 2020-01-01\n")
    program = program_of(body)
    assert verdict(program, spec_example, "T-1").status == "not_applicable"
    spec_example.pop("declared_on", None)
    assert verdict(program, spec_example, "T-2").status == "pass"


def test_rules_chain_on_other_rules_outcomes(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    body = rule("GOV-2", "governance.delegated_by_icb.budget")
    body += rule("GOV-1", '(governance.model == "place_board" and GOV-2 is met) or false')
    body += rule("GOV-3", "GOV-1 is not met", extra="    applies when GOV-2 is applicable\n")
    program = program_of(body)
    assert verdict(program, spec_example, "GOV-1").status == "pass"
    assert verdict(program, spec_example, "GOV-3").status == "fail"
    spec_example["governance"]["delegated_by_icb"]["budget"] = False
    assert verdict(program, spec_example, "GOV-1").status == "fail"
    assert verdict(program, spec_example, "GOV-3").status == "pass"


def test_explanations_interpolate_actual_values(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    spec_example["local_authorities"].append(
        {"name": "Riverside District Council", "tier": "unitary"}
    )
    text = (
        "rule SAP-2 {\n"
        '    title "agreed" severity must due 2023-04-01\n'
        "    let agreed = accountable_persons[0].agreed_by\n"
        "    let missing = [la.name for la in local_authorities where la.name not in agreed]\n"
        "    require missing is empty\n"
        '    cite "004" section "Governance" "x"\n'
        '    explain "{missing} did not agree to {accountable_persons[0].name}"\n'
        '    remedy "Record the agreement of {missing}"\n'
        "}\n"
    )
    f = verdict(program_of(text), spec_example, "SAP-2")
    assert f.status == "fail"
    assert f.explanation == "Riverside District Council did not agree to Sam Patel"
    assert f.remedy == "Record the agreement of Riverside District Council"
    assert f.facts["local_authorities[*].name"] == [
        "Northshire County Council",
        "Riverside District Council",
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "(not declared)"),
        (True, "yes"),
        ([], "none"),
        (["a", "b", "c"], "a, b and c"),
        (0.8000, "0.8"),
        (3, "3"),
    ],
)
def test_show(value: Any, text: str) -> None:
    assert show(value) == text
