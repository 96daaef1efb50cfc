"""Pydantic v2 models of a place governance declaration, format ``govrules/place/v1``.

The models follow ``docs/declaration-format.md`` field for field. Every model forbids unknown
keys (a typo must not silently pass a rule), is frozen, and rejects NaN and infinity. Numbers
are strict: ``true`` is not a count and ``"3"`` is not a number. Dates are ISO ``YYYY-MM-DD``
text or :class:`datetime.date` objects, never timestamps or datetimes.

Fields the format marks *optional* default to ``None`` (absence is a fact rules can test), except
``place.crosses_system_boundary``, which the format gives a default of ``false``.

Money is pounds as a float: the format states it as a plain number, and rules only compare amounts
and compute shares, so the rounding of binary floats does not affect any outcome.
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StrictBool
from pydantic import StrictInt
from pydantic import StrictStr
from pydantic import ValidationInfo
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from .common import FINANCIAL_YEAR_PATTERN
from .common import MAX_PLACES
from .common import SLUG_PATTERN
from .common import STRICT_CONFIG as _CONFIG
from .common import Count
from .common import Date
from .common import Money
from .common import Name
from .common import Text
from .common import check_financial_year
from .good_practice import GoodPractice
from .place_example import SPEC_EXAMPLE

FORMAT = "govrules/place/v1"
"""The value of ``format`` that these models accept."""

Footprint = Literal["health_and_wellbeing_board", "local_authority", "other"]
"""The boundary a place follows."""

CouncilTier = Literal["upper", "lower", "unitary"]
"""The tier of a council."""

PartnerKind = Literal[
    "nhs_trust",
    "local_authority",
    "primary_care_network",
    "vcse",
    "social_care_provider",
    "healthwatch",
    "public_health",
    "housing",
    "other",
]
"""The kind of organisation a partner is."""

GovernanceModel = Literal[
    "place_board",
    "shared_executive",
    "single_trust_delegation",
    "committee_of_icb",
    "joint_committee",
    "alliance",
    "other",
]
"""The governance model of a place arrangement."""

AccountableForm = Literal["dual_role", "lead_of_place_arrangement", "other"]
"""The form of an accountable person's role."""

OutcomePriority = Literal["national", "local"]
"""Whether a shared outcome is a national or a local priority."""

BudgetKind = Literal["pooled", "aligned"]
"""Whether a budget line is pooled or aligned."""

BudgetInstrument = Literal["section_75", "better_care_fund", "other", "none"]
"""The legal instrument of a budget line."""

RiskMechanism = Literal["risk_share_agreement", "joint_risk_register", "other"]
"""How partners share and manage financial risk."""

DisagreementMechanism = Literal["escalation_protocol", "mediation", "other"]
"""How partners resolve disagreements."""


class Place(BaseModel):
    """The place the declaration is about."""

    model_config = _CONFIG

    id: StrictStr = Field(
        pattern=SLUG_PATTERN, description="Slug of the place, unique within its system."
    )
    name: Name = Field(description="Name of the place.")
    population: Count | None = Field(default=None, description="Resident population.")
    footprint: Footprint = Field(description="The boundary the place follows.")
    health_and_wellbeing_boards: Count | None = Field(
        default=None, description="Number of health and wellbeing boards the place covers."
    )
    crosses_system_boundary: StrictBool = Field(
        default=False, description="Whether the place crosses the boundary of its system."
    )


class SharedCareRecord(BaseModel):
    """The system's shared care record."""

    model_config = _CONFIG

    operating: StrictBool = Field(description="Whether the shared care record is operating.")
    providers_total: Count = Field(description="Health and care providers in the system.")
    providers_connected: Count = Field(description="Providers connected to the shared care record.")

    @field_validator("providers_connected")
    @classmethod
    def _connected_within_total(cls, value: int, info: ValidationInfo) -> int:
        total = info.data.get("providers_total")
        if isinstance(total, int) and value > total:
            raise PydanticCustomError(
                "count_exceeds_total",
                "providers_connected ({value}) cannot exceed providers_total ({total})",
                {"value": value, "total": total},
            )
        return value


class SocialCareProviders(BaseModel):
    """CQC-registered social care providers in the system."""

    model_config = _CONFIG

    total: Count = Field(description="Number of CQC-registered social care providers.")
    with_digital_record: Count = Field(
        description="Social care providers with a digital social care record."
    )

    @field_validator("with_digital_record")
    @classmethod
    def _with_record_within_total(cls, value: int, info: ValidationInfo) -> int:
        total = info.data.get("total")
        if isinstance(total, int) and value > total:
            raise PydanticCustomError(
                "count_exceeds_total",
                "with_digital_record ({value}) cannot exceed total ({total})",
                {"value": value, "total": total},
            )
        return value


class PopulationHealthPlatform(BaseModel):
    """The system's population health management platform."""

    model_config = _CONFIG

    live_on: Date = Field(description="Date the platform went (or goes) live.")
    care_coordination: StrictBool = Field(
        description="Whether the platform supports care coordination."
    )


