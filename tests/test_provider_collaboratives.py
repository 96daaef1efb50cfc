"""Provider collaboratives: the ``govrules/provider-collaborative/v1`` format and PC-1 .. PC-11.

The examples in ``examples/provider-collaboratives/`` are checked on a fixed date on every
available engine; together they make every PC rule pass and fail at least once. Place rules
never run on a collaborative, and PC rules never run on a place.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from govrules import DeclarationError
from govrules import evaluate
from govrules import load_declaration
from govrules import load_declaration_text
from govrules import load_rulesets
from govrules.backends.durable_backend import available as durable_available
from govrules.checker import Program
from govrules.declaration import validate_declaration
from govrules.formats import DECLARATION_FORMATS
from govrules.provider_collaborative import FORMAT
from govrules.provider_collaborative import PC_EXAMPLE
from govrules.provider_collaborative import ProviderCollaborativeDeclaration
from govrules.report import Report

ROOT = Path(__file__).resolve().parents[1]
PC_RULES = ROOT / "rules" / "provider-collaboratives"
PC_EXAMPLES = sorted((ROOT / "examples" / "provider-collaboratives").glob("*.yaml"))
PLACE_EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
AS_OF = "2023-09-30"
ENGINES = ["python"] + (["durable"] if durable_available()[0] else [])

MUST_RULES = [f"PC-{n}" for n in range(1, 9)]
SHOULD_RULES = ["PC-9", "PC-11"]

#: What each example is written to show at AS_OF (its header comment says why).
EXPECTED_FAILS = {
    "northshire-coast-acute": set(),
    "broadwater-corporate-services": {"PC-2", "PC-5", "PC-6", "PC-7", "PC-8", "PC-9", "PC-11"},
    "downs-mental-health": {"PC-1", "PC-3", "PC-4", "PC-8", "PC-11"},
}


@pytest.fixture(scope="module")
def program() -> Program:
    """The provider collaborative ruleset alone."""
    return load_rulesets([PC_RULES])


@pytest.fixture(scope="module")
def bundled() -> Program:
    """Every bundled ruleset (place and provider collaborative)."""
    return load_rulesets()


def _check(program: Program, example: Path, engine: str = "python", as_of: str = AS_OF) -> Report:
    return evaluate(
        program,
        load_declaration(example),
        as_of,
        engine=engine,  # type: ignore[arg-type]
        source=str(example.relative_to(ROOT)),
    )


def _statuses(report: Report) -> dict[str, str]:
    return {f.rule: f.status for f in report.findings}


def _doc(**changes: Any) -> dict[str, Any]:
    """A fresh copy of the format's small example with top-level fields replaced."""
    doc = copy.deepcopy(PC_EXAMPLE)
    doc.update(changes)
    return doc


# ----------------------------------------------------------------------------- the format


def test_the_format_is_registered() -> None:
    assert DECLARATION_FORMATS[FORMAT] is ProviderCollaborativeDeclaration
    assert FORMAT == "govrules/provider-collaborative/v1"


def test_the_rulesets_declare_the_format(program: Program) -> None:
    assert {r.declaration_format for r in program.rules} == {FORMAT}
    assert sorted(r.id for r in program.rules) == sorted(MUST_RULES + SHOULD_RULES)
    severities = {r.id: r.rule.severity for r in program.rules}
    assert all(severities[r] == "must" for r in MUST_RULES), severities
    assert all(severities[r] == "should" for r in SHOULD_RULES), severities


def test_every_rule_has_a_due_date_from_a_parameter(program: Program) -> None:
    for checked in program.rules:
        assert checked.due is not None, checked.id
        assert checked.due_param, f"{checked.id}: due date is not a named parameter"


def test_examples_are_valid_declarations_of_the_format() -> None:
    assert len(PC_EXAMPLES) >= 2
    for example in PC_EXAMPLES:
        assert isinstance(load_declaration(example), ProviderCollaborativeDeclaration)


def test_the_docs_example_is_a_valid_declaration() -> None:
    text = (ROOT / "docs" / "provider-collaboratives.md").read_text(encoding="utf-8")
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    declaration = load_declaration_text(block, "docs/provider-collaboratives.md")
    assert isinstance(declaration, ProviderCollaborativeDeclaration)


# ----------------------------------------------------------------------------- the examples


@pytest.mark.parametrize("example", PC_EXAMPLES, ids=[p.stem for p in PC_EXAMPLES])
def test_example_gives_the_findings_it_is_written_for(program: Program, example: Path) -> None:
    report = _check(program, example)
    statuses = _statuses(report)
    assert set(statuses) == set(MUST_RULES + SHOULD_RULES)
    failing = {rule for rule, status in statuses.items() if status == "fail"}
    assert failing == EXPECTED_FAILS[example.stem]
    assert all(s in ("pass", "fail") for s in statuses.values()), statuses
    assert report.compliant == (not failing & set(MUST_RULES))


