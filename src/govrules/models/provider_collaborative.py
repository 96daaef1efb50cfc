"""Pydantic v2 models of the provider collaborative declaration format.

Format ``govrules/provider-collaborative/v1``.

A provider collaborative is a formal, "horizontal" partnership of NHS trusts working at scale
across several places (Nuffield Trust 2023, Box 2, summarising NHS England's *Working Together at
Scale*, 2021). Its declaration states who the members are and of what kind, which places it
covers, its shared purpose, how it takes decisions, and its aims; the ruleset
``rules/provider-collaboratives/`` checks it against PC-1 .. PC-8 (and the advisory PC-9, PC-11).
The field reference is ``docs/provider-collaboratives.md``.

The conventions are those of ``govrules/place/v1`` (:mod:`govrules.models`): every model forbids
unknown keys, is frozen and rejects NaN and infinity; numbers and booleans are strict; dates are
ISO ``YYYY-MM-DD`` text or :class:`datetime.date` objects; *optional* fields default to ``None``
(absence is a fact rules can test). Names of members and of places covered must be distinct
(ignoring case and surrounding or repeated spaces, as the rule language compares texts), so a
rule may count them.

The declaration has no ``place`` block: what it is about is the ``collaborative`` block, which,
like ``place``, has an ``id`` and a ``name``.
"""

from __future__ import annotations

from typing import Any
from typing import Literal

from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field
from pydantic import StrictBool
from pydantic import StrictStr
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from .common import SLUG_PATTERN
from .common import STRICT_CONFIG as _CONFIG
from .common import Date
from .common import Name
from .common import Text

__all__ = [
    "FORMAT",
    "MEMBER_KINDS",
    "NHS_TRUST_KINDS",
    "AIM_KINDS",
    "SCOPE_FUNCTIONS",
    "PC_EXAMPLE",
    "Aim",
    "Collaborative",
    "DecisionMaking",
    "Member",
    "PlaceCovered",
    "ProviderCollaborativeDeclaration",
    "Relationships",
    "SharedPurpose",
    "SystemTrust",
]

FORMAT = "govrules/provider-collaborative/v1"
"""The value of ``format`` that these models accept."""

MemberKind = Literal[
    "acute_trust",
    "mental_health_trust",
    "community_trust",
    "ambulance_trust",
    "specialist_trust",
    "primary_care",
    "independent_sector",
    "vcse",
    "local_authority",
    "other",
]
MEMBER_KINDS: tuple[str, ...] = MemberKind.__args__  # type: ignore[attr-defined]
"""Every kind of member organisation."""

NHS_TRUST_KINDS: tuple[str, ...] = (
    "acute_trust",
    "mental_health_trust",
    "community_trust",
    "ambulance_trust",
    "specialist_trust",
)
"""The member kinds that are NHS trusts (foundation trusts included); PC-1 counts these."""

AimKind = Literal[
    "reduce_variation_and_inequality",
    "improve_resilience",
    "specialise_and_consolidate",
    "other",
]
AIM_KINDS: tuple[str, ...] = AimKind.__args__  # type: ignore[attr-defined]
"""The three aims of Box 2 (PC-5, PC-6, PC-7), and ``other`` for any further aim."""

ScopeFunction = Literal[
    "clinical_services",
    "clinical_support_services",
    "mutual_aid",
    "workforce",
    "digital",
    "back_office",
    "procurement",
    "estates",
    "other",
]
SCOPE_FUNCTIONS: tuple[str, ...] = ScopeFunction.__args__  # type: ignore[attr-defined]
"""What a collaborative may work on together (PC-8 asks for more than back-office work)."""

Sector = Literal["acute", "mental_health", "community", "ambulance", "specialist", "mixed"]
"""The sector a collaborative mainly works in (descriptive; no rule reads it)."""


def _key(text: str) -> str:
    """A name as the rule language compares it: case-folded, spaces collapsed, ``&`` as
    ``and`` (so two spellings of one name are one name here too)."""
    return " ".join(text.replace("&", " and ").split()).casefold()


def _first_repeat(entries: list[tuple[str, ...]]) -> str | None:
    """The first entry (shown by its first part) equal to an earlier one, ignoring case/spaces."""
    seen: set[tuple[str, ...]] = set()
    for entry in entries:
        key = tuple(_key(part) for part in entry)
        if key in seen:
            return entry[0]
        seen.add(key)
    return None


