"""Pydantic v2 models of a place governance declaration, format ``govrules/place/v1``.

The models follow ``spec/declaration.md`` field for field. Every model forbids unknown keys (a
typo must not silently pass a rule), is frozen, and rejects NaN and infinity. Numbers are strict:
``true`` is not a count and ``"3"`` is not a number. Dates are ISO ``YYYY-MM-DD`` text or
:class:`datetime.date` objects, never timestamps or datetimes.

Fields the spec marks *optional* default to ``None`` (absence is a fact rules can test), except
``place.crosses_system_boundary``, which the spec gives a default of ``false``.

Money is pounds as a float: the spec states it as a plain number, and rules only compare amounts
and compute shares, so the rounding of binary floats does not affect any outcome.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated
from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import BeforeValidator
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StrictBool
from pydantic import StrictInt
from pydantic import StrictStr
from pydantic import ValidationInfo
from pydantic import field_validator
from pydantic_core import PydanticCustomError

__all__ = [
    "FORMAT",
    "SLUG_PATTERN",
    "FINANCIAL_YEAR_PATTERN",
    "SPEC_EXAMPLE",
    "describe_value",
    "AccountablePerson",
    "BoardMembership",
    "BudgetLine",
    "Checklist",
    "ChecklistStatus",
    "CollaborativeCulture",
    "CrossBoundary",
    "DecisionMaking",
    "DelegatedByIcb",
    "Digital",
    "DigitalMaturity",
    "DisagreementResolution",
    "ExpansionPlan",
    "Finance",
    "FinanceYear",
    "GoodPractice",
    "Governance",
    "LocalAuthority",
    "Outcome",
    "OutcomeReport",
    "Partner",
    "Place",
    "PlaceDeclaration",
    "PopulationHealthPlatform",
    "RelationshipsDocumented",
    "RiskManagement",
    "SapAccountability",
    "SchemeOfDelegation",
    "SharedCareRecord",
    "SharedOutcomes",
    "SharedPlan",
    "SocialCareProviders",
    "System",
    "SystemFinancialPosition",
    "Workforce",
]

FORMAT = "govrules/place/v1"
"""The value of ``format`` that these models accept."""

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
"""A place id: lowercase letters, digits and hyphens, not starting with a hyphen."""

FINANCIAL_YEAR_PATTERN = (
    r"^(?:19|20|21)(?:" + "|".join(f"{n:02d}/{(n + 1) % 100:02d}" for n in range(100)) + r")$"
)
"""A financial year from ``1900/01`` to ``2199/00``, such as ``2023/24`` (it starts on 1 April of
the first year): the second part is the year after the first. Written out as one pattern, so
the JSON Schema of the format says exactly what is accepted."""

NON_BLANK_PATTERN = r"\S"
"""Text that has at least one character other than whitespace."""

_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def describe_value(value: object) -> str:
    """A short rendering of a received value for an error message, in YAML/JSON spelling.

    Examples:
        >>> describe_value(True), describe_value(None), describe_value("county")
        ('true', 'null', "'county'")
        >>> describe_value({"a": 1}), describe_value([1])
        ('a mapping', 'a list')
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping" if value else "an empty mapping"
    if isinstance(value, list | tuple):
        return "a list" if value else "an empty list"
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, datetime.date):
        return repr(value.isoformat())
    if isinstance(value, int) and value.bit_length() > 64:
        return "a very large number"
    if isinstance(value, int | float | str):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return f"a value of type {type(value).__name__}"


def _coerce_date(value: object) -> object:
    """Accept a ``date`` or ``YYYY-MM-DD`` text; refuse datetimes, numbers and other shapes.

    Pydantic's own lax date parsing would take Unix timestamps and midnight datetimes; a
    declaration states calendar dates only.

    Examples:
        >>> _coerce_date("2023-04-01")
        datetime.date(2023, 4, 1)
    """
    if isinstance(value, datetime.datetime):
        raise PydanticCustomError(
            "date_type",
            "expected a date as YYYY-MM-DD without a time, got {received}",
            {"received": describe_value(value)},
        )
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        if not _DATE_TEXT.fullmatch(value):
            raise PydanticCustomError(
                "date_format",
                "expected a date as YYYY-MM-DD, got {received}",
                {"received": describe_value(value)},
            )
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_invalid",
                "expected a real calendar date as YYYY-MM-DD, got {received}",
                {"received": describe_value(value)},
            ) from None
    raise PydanticCustomError(
        "date_type",
        "expected a date as YYYY-MM-DD, got {received}",
        {"received": describe_value(value)},
    )


def _check_financial_year(value: str) -> str:
    """Check that the second half of ``YYYY/YY`` is the year after the first (mod 100)."""
    first, second = value.split("/")
    if (int(first) + 1) % 100 != int(second):
        raise PydanticCustomError(
            "financial_year_invalid",
            "expected a financial year such as '2023/24' whose second part is the next year,"
            " got {received}",
            {"received": describe_value(value)},
        )
    return value


Date = Annotated[datetime.date, BeforeValidator(_coerce_date)]
"""A calendar date given as ``YYYY-MM-DD`` text (or a ``date`` object)."""

