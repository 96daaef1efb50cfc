"""The declaration formats govrules reads, by the value of their ``format`` field."""

from __future__ import annotations

from pydantic import BaseModel

from .models import PlaceDeclaration

#: Format name → root model. Rulesets name the format they check in their header.
DECLARATION_FORMATS: dict[str, type[BaseModel]] = {
    "govrules/place/v1": PlaceDeclaration,
}

DEFAULT_FORMAT = "govrules/place/v1"
