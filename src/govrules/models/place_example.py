"""The example declaration of ``govrules/place/v1``, as in ``docs/declaration-format.md`` §1."""

from __future__ import annotations

from typing import Any

SPEC_EXAMPLE: dict[str, Any] = {
    "format": "govrules/place/v1",
    "declared_on": "2023-06-30",
    "place": {
        "id": "northshire",
        "name": "Northshire",
        "population": 320000,
        "footprint": "health_and_wellbeing_board",
        "health_and_wellbeing_boards": 1,
        "crosses_system_boundary": False,
    },
    "system": {
        "name": "Northshire and Coast ICS",
        "icb": "NHS Northshire and Coast Integrated Care Board",
        "places": 3,
        "digital": {
            "shared_care_record": {
                "operating": True,
                "providers_total": 140,
                "providers_connected": 131,
            },
            "social_care_providers": {"total": 300, "with_digital_record": 246},
            "population_health_platform": {
                "live_on": "2024-11-01",
                "care_coordination": True,
            },
            "digital_investment_plan_on": "2022-05-30",
        },
    },
    "local_authorities": [{"name": "Northshire County Council", "tier": "upper"}],
    "partners": [{"name": "Northshire Hospitals NHS Foundation Trust", "kind": "nhs_trust"}],
    "governance": {
        "model": "place_board",
        "delegated_by_icb": {"functions": True, "budget": True},
        "builds_on": ["health_and_wellbeing_board"],
        "decision_making": {
            "documented": True,
            "contentious_issues_process": True,
            "scheme_of_delegation": True,
        },
        "relationships_documented": {"system": True, "councils": True},
    },
    "accountable_persons": [
        {
            "name": "Sam Patel",
            "role": "Place Director",
            "form": "dual_role",
            "agreed_by": [
                "NHS Northshire and Coast Integrated Care Board",
                "Northshire County Council",
            ],
            "in_post_from": "2023-03-01",
            "remit_covers_shared_outcomes": True,
        }
    ],
    "shared_plan": {
        "title": "Northshire Place Plan 2023-2028",
        "published_on": "2023-03-20",
        "agreed_by": [
            "NHS Northshire and Coast Integrated Care Board",
            "Northshire County Council",
        ],
    },
    "shared_outcomes": {
        "live_from": "2023-04-01",
        "outcomes": [
            {
                "name": "Fewer emergency admissions of people over 65",
                "priority": "national",
                "tackles_inequalities": False,
            },
            {
                "name": "Healthy life expectancy gap between wards narrows",
                "priority": "local",
                "tackles_inequalities": True,
            },
        ],
        "reports": [{"period_end": "2023-09-30", "submitted_on": "2023-10-20"}],
    },
    "finance": {
        "years": [
            {
                "year": "2022/23",
                "place_spend": 610000000,
                "pooled": 52000000,
                "aligned": 40000000,
            },
            {
                "year": "2023/24",
                "place_spend": 640000000,
                "pooled": 72000000,
                "aligned": 55000000,
            },
        ],
        "budget_lines": [
            {
                "name": "Better Care Fund",
                "kind": "pooled",
                "instrument": "section_75",
                "amount": 45000000,
                "contributions_agreed_by": [
                    "NHS Northshire and Coast Integrated Care Board",
                    "Northshire County Council",
                ],
                "underpins_outcomes": ["Fewer emergency admissions of people over 65"],
            }
        ],
        "expansion_plan": {"published_on": "2023-05-01", "target_year": 2026},
    },
    "risk_management": {
        "mechanism": "risk_share_agreement",
        "documented_in": "Section 75 agreement, schedule 4",
        "agreed_on": "2023-02-14",
    },
    "disagreement_resolution": {
        "mechanism": "escalation_protocol",
        "documented_in": "Place partnership terms of reference, section 9",
        "agreed_on": "2023-02-14",
    },
    "workforce": {"place_workforce_plan": True, "co_produced_with_social_care": True},
}
"""The example declaration of ``docs/declaration-format.md`` as JSON-shaped data (dates as text)."""
