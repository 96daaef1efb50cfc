"""The good-practice extension of ``govrules/place/v1``: facts the ``should`` tier reads.

Everything here is an optional extension (see docs/declaration-format.md, section 2). A document
written to format v1 alone (section 1) never uses it and stays valid; the ``should``-tier ruleset
reads these facts and reports "Not declared: …" when they are absent.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from pydantic import Field
from pydantic import StrictBool
from pydantic import StrictStr
from pydantic import ValidationInfo
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from .common import FINANCIAL_YEAR_PATTERN
from .common import STRICT_CONFIG as _CONFIG
from .common import Count
from .common import Name
from .common import NetMoney
from .common import Text
from .common import check_financial_year

ChecklistStatus = Literal["in_place", "under_development", "absent"]
"""Self-assessment state of a 2018 integration checklist item (AMB-17, option (a))."""

CultureMeasure = Literal[
    "facilitated_values_sessions",
    "organisational_development",
    "staff_shape_new_services",
    "shared_vision_with_public",
    "shadowing_mentoring_job_swaps",
    "informal_meetings",
    "change_leader_development",
    "shared_training",
    "protocols_risk_decisions_disagreements",
    "co_location_and_joint_posts",
]
"""A culture-building measure of the 2018 checklist (CHK-CC-1 .. CHK-CC-10)."""

FinancialPositionBasis = Literal["plan", "forecast", "outturn"]
"""Whether a financial position is the plan, an in-year forecast or the final outturn."""

InformationSharingSector = Literal[
    "primary_care",
    "community_health",
    "mental_health",
    "social_care",
    "acute",
    "vcse",
    "independent",
]
"""A sector the shared information system reaches."""

IntegrationRisk = Literal[
    "culture_and_power",
    "complexity_and_duplication",
    "resource_constraints",
    "measuring_integration",
    "integration_fatigue",
]
"""A recurring integration risk a place's plans may address (RISK-4)."""


class SapAccountability(BaseModel):
    """Extension: how the accountable person's role fits statutory accountabilities (SAP-6)."""

    model_config = _CONFIG

    mapping_documented: StrictBool = Field(
        description=(
            "Whether it is written down how the accountable person's role sits within the"
            " existing accountability arrangements of the councils and NHS bodies."
        )
    )
    statutory_accountabilities_unchanged: StrictBool = Field(
        description=(
            "Whether the councils' and NHS bodies' statutory accountabilities stay with them"
            " (no statutory duty is transferred to the accountable person)."
        )
    )


class SchemeOfDelegation(BaseModel):
    """Extension: who worked through the scheme of delegation (GOV-8)."""

    model_config = _CONFIG

    agreed_by: list[Name] = Field(
        description="Organisations that worked through and agreed the scheme of delegation."
    )


class CrossBoundary(BaseModel):
    """Extension: a place that straddles ICS boundaries (GOV-10)."""

    model_config = _CONFIG

    other_icbs: list[Name] = Field(
        description="The other integrated care boards whose area the place overlaps."
    )
    arrangements_documented: StrictBool = Field(
        description=(
            "Whether the cross-boundary arrangements (which ICB delegates what, where outcomes"
            " are reported) are written down."
        )
    )


class BoardMembership(BaseModel):
    """Extension: who sits on the place's decision-making body (LG-6, CHK-AG-3, ENG-3)."""

    model_config = _CONFIG

    elected_members: Count = Field(description="Elected councillors with a seat.")
    clinical_and_professional_members: Count = Field(
        description="Clinicians and other health and care professionals with a seat."
    )
    people_who_use_services_and_carers: Count = Field(
        description="Seats held by people who use services, carers or their representatives."
    )


class CollaborativeCulture(BaseModel):
    """Extension: the collaborative-culture group of the 2018 checklist (CHK-CC-0 .. CHK-CC-10)."""

    model_config = _CONFIG

    relationships_reviewed: StrictBool = Field(
        description=(
            "Whether the partners have reviewed their relationships (whether they help or hinder"
            " integration) and acted on the review."
        )
    )
    measures: list[CultureMeasure] = Field(
        description="Culture-building measures in use (CHK-CC-1 .. CHK-CC-10)."
    )


