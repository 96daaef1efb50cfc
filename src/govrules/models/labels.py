"""Human-readable labels for the enumerated values of every declaration format.

A declaration writes ``joint_committee``; a reader should see "joint committee". Explanations,
reports and the handbook take the label from here instead of printing the machine value.

    >>> label("GovernanceModel", "joint_committee")
    'joint committee'
    >>> from govrules.models.place import GovernanceModel
    >>> label(GovernanceModel, "committee_of_icb")
    'committee of the ICB'
    >>> from govrules.models.place import Governance
    >>> enum_of(Governance, "model")
    'GovernanceModel'
"""

from __future__ import annotations

import functools
import typing
from typing import Any

from pydantic import BaseModel

from . import good_practice
from . import place
from . import provider_collaborative

__all__ = ["ENUMS", "LABELS", "enum_of", "label"]

#: Enum name → the ``Literal`` type of the models that spells its values.
ENUMS: dict[str, Any] = {
    "AccountableForm": place.AccountableForm,
    "BudgetInstrument": place.BudgetInstrument,
    "BudgetKind": place.BudgetKind,
    "CouncilTier": place.CouncilTier,
    "DisagreementMechanism": place.DisagreementMechanism,
    "Footprint": place.Footprint,
    "GovernanceModel": place.GovernanceModel,
    "OutcomePriority": place.OutcomePriority,
    "PartnerKind": place.PartnerKind,
    "RiskMechanism": place.RiskMechanism,
    "ChecklistStatus": good_practice.ChecklistStatus,
    "CultureMeasure": good_practice.CultureMeasure,
    "FinancialPositionBasis": good_practice.FinancialPositionBasis,
    "InformationSharingSector": good_practice.InformationSharingSector,
    "IntegrationRisk": good_practice.IntegrationRisk,
    "AimKind": provider_collaborative.AimKind,
    "MemberKind": provider_collaborative.MemberKind,
    "ScopeFunction": provider_collaborative.ScopeFunction,
    "Sector": provider_collaborative.Sector,
}