@pytest.mark.parametrize("example", PC_EXAMPLES, ids=[p.stem for p in PC_EXAMPLES])
def test_engines_agree_on_every_example(program: Program, example: Path) -> None:
    reports = [_check(program, example, engine).to_json() for engine in ENGINES]
    for report in reports:
        report.pop("engine")
    assert all(report == reports[0] for report in reports[1:])


@pytest.mark.parametrize("engine", ENGINES)
def test_every_pc_rule_passes_and_fails_at_least_once(program: Program, engine: str) -> None:
    seen: dict[str, set[str]] = {rule: set() for rule in MUST_RULES + SHOULD_RULES}
    for example in PC_EXAMPLES:
        for finding in _check(program, example, engine).findings:
            seen[finding.rule].add(finding.status)
    never_pass = sorted(r for r, s in seen.items() if "pass" not in s)
    never_fail = sorted(r for r, s in seen.items() if "fail" not in s)
    assert not never_pass, f"rules that never pass on the examples: {never_pass}"
    assert not never_fail, f"rules that never fail on the examples: {never_fail}"


def test_the_report_names_the_collaborative(program: Program) -> None:
    example = ROOT / "examples" / "provider-collaboratives" / "northshire-coast-acute.yaml"
    report = _check(program, example).to_json()
    assert report["declaration"]["place"] == "northshire-coast-acute"
    assert report["declaration"]["name"] == "Northshire and Coast Acute Provider Collaborative"


def test_explanations_name_the_actual_values(program: Program) -> None:
    example = ROOT / "examples" / "provider-collaboratives" / "downs-mental-health.yaml"
    findings = {f.rule: f for f in _check(program, example).findings}
    assert "Weald Children's NHS Foundation Trust" in findings["PC-1"].explanation
    assert "Harbourview Healthcare Ltd" in findings["PC-1"].explanation
    assert "Harbourview Healthcare Ltd" in findings["PC-3"].explanation
    assert "2023-11-01" in findings["PC-4"].explanation
    assert "Downs Community Health NHS Trust" in findings["PC-8"].explanation
    for finding in findings.values():
        if finding.status == "fail":
            assert finding.remedy, finding.rule
    assert findings["PC-1"].decisions == ("AMB-18",)


# ----------------------------------------------------------------------------- rule logic


def test_before_the_due_date_findings_are_not_yet_due(program: Program) -> None:
    example = ROOT / "examples" / "provider-collaboratives" / "broadwater-corporate-services.yaml"
    report = _check(program, example, as_of="2022-06-30")
    assert set(_statuses(report).values()) == {"not_yet_due"}
    pc2 = next(f for f in report.findings if f.rule == "PC-2")
    assert pc2.would_pass is False
    assert report.compliant


@pytest.mark.parametrize("engine", ENGINES)
def test_pc8_follows_the_outcome_of_pc4(program: Program, engine: str) -> None:
    doc = _doc()
    met = evaluate(program, validate_declaration(doc), AS_OF, engine=engine)  # type: ignore[arg-type]
    assert _statuses(met)["PC-4"] == _statuses(met)["PC-8"] == "pass"
    doc["decision_making"] = dict(doc["decision_making"], documented=False)
    unmet = evaluate(program, validate_declaration(doc), AS_OF, engine=engine)  # type: ignore[arg-type]
    assert _statuses(unmet)["PC-4"] == _statuses(unmet)["PC-8"] == "fail"
    pc8 = next(f for f in unmet.findings if f.rule == "PC-8")
    assert "PC-4 met: no" in pc8.explanation


def test_a_trust_in_another_collaborative_counts_for_pc8(program: Program) -> None:
    doc = _doc(scope=["back_office"])
    fails = evaluate(program, validate_declaration(doc), AS_OF, engine="python")
    assert _statuses(fails)["PC-8"] == "fail"
    doc["system_trusts"] = [
        {"name": t["name"], "other_collaboratives": ["Regional Elective Collaborative"]}
        for t in doc["system_trusts"]
    ]
    passes = evaluate(program, validate_declaration(doc), AS_OF, engine="python")
    assert _statuses(passes)["PC-8"] == "pass"


def test_members_that_are_not_trusts_do_not_count(program: Program) -> None:
    doc = _doc()
    doc["members"] = [doc["members"][0], {"name": "Harbour GP Federation", "kind": "primary_care"}]
    doc["shared_purpose"]["agreed_by"] = [m["name"] for m in doc["members"]]
    report = evaluate(program, validate_declaration(doc), AS_OF, engine="python")
    assert _statuses(report)["PC-1"] == "fail"
    assert _statuses(report)["PC-3"] == "pass"


def test_missing_facts_fail_and_are_named(program: Program) -> None:
    doc = _doc()
    for key in ("shared_purpose", "decision_making", "aims", "scope", "system_trusts"):
        del doc[key]
    findings = {
        f.rule: f
        for f in evaluate(program, validate_declaration(doc), AS_OF, engine="python").findings
    }
    assert findings["PC-3"].explanation.startswith("Not declared: shared_purpose")
    assert findings["PC-4"].explanation.startswith("Not declared: decision_making")
    assert findings["PC-5"].explanation.startswith("Not declared: aims")
    assert "system_trusts" in findings["PC-8"].explanation.split(".")[0]
    assert all(findings[r].status == "fail" for r in ("PC-3", "PC-4", "PC-5", "PC-8"))


