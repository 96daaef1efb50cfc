"""The declaration models: pydantic v2 models of every format govrules reads.

``govrules.models`` keeps the names of the place format (``govrules/place/v1``) importable from
one place, as they always were. The package is split along the formats' seams:

- :mod:`.common`: what every format shares (strict configuration, bounded counts and money,
  calendar dates, non-blank names, slugs and financial years);
- :mod:`.place`: the place declaration of ``docs/declaration-format.md``, with its example in
  :mod:`.place_example`;
- :mod:`.good_practice`: the optional extension the ``should`` tier reads;
- :mod:`.provider_collaborative`: the ``govrules/provider-collaborative/v1`` format;
- :mod:`.labels`: the words a reader sees for every enumerated value.
"""

from __future__ import annotations

from .common import FINANCIAL_YEAR_PATTERN as FINANCIAL_YEAR_PATTERN
from .common import MAX_COUNT as MAX_COUNT
from .common import MAX_MONEY as MAX_MONEY
from .common import MAX_PLACES as MAX_PLACES
from .common import NON_BLANK_PATTERN as NON_BLANK_PATTERN
from .common import SLUG_PATTERN as SLUG_PATTERN
from .common import STRICT_CONFIG as STRICT_CONFIG
from .common import Count as Count
from .common import Date as Date
from .common import Money as Money
from .common import Name as Name
from .common import NetMoney as NetMoney
from .common import Text as Text
from .common import check_financial_year as check_financial_year
from .common import describe_value as describe_value
from .good_practice import BoardMembership as BoardMembership
from .good_practice import Checklist as Checklist
from .good_practice import ChecklistStatus as ChecklistStatus
from .good_practice import CollaborativeCulture as CollaborativeCulture
from .good_practice import CrossBoundary as CrossBoundary
from .good_practice import CultureMeasure as CultureMeasure
from .good_practice import DigitalMaturity as DigitalMaturity
from .good_practice import FinancialPositionBasis as FinancialPositionBasis
from .good_practice import GoodPractice as GoodPractice
from .good_practice import InformationSharingSector as InformationSharingSector
from .good_practice import IntegrationRisk as IntegrationRisk
from .good_practice import SapAccountability as SapAccountability
from .good_practice import SchemeOfDelegation as SchemeOfDelegation
from .good_practice import SystemFinancialPosition as SystemFinancialPosition
from .labels import ENUMS as ENUMS
from .labels import LABELS as LABELS
from .labels import enum_of as enum_of
from .labels import label as label
from .place import FORMAT as FORMAT
from .place import AccountableForm as AccountableForm
from .place import AccountablePerson as AccountablePerson
from .place import BudgetInstrument as BudgetInstrument
from .place import BudgetKind as BudgetKind
from .place import BudgetLine as BudgetLine
from .place import CouncilTier as CouncilTier
from .place import DecisionMaking as DecisionMaking
from .place import DelegatedByIcb as DelegatedByIcb
from .place import Digital as Digital
from .place import DisagreementMechanism as DisagreementMechanism
from .place import DisagreementResolution as DisagreementResolution
from .place import ExpansionPlan as ExpansionPlan
from .place import Finance as Finance
from .place import FinanceYear as FinanceYear
from .place import Footprint as Footprint
from .place import Governance as Governance
from .place import GovernanceModel as GovernanceModel
from .place import LocalAuthority as LocalAuthority
from .place import Outcome as Outcome
from .place import OutcomePriority as OutcomePriority
from .place import OutcomeReport as OutcomeReport
from .place import Partner as Partner
from .place import PartnerKind as PartnerKind
from .place import Place as Place
from .place import PlaceDeclaration as PlaceDeclaration
from .place import PopulationHealthPlatform as PopulationHealthPlatform
from .place import RelationshipsDocumented as RelationshipsDocumented
from .place import RiskManagement as RiskManagement
from .place import RiskMechanism as RiskMechanism
from .place import SharedCareRecord as SharedCareRecord
from .place import SharedOutcomes as SharedOutcomes
from .place import SharedPlan as SharedPlan
from .place import SocialCareProviders as SocialCareProviders
from .place import System as System
from .place import Workforce as Workforce
from .place_example import SPEC_EXAMPLE as SPEC_EXAMPLE

__all__ = [
    "ENUMS",
    "FINANCIAL_YEAR_PATTERN",
    "FORMAT",
    "LABELS",
    "MAX_COUNT",
    "MAX_MONEY",
    "MAX_PLACES",
    "NON_BLANK_PATTERN",
    "SLUG_PATTERN",
    "SPEC_EXAMPLE",
    "STRICT_CONFIG",
    "AccountableForm",
    "AccountablePerson",
    "BoardMembership",
    "BudgetInstrument",
    "BudgetKind",
    "BudgetLine",
    "Checklist",
    "ChecklistStatus",
    "CollaborativeCulture",
    "CouncilTier",
    "Count",
    "CrossBoundary",
    "CultureMeasure",
    "Date",
    "DecisionMaking",
    "DelegatedByIcb",
    "Digital",
    "DigitalMaturity",
    "DisagreementMechanism",
    "DisagreementResolution",
    "ExpansionPlan",
    "Finance",
    "FinanceYear",
    "FinancialPositionBasis",
    "Footprint",
    "GoodPractice",
    "Governance",
    "GovernanceModel",
    "InformationSharingSector",
    "IntegrationRisk",
    "LocalAuthority",
    "Money",
    "Name",
    "NetMoney",
    "Outcome",
    "OutcomePriority",
    "OutcomeReport",
    "Partner",
    "PartnerKind",
    "Place",
    "PlaceDeclaration",
    "PopulationHealthPlatform",
    "RelationshipsDocumented",
    "RiskManagement",
    "RiskMechanism",
    "SapAccountability",
    "SchemeOfDelegation",
    "SharedCareRecord",
    "SharedOutcomes",
    "SharedPlan",
    "SocialCareProviders",
    "System",
    "SystemFinancialPosition",
    "Text",
    "Workforce",
    "check_financial_year",
    "describe_value",
    "enum_of",
    "label",
]