#: Enum name → value → the words a reader sees. Every value of every enum has a label.
LABELS: dict[str, dict[str, str]] = {
    "AccountableForm": {
        "dual_role": "a dual role",
        "lead_of_place_arrangement": "lead of the place arrangement",
        "other": "another form",
    },
    "BudgetInstrument": {
        "section_75": "a section 75 agreement",
        "better_care_fund": "the Better Care Fund",
        "other": "another instrument",
        "none": "no legal instrument",
    },
    "BudgetKind": {"pooled": "pooled", "aligned": "aligned"},
    "CouncilTier": {"upper": "upper tier", "lower": "lower tier", "unitary": "unitary"},
    "DisagreementMechanism": {
        "escalation_protocol": "an escalation protocol",
        "mediation": "mediation",
        "other": "another mechanism",
    },
    "Footprint": {
        "health_and_wellbeing_board": "a health and wellbeing board",
        "local_authority": "a local authority",
        "other": "another boundary",
    },
    "GovernanceModel": {
        "place_board": "place board",
        "shared_executive": "shared executive",
        "single_trust_delegation": "delegation to a single trust",
        "committee_of_icb": "committee of the ICB",
        "joint_committee": "joint committee",
        "alliance": "alliance",
        "other": "another model",
    },
    "OutcomePriority": {"national": "national priority", "local": "local priority"},
    "PartnerKind": {
        "nhs_trust": "NHS trust",
        "local_authority": "local authority",
        "primary_care_network": "primary care network",
        "vcse": "voluntary, community or social enterprise organisation",
        "social_care_provider": "social care provider",
        "healthwatch": "Healthwatch",
        "public_health": "public health",
        "housing": "housing",
        "other": "other organisation",
    },
    "RiskMechanism": {
        "risk_share_agreement": "a risk share agreement",
        "joint_risk_register": "a joint risk register",
        "other": "another mechanism",
    },
    "ChecklistStatus": {
        "in_place": "in place",
        "under_development": "under development",
        "absent": "absent",
    },
    "CultureMeasure": {
        "facilitated_values_sessions": "facilitated sessions on shared values",
        "organisational_development": "organisational development",
        "staff_shape_new_services": "staff shaping new services",
        "shared_vision_with_public": "a vision shared with the public",
        "shadowing_mentoring_job_swaps": "shadowing, mentoring and job swaps",
        "informal_meetings": "informal meetings",
        "change_leader_development": "developing leaders of change",
        "shared_training": "shared training",
        "protocols_risk_decisions_disagreements": (
            "protocols for risk, decisions and disagreements"
        ),
        "co_location_and_joint_posts": "co-location and joint posts",
    },
    "FinancialPositionBasis": {
        "plan": "plan",
        "forecast": "in-year forecast",
        "outturn": "final outturn",
    },
    "InformationSharingSector": {
        "primary_care": "primary care",
        "community_health": "community health",
        "mental_health": "mental health",
        "social_care": "social care",
        "acute": "acute care",
        "vcse": "voluntary, community and social enterprise sector",
        "independent": "independent sector",
    },
    "IntegrationRisk": {
        "culture_and_power": "culture and power",
        "complexity_and_duplication": "complexity and duplication",
        "resource_constraints": "resource constraints",
        "measuring_integration": "measuring integration",
        "integration_fatigue": "integration fatigue",
    },
    "AimKind": {
        "reduce_variation_and_inequality": "reduce unwarranted variation and inequality",
        "improve_resilience": "improve resilience",
        "specialise_and_consolidate": "specialise and consolidate services",
        "other": "another aim",
    },
    "MemberKind": {
        "acute_trust": "acute trust",
        "mental_health_trust": "mental health trust",
        "community_trust": "community trust",
        "ambulance_trust": "ambulance trust",
        "specialist_trust": "specialist trust",
        "primary_care": "primary care",
        "independent_sector": "independent sector provider",
        "vcse": "voluntary, community or social enterprise organisation",
        "local_authority": "local authority",
        "other": "other organisation",
    },
    "ScopeFunction": {
        "clinical_services": "clinical services",
        "clinical_support_services": "clinical support services",
        "mutual_aid": "mutual aid",
        "workforce": "workforce",
        "digital": "digital",
        "back_office": "back office",
        "procurement": "procurement",
        "estates": "estates",
        "other": "other functions",
    },
    "Sector": {
        "acute": "acute",
        "mental_health": "mental health",
        "community": "community",
        "ambulance": "ambulance",
        "specialist": "specialist",
        "mixed": "mixed",
    },
}


def _enum_name(enum: object) -> str:
    """The name under which ``enum`` (a name or a ``Literal`` type of the models) is listed."""
    if isinstance(enum, str):
        if enum not in LABELS:
            raise KeyError(f"no enum named {enum!r} in the declaration models")
        return enum
    for name, literal in ENUMS.items():
        # Literal types compare by their values, so an equal Literal spelled elsewhere matches.
        if literal == enum:
            return name
    raise KeyError(f"{enum!r} is not an enum of the declaration models")


def label(enum: object, value: str) -> str:
    """The words a reader sees for ``value`` of an enum.

    Args:
        enum: The enum's name (``"GovernanceModel"``) or its ``Literal`` type.
        value: The value as a declaration writes it (``"joint_committee"``).

    Raises:
        KeyError: the enum is not one of the models', or ``value`` is not one of its values.

    Examples:
        >>> label("ChecklistStatus", "under_development")
        'under development'
    """
    name = _enum_name(enum)
    try:
        return LABELS[name][value]
    except KeyError:
        raise KeyError(f"{value!r} is not a value of {name}") from None


def _literal_in(annotation: Any) -> Any:
    """The ``Literal`` inside an annotation (through ``Optional``, ``list`` and ``Annotated``)."""
    if typing.get_origin(annotation) is typing.Literal:
        return annotation
    for arg in typing.get_args(annotation):
        found = _literal_in(arg)
        if found is not None:
            return found
    return None


@functools.cache
def enum_of(model: type[BaseModel], field: str) -> str | None:
    """The name of the enum a model's field takes its values from, or ``None``.

    A list of enum values (``list[CultureMeasure]``) names its items' enum. The declaration's
    ``format`` field is a constant, not an enum, and gives ``None``.
    """
    info = model.model_fields.get(field)
    if info is None:
        return None
    literal = _literal_in(info.annotation)
    if literal is None:
        return None
    for name, known in ENUMS.items():
        if known == literal:
            return name
    return None