class Digital(BaseModel):
    """System-level digital facts, checked for every place of the system."""

    model_config = _CONFIG

    shared_care_record: SharedCareRecord | None = Field(
        default=None, description="The shared care record."
    )
    social_care_providers: SocialCareProviders | None = Field(
        default=None, description="Digital records among social care providers."
    )
    population_health_platform: PopulationHealthPlatform | None = Field(
        default=None, description="The population health management platform."
    )
    digital_investment_plan_on: Date | None = Field(
        default=None, description="Date of the fully costed digital investment plan."
    )


class System(BaseModel):
    """The integrated care system the place belongs to."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the integrated care system.")
    icb: Name = Field(description="Name of the integrated care board.")
    places: StrictInt = Field(
        ge=1, le=MAX_PLACES, description="Number of places in the system (1 to 1,000)."
    )
    digital: Digital | None = Field(default=None, description="System-level digital facts.")


class LocalAuthority(BaseModel):
    """A council covering the place."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the council.")
    tier: CouncilTier = Field(description="Tier of the council.")


class Partner(BaseModel):
    """An organisation in the place partnership."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the organisation.")
    kind: PartnerKind = Field(description="Kind of organisation.")


class DelegatedByIcb(BaseModel):
    """What the ICB delegated to the place arrangement."""

    model_config = _CONFIG

    functions: StrictBool = Field(description="Whether functions were delegated.")
    budget: StrictBool = Field(description="Whether budget was delegated.")


class DecisionMaking(BaseModel):
    """How the place arrangement takes decisions."""

    model_config = _CONFIG

    documented: StrictBool = Field(
        description="Whether there is a clear, written decision-making structure."
    )
    contentious_issues_process: StrictBool = Field(
        description="Whether there is a process for contentious issues."
    )
    scheme_of_delegation: StrictBool = Field(description="Whether there is a scheme of delegation.")


class RelationshipsDocumented(BaseModel):
    """Whether the place's relationships are documented."""

    model_config = _CONFIG

    system: StrictBool = Field(description="The relationship between place and system.")
    councils: StrictBool = Field(description="The relationship between place and council(s).")


class Governance(BaseModel):
    """The governance arrangement of the place."""

    model_config = _CONFIG

    model: GovernanceModel = Field(description="Governance model of the place arrangement.")
    delegated_by_icb: DelegatedByIcb | None = Field(
        default=None, description="What the ICB delegated to the place arrangement."
    )
    builds_on: list[Text] | None = Field(
        default=None, description="Existing structures the arrangement uses."
    )
    decision_making: DecisionMaking | None = Field(
        default=None, description="How decisions are made."
    )
    relationships_documented: RelationshipsDocumented | None = Field(
        default=None, description="Which relationships are documented."
    )


class AccountablePerson(BaseModel):
    """A person named as accountable for shared outcomes."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the person.")
    role: Text = Field(description="Role or job title.")
    form: AccountableForm = Field(description="Form of the accountable role.")
    agreed_by: list[Name] = Field(description="Organisations that formally agreed the appointment.")
    in_post_from: Date | None = Field(default=None, description="Date the person took up post.")
    remit_covers_shared_outcomes: StrictBool | None = Field(
        default=None, description="Whether the remit covers the shared outcomes."
    )


class SharedPlan(BaseModel):
    """The shared plan of the place."""

    model_config = _CONFIG

    title: Text = Field(description="Title of the plan.")
    published_on: Date = Field(description="Date the plan was published.")
    agreed_by: list[Name] = Field(description="Organisations that agreed the plan.")


class Outcome(BaseModel):
    """One shared outcome."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the outcome.")
    priority: OutcomePriority = Field(
        description="Whether the outcome is a national or local priority."
    )
    tackles_inequalities: StrictBool = Field(
        description="Whether the outcome tackles inequalities."
    )
    evidence_of_need: Text | None = Field(
        default=None,
        description=(
            "Extension (optional): the evidence of local need behind the outcome, e.g. the"
            " joint strategic needs assessment section it rests on."
        ),
    )


class OutcomeReport(BaseModel):
    """One report against the shared outcomes."""

    model_config = _CONFIG

    period_end: Date = Field(description="Last day of the period reported on.")
    submitted_on: Date = Field(description="Date the report was submitted.")


class SharedOutcomes(BaseModel):
    """The shared outcomes of the place and reporting against them."""

    model_config = _CONFIG

    live_from: Date = Field(description="Date the shared outcomes took effect.")
    outcomes: list[Outcome] = Field(description="The shared outcomes.")
    reports: list[OutcomeReport] = Field(description="Reports against the outcomes.")