MAX_COUNT = 1_000_000_000
"""The largest count a declaration may state (a billion: far above any real count)."""

MAX_MONEY = 10_000_000_000_000
"""The largest amount of money a declaration may state: ten trillion pounds."""

MAX_PLACES = 1_000
"""The most places a system may have."""

Count = Annotated[StrictInt, Field(ge=0, le=MAX_COUNT)]
"""A whole number of things, from zero to :data:`MAX_COUNT`."""

Money = Annotated[float, Field(ge=0, le=MAX_MONEY, strict=True)]
"""Pounds as a finite number from 0 to :data:`MAX_MONEY` (an int or a float; never a bool or
text)."""

Name = Annotated[StrictStr, Field(min_length=1, pattern=NON_BLANK_PATTERN)]
"""Required, non-blank text such as an organisation or person name."""

Text = Annotated[StrictStr, Field(min_length=1, pattern=NON_BLANK_PATTERN)]
"""Free text that must not be blank."""


class Place(BaseModel):
    """The place the declaration is about."""

    model_config = _CONFIG

    id: StrictStr = Field(
        pattern=SLUG_PATTERN, description="Slug of the place, unique within its system."
    )
    name: Name = Field(description="Name of the place.")
    population: Count | None = Field(default=None, description="Resident population.")
    footprint: Literal["health_and_wellbeing_board", "local_authority", "other"] = Field(
        description="The boundary the place follows."
    )
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
    tier: Literal["upper", "lower", "unitary"] = Field(description="Tier of the council.")


class Partner(BaseModel):
    """An organisation in the place partnership."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the organisation.")
    kind: Literal[
        "nhs_trust",
        "local_authority",
        "primary_care_network",
        "vcse",
        "social_care_provider",
        "healthwatch",
        "public_health",
        "housing",
        "other",
    ] = Field(description="Kind of organisation.")


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

    model: Literal[
        "place_board",
        "shared_executive",
        "single_trust_delegation",
        "committee_of_icb",
        "joint_committee",
        "alliance",
        "other",
    ] = Field(description="Governance model of the place arrangement.")
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
    form: Literal["dual_role", "lead_of_place_arrangement", "other"] = Field(
        description="Form of the accountable role."
    )
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
    priority: Literal["national", "local"] = Field(
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
        return _check_financial_year(value)

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
    kind: Literal["pooled", "aligned"] = Field(
        description="Whether the budget is pooled or aligned."
    )
    instrument: Literal["section_75", "better_care_fund", "other", "none"] = Field(
        description="Legal instrument of the budget."
    )
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

    mechanism: Literal["risk_share_agreement", "joint_risk_register", "other"] = Field(
        description="Risk management mechanism."
    )
    documented_in: Text = Field(description="Document where the mechanism is written down.")
    agreed_on: Date = Field(description="Date the mechanism was agreed.")


class DisagreementResolution(BaseModel):
    """How the partners resolve disagreements."""

    model_config = _CONFIG

    mechanism: Literal["escalation_protocol", "mediation", "other"] = Field(
        description="Disagreement resolution mechanism."
    )
    documented_in: Text = Field(description="Document where the mechanism is written down.")
    agreed_on: Date = Field(description="Date the mechanism was agreed.")


class Workforce(BaseModel):
    """Workforce planning at place."""

    model_config = _CONFIG

    place_workforce_plan: StrictBool = Field(description="Whether a place workforce plan exists.")
    co_produced_with_social_care: StrictBool = Field(
        description="Whether the plan was co-produced with social care."
    )


# ------------------------------------------------------------------ extensions (good practice)
# Everything below is an optional extension of ``govrules/place/v1`` (see
# docs/declaration-format.md). A document written exactly to spec/declaration.md never uses it
# and stays valid; the ``should``-tier ruleset reads these facts and reports "Not declared: …"
# when they are absent.

ChecklistStatus = Literal["in_place", "under_development", "absent"]
"""Self-assessment state of a 2018 integration checklist item (AMB-17, option (a))."""

NetMoney = Annotated[float, Field(ge=-MAX_MONEY, le=MAX_MONEY, strict=True)]
"""Pounds as a finite number that may be negative (a deficit); never a bool or text."""


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
    measures: list[
        Literal[
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
    ] = Field(description="Culture-building measures in use (CHK-CC-1 .. CHK-CC-10).")


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
    basis: Literal["plan", "forecast", "outturn"] = Field(
        description="Whether the figure is the plan, an in-year forecast or the final outturn."
    )

    @field_validator("year")
    @classmethod
    def _consecutive_years(cls, value: str) -> str:
        return _check_financial_year(value)


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
    information_sharing_sectors: (
        list[
            Literal[
                "primary_care",
                "community_health",
                "mental_health",
                "social_care",
                "acute",
                "vcse",
                "independent",
            ]
        ]
        | None
    ) = Field(default=None, description="Sectors the shared information system reaches.")

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
    integration_risks_addressed: (
        list[
            Literal[
                "culture_and_power",
                "complexity_and_duplication",
                "resource_constraints",
                "measuring_integration",
                "integration_fatigue",
            ]
        ]
        | None
    ) = Field(
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
"""The example declaration of ``spec/declaration.md`` as JSON-shaped data (dates as text)."""


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
