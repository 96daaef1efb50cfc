"""The good-practice (``should``) tier: rules pass and fail on declarations built here.

Every case runs on the Python interpreter and, where durable_rules imports, on the durable
back-end too; both must give the same findings.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from govrules import Engine
from govrules import load_rulesets
from govrules.backends.durable_backend import available as durable_available
from govrules.report import Finding
from support import SPEC_EXAMPLE
from support import add_good_practice

AS_OF = "2023-09-30"
ICB = "NHS Northshire and Coast Integrated Care Board"
COUNTY = "Northshire County Council"
DISTRICT = "Northshire Vale District Council"

PROGRAM = load_rulesets()
ENGINES: dict[str, Engine] = {"python": Engine(PROGRAM, "python")}
if durable_available()[0]:
    ENGINES["durable"] = Engine(PROGRAM, "durable")


def exemplary() -> dict[str, Any]:
    """The spec example plus every good-practice fact, stated favourably."""
    doc = copy.deepcopy(SPEC_EXAMPLE)
    doc["partners"] = [
        {"name": "Northshire Hospitals NHS Foundation Trust", "kind": "nhs_trust"},
        {"name": "Northshire North PCN", "kind": "primary_care_network"},
        {"name": "Northshire Care Homes Association", "kind": "social_care_provider"},
        {"name": "Northshire Voluntary Action", "kind": "vcse"},
        {"name": "Northshire Homes", "kind": "housing"},
        {"name": "Northshire Public Health", "kind": "public_health"},
        {"name": "Healthwatch Northshire", "kind": "healthwatch"},
        {"name": COUNTY, "kind": "local_authority"},
    ]
    return add_good_practice(doc, "Coast Acute Provider Collaborative")


def findings(doc: dict[str, Any], as_of: str = AS_OF) -> dict[str, Finding]:
    """Good-practice findings by rule ID; every back-end must agree on all findings."""
    results = {name: e.evaluate(doc, as_of) for name, e in ENGINES.items()}
    reference = [f.to_json() for f in results["python"].findings]
    for name, report in results.items():
        assert [f.to_json() for f in report.findings] == reference, f"{name} disagrees"
    return {f.rule: f for f in results["python"].findings if f.severity == "should"}


def test_good_practice_rules_are_all_should() -> None:
    every = findings(copy.deepcopy(SPEC_EXAMPLE))
    for rule in ("POOL-3", "SAP-6", "FIN-8", "LG-1", "HWB-1", "DIG-15", "CHK-CC-0"):
        assert rule in every
        assert every[rule].severity == "should"


def test_exemplary_declaration_meets_every_good_practice_rule() -> None:
    every = findings(exemplary())
    not_passing = {
        rule: (f.status, f.explanation)
        for rule, f in every.items()
        if f.status not in ("pass", "not_applicable")
    }
    assert not_passing == {}
    assert every["GOV-10"].status == "not_applicable"
    assert every["LG-1"].status == "not_applicable"


def test_missing_extension_facts_fail_with_not_declared() -> None:
    every = findings(copy.deepcopy(SPEC_EXAMPLE))
    assert every["SAP-6"].status == "fail"
    assert every["SAP-6"].explanation.startswith("Not declared: good_practice")
    assert every["POOL-3"].status == "pass"  # v1 year labels order the years
    # v1 facts alone decide these
    assert every["DEC-2"].status == "pass"
    assert every["OUT-8"].status == "pass"


def test_should_failures_never_change_compliance() -> None:
    bare = findings(copy.deepcopy(SPEC_EXAMPLE))
    assert any(f.status == "fail" for f in bare.values())
    reports = [e.evaluate(copy.deepcopy(SPEC_EXAMPLE), AS_OF) for e in ENGINES.values()]
    musts_fail = [
        any(f.severity == "must" and f.status == "fail" for f in r.findings) for r in reports
    ]
    assert [r.compliant for r in reports] == [not m for m in musts_fail]


def test_not_yet_due_before_the_advisory_start() -> None:
    every = findings(exemplary(), as_of="2023-03-31")
    assert every["SAP-6"].status == "not_yet_due"


Mutation = Callable[[dict[str, Any]], None]


def _falling_share(doc: dict[str, Any]) -> None:
    doc["finance"]["years"][1]["pooled"] = 20000000  # 75m / 640m < 92m / 610m


def _later_year_listed_first(pooled: int) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc["finance"]["years"].insert(
            0,
            {
                "year": "2024/25",
                "starts_on": "2024-04-01",
                "place_spend": 650000000,
                "pooled": pooled,
                "aligned": 50000000,
            },
        )

    return mutate


def _single_year(doc: dict[str, Any]) -> None:
    del doc["finance"]["years"][1]


def _zero_spend(doc: dict[str, Any]) -> None:
    doc["finance"]["years"][0]["place_spend"] = 0


def _two_tier_district_missing(doc: dict[str, Any]) -> None:
    doc["local_authorities"].append({"name": DISTRICT, "tier": "lower"})


def _two_tier_district_engaged(doc: dict[str, Any]) -> None:
    doc["local_authorities"].append({"name": DISTRICT, "tier": "lower"})
    doc["partners"].append({"name": DISTRICT, "kind": "local_authority"})
    doc["good_practice"]["councils_in_icp"].append(DISTRICT.upper())


def _cross_boundary_unresolved(doc: dict[str, Any]) -> None:
    doc["place"]["crosses_system_boundary"] = True
    doc["good_practice"]["cross_boundary"] = {
        "other_icbs": ["NHS Inland ICB"],
        "arrangements_documented": True,
    }


def _cross_boundary_resolved(doc: dict[str, Any]) -> None:
    _cross_boundary_unresolved(doc)
    doc["accountable_persons"][0]["agreed_by"].append("NHS Inland ICB")


def _deficit(doc: dict[str, Any]) -> None:
    doc["good_practice"]["system_financial_position"]["net_position"] = -1500000


def _statutory_duty_moved(doc: dict[str, Any]) -> None:
    doc["good_practice"]["sap_accountability"]["statutory_accountabilities_unchanged"] = False


def _transformation_item_under_development(doc: dict[str, Any]) -> None:
    doc["good_practice"]["checklist"]["vision_aligned_with_system"] = "under_development"


def _commissioning_item_under_development(doc: dict[str, Any]) -> None:
    doc["good_practice"]["checklist"]["open_books"] = "under_development"


def _commissioning_item_absent(doc: dict[str, Any]) -> None:
    doc["good_practice"]["checklist"]["open_books"] = "absent"


def _risk_register_only(doc: dict[str, Any]) -> None:
    doc["risk_management"]["mechanism"] = "joint_risk_register"


def _unlinked_budget_line(doc: dict[str, Any]) -> None:
    line = copy.deepcopy(doc["finance"]["budget_lines"][0])
    line.update(name="Community equipment", kind="aligned", underpins_outcomes=["Unknown"])
    doc["finance"]["budget_lines"].append(line)


def _no_culture_measures(doc: dict[str, Any]) -> None:
    doc["good_practice"]["collaborative_culture"]["measures"] = []


def _hwb_not_used_with_reason(doc: dict[str, Any]) -> None:
    doc["governance"]["builds_on"] = ["local_care_partnership"]
    doc["good_practice"]["hwb_not_used_reason"] = "The board covers four places"


def _hwb_not_used_silently(doc: dict[str, Any]) -> None:
    doc["governance"]["builds_on"] = ["local_care_partnership"]


def _no_vcse_sharing(doc: dict[str, Any]) -> None:
    doc["good_practice"]["digital"]["information_sharing_sectors"].remove("vcse")


def _scheme_without_collaborative(doc: dict[str, Any]) -> None:
    doc["good_practice"]["scheme_of_delegation"]["agreed_by"] = [ICB, COUNTY]


@pytest.mark.parametrize(
    ("rule", "mutate", "status", "mentions"),
    [
        ("POOL-3", _falling_share, "fail", "2023/24"),
        ("POOL-3", _later_year_listed_first(90000000), "pass", "2024/25"),
        ("POOL-3", _later_year_listed_first(60000000), "fail", "earlier year in: 2024/25"),
        ("POOL-3", _single_year, "fail", "at least 2"),
        ("POOL-3", _zero_spend, "fail", "no place spend: 2022/23"),
        ("LG-1", _two_tier_district_missing, "fail", DISTRICT),
        ("LG-1", _two_tier_district_engaged, "pass", DISTRICT),
        ("GOV-10", _cross_boundary_unresolved, "fail", "NHS Inland ICB"),
        ("GOV-10", _cross_boundary_resolved, "pass", "NHS Inland ICB"),
        ("FIN-8", _deficit, "fail", "-1500000"),
        ("SAP-6", _statutory_duty_moved, "fail", "unchanged: no"),
        ("PLAN-2", _transformation_item_under_development, "fail", "under development"),
        ("CHK-COM-5", _commissioning_item_under_development, "pass", "under development"),
        ("CHK-COM-5", _commissioning_item_absent, "fail", "absent"),
        ("RISK-2", _risk_register_only, "fail", "joint risk register"),
        ("RISK-1", _risk_register_only, None, ""),
        ("OUT-11", _unlinked_budget_line, "fail", "Community equipment"),
        ("CHK-CC-0", _no_culture_measures, "fail", "0 culture measure"),
        ("HWB-1", _hwb_not_used_with_reason, "pass", "four places"),
        ("HWB-1", _hwb_not_used_silently, "fail", "local_care_partnership"),
        ("DIG-17", _no_vcse_sharing, "fail", "vcse"),
        ("DIG-15", _no_vcse_sharing, "pass", ""),
        ("GOV-8", _scheme_without_collaborative, "fail", "Coast Acute Provider Collaborative"),
    ],
)
def test_rule_passes_and_fails(
    rule: str, mutate: Mutation, status: str | None, mentions: str
) -> None:
    doc = exemplary()
    mutate(doc)
    every = findings(doc)
    if status is None:  # a must rule: the mutation must not be judged by this tier
        assert rule not in every
        return
    finding = every[rule]
    assert finding.status == status, finding.explanation
    assert mentions in finding.explanation
    if status == "fail":
        assert finding.remedy