class Collaborative(BaseModel):
    """The provider collaborative the declaration is about."""

    model_config = _CONFIG

    id: StrictStr = Field(
        pattern=SLUG_PATTERN, description="Slug of the collaborative, unique within its system."
    )
    name: Name = Field(description="Name of the provider collaborative.")
    system: Name = Field(description="The integrated care system that hosts the collaborative.")
    icb: Name = Field(description="Name of the host system's integrated care board.")
    established_on: Date | None = Field(
        default=None, description="Date the collaborative was formally established."
    )
    sector: Sector | None = Field(
        default=None, description="The sector the collaborative mainly works in."
    )


class Member(BaseModel):
    """A member organisation of the collaborative."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the organisation.")
    kind: MemberKind = Field(
        description="Kind of organisation; the *_trust kinds are NHS trusts (PC-1)."
    )
    foundation_trust: StrictBool | None = Field(
        default=None, description="Whether an NHS trust member is a foundation trust."
    )
    joined_on: Date | None = Field(
        default=None, description="Date the organisation joined the collaborative."
    )


class PlaceCovered(BaseModel):
    """A place the collaborative works across."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the place.")
    system: Name | None = Field(
        default=None,
        description="The system of the place, when it is not the host system (cross-system).",
    )


class SharedPurpose(BaseModel):
    """The purpose the members share."""

    model_config = _CONFIG

    statement: Text = Field(description="The shared purpose, in the members' words.")
    documented_in: Text | None = Field(
        default=None, description="Document where the purpose is written down."
    )
    agreed_on: Date | None = Field(default=None, description="Date the members agreed it.")
    agreed_by: list[Name] = Field(description="Members that formally agreed the purpose.")


class DecisionMaking(BaseModel):
    """How the members take decisions together."""

    model_config = _CONFIG

    arrangement: Text = Field(
        description="The arrangement, e.g. committees in common of the trust boards."
    )
    documented: StrictBool = Field(
        description="Whether the arrangement is written down (terms of reference, agreement)."
    )
    documented_in: Text | None = Field(
        default=None, description="Document where the arrangement is written down."
    )
    agreed_on: Date | None = Field(
        default=None, description="Date the members agreed the arrangement."
    )
    parties: list[Name] = Field(description="Members that take part in the joint decisions.")
    disagreement_process: StrictBool | None = Field(
        default=None, description="Whether there is an agreed way to settle disagreements."
    )


class Aim(BaseModel):
    """One aim of the collaborative."""

    model_config = _CONFIG

    kind: AimKind = Field(description="Which of the Box 2 aims this is, or other.")
    statement: Text = Field(description="The aim, in the collaborative's words.")


class SystemTrust(BaseModel):
    """An NHS trust of the host system, and the other formal collaboratives it is part of."""

    model_config = _CONFIG

    name: Name = Field(description="Name of the NHS trust.")
    other_collaboratives: list[Name] = Field(
        default_factory=list,
        description="Formal provider collaboratives, other than this one, the trust is in.",
    )


class Relationships(BaseModel):
    """How the collaborative relates to the places and the system around it."""

    model_config = _CONFIG

    with_places_documented: StrictBool = Field(
        description="Whether local leaders have set out how the collaborative and the "
        "place-based partnerships relate (PC-9)."
    )
    documented_in: Text | None = Field(
        default=None, description="Document where the relationship is written down."
    )
    in_scheme_of_delegation: StrictBool | None = Field(
        default=None,
        description="Whether the collaborative is a party to the ICB's scheme of delegation "
        "(PC-11).",
    )


