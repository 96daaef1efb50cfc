"""Helpers shared by the tests: the spec's example declaration and a tiny rule builder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SPEC_EXAMPLE = yaml.safe_load((ROOT / "tests" / "data" / "spec_example.yaml").read_text())

HEADER = 'ruleset "t" version "1"\nsource "004" "NHS Providers briefing"\n'


def rule(rule_id: str, require: str, *, extra: str = "", due: str = "2023-04-01") -> str:
    """A complete rule with placeholder prose around the parts a test cares about."""
    return (
        f"rule {rule_id} {{\n"
        f'    title "{rule_id} title" severity must due {due}\n'
        f"{extra}"
        f"    require {require}\n"
        f'    cite "004" section "Governance" "test citation"\n'
        f'    explain "{rule_id} failed"\n'
        f'    remedy "fix {rule_id}"\n'
        "}\n"
    )


#: The 24 items of the 2018 integration checklist (``good_practice.checklist``).
CHECKLIST_KEYS = (
    "vision_aligned_with_system",
    "shift_to_community_plan",
    "user_and_carer_involvement",
    "frontline_staff_mechanisms",
    "transformation_funding",
    "i_statement_outcomes",
    "prevention_aligned_with_hwb_strategy",
    "leadership_skills_and_support",
    "top_level_agreements_written",
    "accountability_to_local_people",
    "governance_training_and_support",
    "colleges_and_universities",
    "flexible_working_agreements",
    "new_roles_with_staff_and_unions",
    "shared_workforce_systems",
    "integrated_commissioning",
    "system_financial_modelling",
    "open_books",
    "spend_shift_metrics",
    "evaluation_and_learning",
    "professionals_see_and_amend_records",
    "partners_analyse_aggregate_data",
    "data_sharing_protocols",
    "citizen_record_access",
)


def add_good_practice(doc: dict[str, Any], provider_collaborative: str) -> dict[str, Any]:
    """State every good-practice fact of a place declaration favourably (in place)."""
    icb = doc["system"]["icb"]
    county = doc["local_authorities"][0]["name"]
    for outcome in doc["shared_outcomes"]["outcomes"]:
        if outcome["priority"] == "local":
            outcome["evidence_of_need"] = "Northshire JSNA 2022, section 4"
    doc["good_practice"] = {
        "footprint_agreed_by": [icb, county],
        "councils_in_icp": [county],
        "provider_collaboratives": [provider_collaborative],
        "sap_accountability": {
            "mapping_documented": True,
            "statutory_accountabilities_unchanged": True,
        },
        "scheme_of_delegation": {"agreed_by": [icb, county, provider_collaborative]},
        "board_membership": {
            "elected_members": 2,
            "clinical_and_professional_members": 3,
            "people_who_use_services_and_carers": 1,
        },
        "integration_risks_addressed": [
            "culture_and_power",
            "complexity_and_duplication",
            "resource_constraints",
            "measuring_integration",
            "integration_fatigue",
        ],
        "collaborative_culture": {
            "relationships_reviewed": True,
            "measures": ["facilitated_values_sessions", "shared_training"],
        },
        "place_financial_framework": True,
        "system_financial_position": {"year": "2023/24", "net_position": 0, "basis": "plan"},
        "digital": {
            "organisations_total": 12,
            "organisations_at_base_level": 12,
            "shared_care_record_covers_adult_and_childrens_services": True,
            "information_sharing_sectors": [
                "primary_care",
                "community_health",
                "mental_health",
                "social_care",
                "acute",
                "vcse",
                "independent",
            ],
        },
        "checklist": dict.fromkeys(CHECKLIST_KEYS, "in_place"),
    }
    return doc


@dataclass
class ParseWork:
    """How much of a declaration text was parsed: YAML events read, and JSON texts handed to
    ``json.loads`` (which recurses into every level)."""

    yaml_events: int = 0
    json_parses: int = 0


@contextmanager
def parse_work(monkeypatch: pytest.MonkeyPatch) -> Iterator[ParseWork]:
    """Count the parsing work done inside the block (a measure of work, not of time)."""
    from govrules.yamlsafe import DeclarationLoader

    work = ParseWork()
    next_event = DeclarationLoader._next_event
    loads = json.loads

    def counting_next_event(self: DeclarationLoader) -> Any:
        work.yaml_events += 1
        return next_event(self)

    def counting_loads(*args: Any, **kwargs: Any) -> Any:
        work.json_parses += 1
        return loads(*args, **kwargs)

    with monkeypatch.context() as m:
        m.setattr(DeclarationLoader, "_next_event", counting_next_event)
        m.setattr(json, "loads", counting_loads)
        yield work