# ----------------------------------------------------------------------------- isolation


@pytest.mark.parametrize("example", PLACE_EXAMPLES, ids=[p.stem for p in PLACE_EXAMPLES])
def test_pc_rules_never_appear_on_a_place_declaration(bundled: Program, example: Path) -> None:
    report = _check(bundled, example)
    assert report.findings, "the place rules should run on a place declaration"
    assert not [f.rule for f in report.findings if f.rule.startswith("PC-")]
    assert all(r["name"] != "provider-collaboratives-2022" for r in report.rulesets)


@pytest.mark.parametrize("example", PC_EXAMPLES, ids=[p.stem for p in PC_EXAMPLES])
def test_place_rules_never_appear_on_a_collaborative(bundled: Program, example: Path) -> None:
    report = _check(bundled, example)
    assert {f.rule for f in report.findings} == set(MUST_RULES + SHOULD_RULES)
    assert {r["name"] for r in report.rulesets} == {"provider-collaboratives-2022"}


# ----------------------------------------------------------------------------- invalid input


def _issues(doc: object) -> dict[str, str]:
    with pytest.raises(DeclarationError) as error:
        validate_declaration(doc, "pc.yaml")
    return {issue.path: issue.message for issue in error.value.issues}


def test_unknown_member_kind_names_the_path_and_the_choices() -> None:
    doc = _doc()
    doc["members"][1] = dict(doc["members"][1], kind="nhs_trust")
    issues = _issues(doc)
    assert list(issues) == ["members[1].kind"]
    assert "'acute_trust'" in issues["members[1].kind"]
    assert "'nhs_trust'" in issues["members[1].kind"]


def test_unknown_fields_are_refused_with_a_suggestion() -> None:
    doc = _doc(place={"id": "x", "name": "X"})
    doc["collaborative"] = dict(doc["collaborative"], sytem="X ICS")
    issues = _issues(doc)
    assert "unknown field 'place'" in issues["place"]
    assert "did you mean 'system'" in issues["collaborative.sytem"]


def test_required_fields_and_lists_are_checked() -> None:
    doc = _doc(members=[], shared_purpose={"statement": "x"})
    del doc["places_covered"]
    issues = _issues(doc)
    assert issues["members"].startswith("expected at least 1 entry")
    assert issues["places_covered"] == "required field is missing"
    assert issues["shared_purpose.agreed_by"] == "required field is missing"


def test_dates_and_booleans_are_strict() -> None:
    doc = _doc()
    doc["members"][0] = dict(doc["members"][0], joined_on="01/04/2022")
    doc["decision_making"] = dict(doc["decision_making"], documented="yes")
    issues = _issues(doc)
    assert "YYYY-MM-DD" in issues["members[0].joined_on"]
    assert issues["decision_making.documented"] == "expected true or false, got 'yes'"


def test_repeated_members_and_places_are_refused() -> None:
    doc = _doc()
    doc["members"].append(
        dict(doc["members"][0], name="  northshire hospitals NHS foundation trust")
    )
    doc["places_covered"].append({"name": "COASTLANDS"})
    issues = _issues(doc)
    assert "listed more than once" in issues["members"]
    assert "'  northshire hospitals NHS foundation trust'" in issues["members"]
    assert "'COASTLANDS' is listed more than once" in issues["places_covered"]


def test_the_same_place_name_in_another_system_is_a_different_place() -> None:
    doc = _doc()
    doc["places_covered"].append({"name": "Coastlands", "system": "Weald and Shore ICS"})
    assert isinstance(validate_declaration(doc), ProviderCollaborativeDeclaration)


def test_an_unknown_version_of_the_format_is_refused() -> None:
    issues = _issues(_doc(format="govrules/provider-collaborative/v2"))
    assert FORMAT in issues["format"]
    assert "unknown declaration format" in issues["format"]


def test_errors_in_a_file_carry_line_numbers(tmp_path: Path) -> None:
    doc = _doc()
    doc["aims"][2] = dict(doc["aims"][2], kind="consolidate")
    path = tmp_path / "pc.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises(DeclarationError) as error:
        load_declaration(path)
    (issue,) = error.value.issues
    assert issue.path == "aims[2].kind"
    assert issue.line is not None and issue.line > 1


def test_dates_in_the_model_are_dates() -> None:
    declaration = ProviderCollaborativeDeclaration.model_validate(PC_EXAMPLE)
    assert declaration.members[0].joined_on == dt.date(2022, 4, 1)
    with pytest.raises(Exception):  # noqa: B017 - frozen models refuse assignment
        declaration.members[0].joined_on = None  # type: ignore[misc]