PC_EXAMPLE: dict[str, Any] = {
    "format": FORMAT,
    "declared_on": "2023-06-30",
    "collaborative": {
        "id": "northshire-coast-acute",
        "name": "Northshire and Coast Acute Provider Collaborative",
        "system": "Northshire and Coast ICS",
        "icb": "NHS Northshire and Coast Integrated Care Board",
        "established_on": "2022-04-01",
        "sector": "acute",
    },
    "members": [
        {
            "name": "Northshire Hospitals NHS Foundation Trust",
            "kind": "acute_trust",
            "foundation_trust": True,
            "joined_on": "2022-04-01",
        },
        {
            "name": "Coast and Marram NHS Trust",
            "kind": "acute_trust",
            "foundation_trust": False,
            "joined_on": "2022-04-01",
        },
    ],
    "places_covered": [{"name": "Northshire"}, {"name": "Coastlands"}],
    "shared_purpose": {
        "statement": "Equal, timely access to planned and urgent hospital care for everyone "
        "across Northshire and Coastlands",
        "agreed_on": "2022-03-15",
        "agreed_by": ["Northshire Hospitals NHS Foundation Trust", "Coast and Marram NHS Trust"],
    },
    "decision_making": {
        "arrangement": "Committees in common of the two trust boards",
        "documented": True,
        "documented_in": "Collaboration agreement, part 3",
        "agreed_on": "2022-03-15",
        "parties": ["Northshire Hospitals NHS Foundation Trust", "Coast and Marram NHS Trust"],
        "disagreement_process": True,
    },
    "aims": [
        {
            "kind": "reduce_variation_and_inequality",
            "statement": "Close the gap in elective waiting times between the two places",
        },
        {"kind": "improve_resilience", "statement": "Mutual aid for critical care in surges"},
        {
            "kind": "specialise_and_consolidate",
            "statement": "One hyper-acute stroke unit for both places",
        },
    ],
    "scope": ["clinical_services", "mutual_aid", "procurement"],
    "system_trusts": [
        {"name": "Northshire Hospitals NHS Foundation Trust"},
        {"name": "Coast and Marram NHS Trust"},
    ],
}
"""A small, complete declaration in this format, as JSON-shaped data (dates as text)."""


class ProviderCollaborativeDeclaration(BaseModel):
    """What a provider collaborative states about its membership, purpose and governance.

    Examples:
        >>> ProviderCollaborativeDeclaration.model_validate(PC_EXAMPLE).collaborative.id
        'northshire-coast-acute'
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        json_schema_extra={"examples": [PC_EXAMPLE]},
    )

    format: Literal["govrules/provider-collaborative/v1"] = Field(
        description="Format identifier; lets the format evolve."
    )
    declared_on: Date | None = Field(default=None, description="The date the facts describe.")
    collaborative: Collaborative = Field(description="The provider collaborative.")
    members: list[Member] = Field(
        min_length=1, description="Member organisations (at least one; PC-1 asks for two trusts)."
    )
    places_covered: list[PlaceCovered] = Field(
        min_length=1, description="Places the collaborative works across (PC-2 asks for two)."
    )
    shared_purpose: SharedPurpose | None = Field(
        default=None, description="The purpose the members share (PC-3)."
    )
    decision_making: DecisionMaking | None = Field(
        default=None, description="How the members take decisions together (PC-4)."
    )
    aims: list[Aim] | None = Field(
        default=None, description="The collaborative's aims (PC-5, PC-6, PC-7)."
    )
    scope: list[ScopeFunction] | None = Field(
        default=None, description="What the members work on together (PC-8)."
    )
    system_trusts: list[SystemTrust] | None = Field(
        default=None,
        description="Every NHS trust of the host system, with its other collaboratives (PC-8).",
    )
    relationships: Relationships | None = Field(
        default=None, description="How the collaborative relates to places and the ICB."
    )

    @field_validator("members")
    @classmethod
    def _distinct_members(cls, value: list[Member]) -> list[Member]:
        repeat = _first_repeat([(m.name,) for m in value])
        if repeat is not None:
            raise PydanticCustomError(
                "duplicate_name",
                "member '{name}' is listed more than once (names must be distinct)",
                {"name": repeat},
            )
        return value

    @field_validator("places_covered")
    @classmethod
    def _distinct_places(cls, value: list[PlaceCovered]) -> list[PlaceCovered]:
        repeat = _first_repeat([(p.name, p.system or "") for p in value])
        if repeat is not None:
            raise PydanticCustomError(
                "duplicate_name",
                "place '{name}' is listed more than once (places must be distinct)",
                {"name": repeat},
            )
        return value

    @field_validator("system_trusts")
    @classmethod
    def _distinct_trusts(cls, value: list[SystemTrust] | None) -> list[SystemTrust] | None:
        repeat = _first_repeat([(t.name,) for t in value or []])
        if repeat is not None:
            raise PydanticCustomError(
                "duplicate_name",
                "trust '{name}' is listed more than once (names must be distinct)",
                {"name": repeat},
            )
        return value
