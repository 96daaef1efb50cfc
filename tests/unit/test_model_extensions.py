"""The optional extensions of ``govrules/place/v1`` (docs/declaration-format.md).

A document written exactly to the base format stays valid; the new fields are optional, strictly
typed, and unknown keys are still rejected everywhere.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from govrules.models import SPEC_EXAMPLE as MODEL_SPEC_EXAMPLE
from govrules.models import PlaceDeclaration
from support import SPEC_EXAMPLE

GOOD_PRACTICE: dict[str, Any] = {
    "hwb_not_used_reason": "The place spans two boards; both are represented on it",
    "footprint_agreed_by": ["NHS Northshire and Coast Integrated Care Board"],
    "councils_in_icp": ["Northshire County Council"],
    "provider_collaboratives": [],
    "sap_accountability": {
        "mapping_documented": True,
        "statutory_accountabilities_unchanged": True,
    },
    "scheme_of_delegation": {"agreed_by": ["Northshire County Council"]},
    "cross_boundary": {"other_icbs": ["NHS Inland ICB"], "arrangements_documented": False},
    "board_membership": {
        "elected_members": 2,
        "clinical_and_professional_members": 3,
        "people_who_use_services_and_carers": 0,
    },
    "integration_risks_addressed": ["culture_and_power", "integration_fatigue"],
    "collaborative_culture": {"relationships_reviewed": True, "measures": ["shared_training"]},
    "place_financial_framework": False,
    "system_financial_position": {
        "year": "2023/24",
        "net_position": -4500000.5,
        "basis": "forecast",
    },
    "digital": {
        "organisations_total": 12,
        "organisations_at_base_level": 9,
        "shared_care_record_covers_adult_and_childrens_services": True,
        "information_sharing_sectors": ["primary_care", "acute", "vcse"],
    },
    "checklist": {
        "vision_aligned_with_system": "in_place",
        "open_books": "under_development",
        "citizen_record_access": "absent",
    },
}


def _doc(**good_practice: Any) -> dict[str, Any]:
    doc = copy.deepcopy(SPEC_EXAMPLE)
    doc["good_practice"] = {**copy.deepcopy(GOOD_PRACTICE), **good_practice}
    return doc


def _errors(doc: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ValidationError) as info:
        PlaceDeclaration.model_validate(doc)
    return [(".".join(str(p) for p in e["loc"]), e["type"]) for e in info.value.errors()]


def test_spec_example_still_validates_without_extensions() -> None:
    for example in (SPEC_EXAMPLE, MODEL_SPEC_EXAMPLE):
        decl = PlaceDeclaration.model_validate(example)
        assert decl.good_practice is None
        assert decl.finance is not None and decl.finance.years[0].starts_on is None
        assert decl.shared_outcomes is not None
        assert decl.shared_outcomes.outcomes[0].evidence_of_need is None


def test_full_extension_validates() -> None:
    doc = _doc()
    doc["finance"]["years"][0]["starts_on"] = "2022-04-01"
    doc["shared_outcomes"]["outcomes"][1]["evidence_of_need"] = "JSNA 2022, chapter 3"
    decl = PlaceDeclaration.model_validate(doc)
    gp = decl.good_practice
    assert gp is not None and gp.checklist is not None and gp.digital is not None
    assert gp.checklist.open_books == "under_development"
    assert gp.checklist.transformation_funding is None
    assert gp.system_financial_position is not None
    assert gp.system_financial_position.net_position == -4500000.5
    assert str(decl.finance.years[0].starts_on) == "2022-04-01"  # type: ignore[union-attr]


def test_empty_good_practice_block_is_valid() -> None:
    doc = copy.deepcopy(SPEC_EXAMPLE)
    doc["good_practice"] = {}
    assert PlaceDeclaration.model_validate(doc).good_practice is not None


@pytest.mark.parametrize(
    ("key", "value", "where"),
    [
        ("checklist", {"open_books": "yes"}, "good_practice.checklist.open_books"),
        ("checklist", {"open_books": True}, "good_practice.checklist.open_books"),
        (
            "sap_accountability",
            {"mapping_documented": "true", "statutory_accountabilities_unchanged": True},
            "good_practice.sap_accountability.mapping_documented",
        ),
        (
            "board_membership",
            {
                "elected_members": True,
                "clinical_and_professional_members": 1,
                "people_who_use_services_and_carers": 1,
            },
            "good_practice.board_membership.elected_members",
        ),
        (
            "board_membership",
            {
                "elected_members": -1,
                "clinical_and_professional_members": 1,
                "people_who_use_services_and_carers": 1,
            },
            "good_practice.board_membership.elected_members",
        ),
        (
            "system_financial_position",
            {"year": "2023/24", "net_position": "-1", "basis": "plan"},
            "good_practice.system_financial_position.net_position",
        ),
        (
            "system_financial_position",
            {"year": "2023/25", "net_position": 0, "basis": "plan"},
            "good_practice.system_financial_position.year",
        ),
        (
            "system_financial_position",
            {"year": "2023/24", "net_position": 0, "basis": "budget"},
            "good_practice.system_financial_position.basis",
        ),
        (
            "integration_risks_addressed",
            ["culture"],
            "good_practice.integration_risks_addressed.0",
        ),
        ("footprint_agreed_by", [""], "good_practice.footprint_agreed_by.0"),
        ("place_financial_framework", 1, "good_practice.place_financial_framework"),
        (
            "digital",
            {"organisations_total": 3, "organisations_at_base_level": 4},
            "good_practice.digital.organisations_at_base_level",
        ),
    ],
)
def test_extension_fields_are_strict(key: str, value: Any, where: str) -> None:
    locations = [loc for loc, _ in _errors(_doc(**{key: value}))]
    assert where in locations


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ((), "good_practise"),
        (("good_practice",), "checklist_items"),
        (("good_practice", "checklist"), "open_book"),
        (("good_practice", "sap_accountability"), "documented"),
        (("good_practice", "digital"), "wgll"),
    ],
)
def test_unknown_keys_are_still_rejected(path: tuple[str, ...], key: str) -> None:
    doc = _doc()
    target = doc
    for step in path:
        target = target[step]
    target[key] = True
    errors = _errors(doc)
    assert (".".join((*path, key)), "extra_forbidden") in errors


def test_starts_on_must_be_the_first_day_of_the_year() -> None:
    doc = copy.deepcopy(SPEC_EXAMPLE)
    doc["finance"]["years"][1]["starts_on"] = "2023-03-31"
    errors = _errors(doc)
    assert ("finance.years.1.starts_on", "starts_on_mismatch") in errors
    doc["finance"]["years"][1]["starts_on"] = "2023-04-01T00:00:00"
    assert ("finance.years.1.starts_on", "date_format") in _errors(doc)


def test_evidence_of_need_must_not_be_blank() -> None:
    doc = copy.deepcopy(SPEC_EXAMPLE)
    doc["shared_outcomes"]["outcomes"][0]["evidence_of_need"] = "   "
    errors = _errors(doc)
    assert any(loc == "shared_outcomes.outcomes.0.evidence_of_need" for loc, _ in errors)


def test_json_schema_documents_every_extension_field() -> None:
    schema = PlaceDeclaration.model_json_schema()
    defs = schema["$defs"]
    for name in ("GoodPractice", "Checklist", "SapAccountability", "SystemFinancialPosition"):
        for field, spec in defs[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"
