"""The declaration formats govrules reads, by the value of their ``format`` field."""

from __future__ import annotations

from pydantic import BaseModel

from .models.place import PlaceDeclaration
from .models.provider_collaborative import ProviderCollaborativeDeclaration

#: Format name → root model. Rulesets name the format they check in their header.
DECLARATION_FORMATS: dict[str, type[BaseModel]] = {
    "govrules/place/v1": PlaceDeclaration,
    "govrules/provider-collaborative/v1": ProviderCollaborativeDeclaration,
}

DEFAULT_FORMAT = "govrules/place/v1"

#: Format name → the top-level block whose ``id`` and ``name`` identify what is declared.
DECLARATION_IDENTITY: dict[str, str] = {
    "govrules/place/v1": "place",
    "govrules/provider-collaborative/v1": "collaborative",
}

#: Format name → the bundled ruleset of ``must`` rules for it (named in messages when the rulesets
#: chosen for a check have no must rule for a declaration's kind).
MUST_RULESETS: dict[str, str] = {
    "govrules/place/v1": "national-2022",
    "govrules/provider-collaborative/v1": "provider-collaboratives-2022",
}