class FinanceYear(BaseModel):
    """Place spend in one financial year."""

    model_config = _CONFIG

    year: StrictStr = Field(
        pattern=FINANCIAL_YEAR_PATTERN,
        description="Financial year such as '2023/24' (starting 1 April of the first year).",
    )
    place_spend: Money = Field(description="Spend at place in pounds.")
    pooled: Money = Field(description="Pooled spend in pounds.")
    aligned: Money = Field(description="Aligned spend in pounds.")
    starts_on: Date | None = Field(
        default=None,
        description=(
            "Extension (optional): the date the financial year starts, 1 April of the first year"
            " of 'year'. It lets rules order the years (the rule language cannot order year"
            " labels); it must agree with 'year'."
        ),
    )

    @field_validator("year")
    @classmethod
    def _consecutive_years(cls, value: str) -> str:
        return check_financial_year(value)

    @field_validator("starts_on")
    @classmethod
    def _starts_on_matches_year(
        cls, value: datetime.date | None, info: ValidationInfo
    ) -> datetime.date | None:
        year = info.data.get("year")
        if value is None or not isinstance(year, str):
            return value
        expected = datetime.date(int(year[:4]), 4, 1)
        if value != expected:
            raise PydanticCustomError(
                "starts_on_mismatch",
                "starts_on ({value}) must be the first day of financial year {year}, {expected}",
                {"value": value.isoformat(), "year": year, "expected": expected.isoformat()},
            )
        return value


class BudgetLine(BaseModel):
    """One pooled or aligned budget line."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the budget line.")
    kind: BudgetKind = Field(description="Whether the budget is pooled or aligned.")
    instrument: BudgetInstrument = Field(description="Legal instrument of the budget.")
    amount: Money = Field(description="Amount in pounds.")
    contributions_agreed_by: list[Name] = Field(
        description="Organisations that agreed their contributions."
    )
    underpins_outcomes: list[Name] = Field(
        description="Names of the shared outcomes the budget underpins."
    )


class ExpansionPlan(BaseModel):
    """A plan to widen services and spend at place."""

    model_config = _CONFIG

    published_on: Date = Field(description="Date the plan was published.")
    target_year: StrictInt = Field(
        ge=2000, le=2100, description="Year by which the plan is to be delivered (2000 to 2100)."
    )


class Finance(BaseModel):
    """Money at place."""

    model_config = _CONFIG

    years: list[FinanceYear] = Field(description="Place spend by financial year.")
    budget_lines: list[BudgetLine] = Field(description="Pooled and aligned budget lines.")
    expansion_plan: ExpansionPlan | None = Field(
        default=None, description="Plan to widen services and spend at place."
    )


class RiskManagement(BaseModel):
    """How the partners share and manage financial risk."""

    model_config = _CONFIG

    mechanism: RiskMechanism = Field(description="Risk management mechanism.")
    documented_in: Text = Field(description="Document where the mechanism is written down.")
    agreed_on: Date = Field(description="Date the mechanism was agreed.")


class DisagreementResolution(BaseModel):
    """How the partners resolve disagreements."""

    model_config = _CONFIG

    mechanism: DisagreementMechanism = Field(description="Disagreement resolution mechanism.")
    documented_in: Text = Field(description="Document where the mechanism is written down.")
    agreed_on: Date = Field(description="Date the mechanism was agreed.")


class Workforce(BaseModel):
    """Workforce planning at place."""

    model_config = _CONFIG

    place_workforce_plan: StrictBool = Field(description="Whether a place workforce plan exists.")
    co_produced_with_social_care: StrictBool = Field(
        description="Whether the plan was co-produced with social care."
    )


class PlaceDeclaration(BaseModel):
    """What a place (with its integrated care board) states about its governance.

    Examples:
        >>> PlaceDeclaration.model_validate(SPEC_EXAMPLE).place.id
        'northshire'
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        json_schema_extra={"examples": [SPEC_EXAMPLE]},
    )

    format: Literal["govrules/place/v1"] = Field(
        description="Format identifier; lets the format evolve."
    )
    declared_on: Date | None = Field(default=None, description="The date the facts describe.")
    place: Place = Field(description="The place the declaration is about.")
    system: System = Field(description="The integrated care system the place belongs to.")
    local_authorities: list[LocalAuthority] = Field(
        min_length=1, description="Councils covering the place (at least one)."
    )
    partners: list[Partner] | None = Field(
        default=None, description="Organisations in the place partnership."
    )
    governance: Governance = Field(description="The governance arrangement of the place.")
    accountable_persons: list[AccountablePerson] = Field(
        description="The person(s) named as accountable for shared outcomes."
    )
    shared_plan: SharedPlan | None = Field(default=None, description="The shared plan.")
    shared_outcomes: SharedOutcomes | None = Field(
        default=None, description="Shared outcomes and reporting against them."
    )
    finance: Finance | None = Field(default=None, description="Money at place.")
    risk_management: RiskManagement | None = Field(
        default=None, description="How financial risk is managed."
    )
    disagreement_resolution: DisagreementResolution | None = Field(
        default=None, description="How disagreements are resolved."
    )
    workforce: Workforce | None = Field(default=None, description="Workforce planning at place.")
    good_practice: GoodPractice | None = Field(
        default=None,
        description=(
            "Extension (optional): facts for the good-practice (should) tier that the v1"
            " format cannot state; see docs/declaration-format.md."
        ),
    )