class SystemFinancialPosition(BaseModel):
    """Extension: the system's financial position for one year (FIN-8)."""

    model_config = _CONFIG

    year: StrictStr = Field(
        pattern=FINANCIAL_YEAR_PATTERN, description="Financial year such as '2023/24'."
    )
    net_position: NetMoney = Field(
        description=(
            "Combined surplus (positive) or deficit (negative) of the ICB and its partner"
            " trusts, in pounds."
        )
    )
    basis: FinancialPositionBasis = Field(
        description="Whether the figure is the plan, an in-year forecast or the final outturn."
    )

    @field_validator("year")
    @classmethod
    def _consecutive_years(cls, value: str) -> str:
        return check_financial_year(value)


class DigitalMaturity(BaseModel):
    """Extension: system digital facts beyond v1 (DIG-4, DIG-9, DIG-15, DIG-17)."""

    model_config = _CONFIG

    organisations_total: Count | None = Field(
        default=None,
        description="Organisations in the system assessed against What Good Looks Like.",
    )
    organisations_at_base_level: Count | None = Field(
        default=None,
        description="Of those, organisations at the What Good Looks Like base level.",
    )
    shared_care_record_covers_adult_and_childrens_services: StrictBool | None = Field(
        default=None,
        description="Whether the shared care record covers both adult and children's services.",
    )
    information_sharing_sectors: list[InformationSharingSector] | None = Field(
        default=None, description="Sectors the shared information system reaches."
    )

    @field_validator("organisations_at_base_level")
    @classmethod
    def _within_total(cls, value: int | None, info: ValidationInfo) -> int | None:
        total = info.data.get("organisations_total")
        if isinstance(value, int) and isinstance(total, int) and value > total:
            raise PydanticCustomError(
                "count_exceeds_total",
                "organisations_at_base_level ({value}) cannot exceed organisations_total ({total})",
                {"value": value, "total": total},
            )
        return value


class Checklist(BaseModel):
    """Extension: self-assessment against the 2018 integration checklist (003, section 5).

    Each item is ``in_place``, ``under_development`` or ``absent``; an item left out is not
    declared.
    """

    model_config = _CONFIG

    vision_aligned_with_system: ChecklistStatus | None = Field(
        default=None, description="PLAN-2 / CHK-TR-1: vision aligned across system and place."
    )
    shift_to_community_plan: ChecklistStatus | None = Field(
        default=None,
        description="PLAN-3 / CHK-TR-2: plans and measures to shift activity to the community.",
    )
    user_and_carer_involvement: ChecklistStatus | None = Field(
        default=None,
        description="ENG-1 / CHK-TR-4: arrangements involving people who use services and carers.",
    )
    frontline_staff_mechanisms: ChecklistStatus | None = Field(
        default=None,
        description="CHK-TR-5: mechanisms for front-line staff to shape integration.",
    )
    transformation_funding: ChecklistStatus | None = Field(
        default=None, description="FIN-12 / CHK-TR-6: dedicated transformation funding."
    )
    i_statement_outcomes: ChecklistStatus | None = Field(
        default=None,
        description="OUT-13 / CHK-PCC-1: outcomes built on co-designed 'I' statements.",
    )
    prevention_aligned_with_hwb_strategy: ChecklistStatus | None = Field(
        default=None,
        description="HWB-3 / CHK-PH-3: prevention plans aligned with integration plans.",
    )
    leadership_skills_and_support: ChecklistStatus | None = Field(
        default=None,
        description="CHK-LD-0: collaborative leadership skills identified, training in place.",
    )
    top_level_agreements_written: ChecklistStatus | None = Field(
        default=None,
        description="DEC-3 / CHK-LD-8: top-level agreements (e.g. funding) written and shared.",
    )
    accountability_to_local_people: ChecklistStatus | None = Field(
        default=None, description="CHK-AG-1: clear lines of accountability to local people."
    )
    governance_training_and_support: ChecklistStatus | None = Field(
        default=None,
        description="HWB-4 / CHK-AG-5: training and support for those in governance roles.",
    )
    colleges_and_universities: ChecklistStatus | None = Field(
        default=None, description="CHK-WF-2: collaboration with local colleges and universities."
    )
    flexible_working_agreements: ChecklistStatus | None = Field(
        default=None,
        description="CHK-WF-5: agreements with staff and unions on flexible working.",
    )
    new_roles_with_staff_and_unions: ChecklistStatus | None = Field(
        default=None, description="CHK-WF-6: new integrated roles identified with staff and unions."
    )
    shared_workforce_systems: ChecklistStatus | None = Field(
        default=None,
        description="CHK-WF-7: shared recruitment, induction, HR or training systems considered.",
    )
    integrated_commissioning: ChecklistStatus | None = Field(
        default=None,
        description="CHK-COM-0: integrated commissioning underpinned by financial sharing.",
    )
    system_financial_modelling: ChecklistStatus | None = Field(
        default=None, description="CHK-COM-3: system-wide financial modelling."
    )
    open_books: ChecklistStatus | None = Field(
        default=None, description="CHK-COM-5: an open-books policy between partners."
    )
    spend_shift_metrics: ChecklistStatus | None = Field(
        default=None,
        description="CHK-COM-7: metrics tracing spend from acute and long-term care to community.",
    )
    evaluation_and_learning: ChecklistStatus | None = Field(
        default=None,
        description="MET-7 / CHK-COM-10: new models evaluated and learning shared.",
    )
    professionals_see_and_amend_records: ChecklistStatus | None = Field(
        default=None,
        description="DIG-12 / CHK-IT-1: professionals see and amend records, refer electronically.",
    )
    partners_analyse_aggregate_data: ChecklistStatus | None = Field(
        default=None,
        description="DIG-13 / CHK-IT-2: partners analyse and aggregate data for commissioning.",
    )
    data_sharing_protocols: ChecklistStatus | None = Field(
        default=None, description="DIG-14 / CHK-IT-3: integrated data-sharing protocols."
    )
    citizen_record_access: ChecklistStatus | None = Field(
        default=None,
        description="DIG-16 / CHK-IT-5: people can see their records and manage their care.",
    )


