"""The provider collaborative declaration format, ``govrules/provider-collaborative/v1``.

The models live in :mod:`govrules.models.provider_collaborative`, beside the other formats';
this module keeps the names importable where they always were.
"""

from __future__ import annotations

from .models.provider_collaborative import AIM_KINDS as AIM_KINDS
from .models.provider_collaborative import FORMAT as FORMAT
from .models.provider_collaborative import MEMBER_KINDS as MEMBER_KINDS
from .models.provider_collaborative import NHS_TRUST_KINDS as NHS_TRUST_KINDS
from .models.provider_collaborative import PC_EXAMPLE as PC_EXAMPLE
from .models.provider_collaborative import SCOPE_FUNCTIONS as SCOPE_FUNCTIONS
from .models.provider_collaborative import Aim as Aim
from .models.provider_collaborative import AimKind as AimKind
from .models.provider_collaborative import Collaborative as Collaborative
from .models.provider_collaborative import DecisionMaking as DecisionMaking
from .models.provider_collaborative import Member as Member
from .models.provider_collaborative import MemberKind as MemberKind
from .models.provider_collaborative import PlaceCovered as PlaceCovered
from .models.provider_collaborative import (
    ProviderCollaborativeDeclaration as ProviderCollaborativeDeclaration,
)
from .models.provider_collaborative import Relationships as Relationships
from .models.provider_collaborative import ScopeFunction as ScopeFunction
from .models.provider_collaborative import Sector as Sector
from .models.provider_collaborative import SharedPurpose as SharedPurpose
from .models.provider_collaborative import SystemTrust as SystemTrust

__all__ = [
    "AIM_KINDS",
    "FORMAT",
    "MEMBER_KINDS",
    "NHS_TRUST_KINDS",
    "PC_EXAMPLE",
    "SCOPE_FUNCTIONS",
    "Aim",
    "AimKind",
    "Collaborative",
    "DecisionMaking",
    "Member",
    "MemberKind",
    "PlaceCovered",
    "ProviderCollaborativeDeclaration",
    "Relationships",
    "ScopeFunction",
    "Sector",
    "SharedPurpose",
    "SystemTrust",
]