class GoodPractice(BaseModel):
    """Extension: facts the ``should`` tier (good-practice-2022) needs and v1 cannot state."""

    model_config = _CONFIG

    hwb_not_used_reason: Text | None = Field(
        default=None,
        description="HWB-1: why the arrangement does not build on the health and wellbeing board.",
    )
    footprint_agreed_by: list[Name] | None = Field(
        default=None, description="FOOT-1: organisations that agreed the place's footprint."
    )
    councils_in_icp: list[Name] | None = Field(
        default=None,
        description="LG-1: councils of the place represented in the integrated care partnership.",
    )
    provider_collaboratives: list[Name] | None = Field(
        default=None,
        description="GOV-8: provider collaboratives working in the place (may be empty).",
    )
    sap_accountability: SapAccountability | None = Field(
        default=None, description="SAP-6: the accountable person and statutory accountabilities."
    )
    scheme_of_delegation: SchemeOfDelegation | None = Field(
        default=None, description="GOV-8: who worked through the scheme of delegation."
    )
    cross_boundary: CrossBoundary | None = Field(
        default=None, description="GOV-10: arrangements for a place straddling ICS boundaries."
    )
    board_membership: BoardMembership | None = Field(
        default=None, description="LG-6, CHK-AG-3, ENG-3: seats on the decision-making body."
    )
    integration_risks_addressed: list[IntegrationRisk] | None = Field(
        default=None,
        description="RISK-4: the recurring integration risks the place's plans address.",
    )
    collaborative_culture: CollaborativeCulture | None = Field(
        default=None, description="CHK-CC-0: reviewing relationships and building culture."
    )
    place_financial_framework: StrictBool | None = Field(
        default=None,
        description="FIN-2: delegation to place rests on a place-level financial framework.",
    )
    system_financial_position: SystemFinancialPosition | None = Field(
        default=None, description="FIN-8: the system's financial position."
    )
    digital: DigitalMaturity | None = Field(
        default=None, description="DIG-4, DIG-9, DIG-15, DIG-17: system digital facts."
    )
    checklist: Checklist | None = Field(
        default=None, description="Self-assessment against the 2018 integration checklist."
    )
