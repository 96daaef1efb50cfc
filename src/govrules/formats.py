"""The registry of declaration formats govrules reads, by the value of their ``format`` field.

Each format registers once, here: its name, its pydantic root model, the top-level block that
identifies what is declared, an example, the bundled ruleset of its ``must`` rules, and the
nouns for the items of its lists (so prose can say "2 of 3 partners"). The checker, the reader
of declarations, the engine, the language server and the analysis all read this registry; the
language core (``syntax``, ``checker``) is handed the models it needs and imports none.

    >>> REGISTRY["govrules/place/v1"].identity
    'place'
    >>> REGISTRY["govrules/place/v1"].noun("accountable_persons", 2)
    'accountable persons'
    >>> REGISTRY.default
    'govrules/place/v1'
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from .models.place import FORMAT as PLACE_FORMAT
from .models.place import PlaceDeclaration
from .models.place_example import SPEC_EXAMPLE
from .models.provider_collaborative import FORMAT as COLLABORATIVE_FORMAT
from .models.provider_collaborative import PC_EXAMPLE
from .models.provider_collaborative import ProviderCollaborativeDeclaration


@dataclass(frozen=True, slots=True)
class DeclarationFormat:
    """One declaration format and what the rest of govrules needs to know about it.

    Attributes:
        name: The value of the declaration's ``format`` field (and of a ruleset header's
            ``for "..."``).
        model: The pydantic root model that validates a declaration of this format.
        identity: The top-level block whose ``id`` and ``name`` identify what is declared.
        example: A valid declaration as JSON-shaped data (the API's schema shows it).
        example_file: A valid example declaration in the checkout, relative to its root.
        must_ruleset: The bundled ruleset of ``must`` rules for this format (named in messages
            when the rulesets chosen for a check have no must rule for a declaration's kind).
        list_nouns: Field path of each list in the format (dotted, as rules write it) → the
            singular and plural noun for its items.
    """

    name: str
    model: type[BaseModel]
    identity: str
    example: Mapping[str, Any]
    example_file: str
    must_ruleset: str
    list_nouns: Mapping[str, tuple[str, str]]

    def noun(self, path: str, count: int) -> str:
        """The noun for ``count`` items of the list at ``path``, singular for exactly one.

        Raises:
            KeyError: ``path`` is not a list of this format.
        """
        singular, plural = self.list_nouns[path]
        return singular if count == 1 else plural


class FormatRegistry(Mapping[str, DeclarationFormat]):
    """Declaration formats by name, in registration order; the first is the default."""

    def __init__(self) -> None:
        self._formats: dict[str, DeclarationFormat] = {}

    def register(self, fmt: DeclarationFormat) -> DeclarationFormat:
        """Add a format; a name registers once."""
        if fmt.name in self._formats:
            raise ValueError(f"declaration format {fmt.name!r} is already registered")
        self._formats[fmt.name] = fmt
        return fmt

    def __getitem__(self, name: str) -> DeclarationFormat:
        return self._formats[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)

    @property
    def default(self) -> str:
        """The format of a ruleset whose header names none (the first registered)."""
        return next(iter(self._formats))

    def models(self) -> Mapping[str, type[BaseModel]]:
        """Format name → root model: what the checker is handed to type rules."""
        return MappingProxyType({name: f.model for name, f in self._formats.items()})


REGISTRY = FormatRegistry()

REGISTRY.register(
    DeclarationFormat(
        name=PLACE_FORMAT,
        model=PlaceDeclaration,
        identity="place",
        example=SPEC_EXAMPLE,
        example_file="examples/northshire.yaml",
        must_ruleset="national-2022",
        list_nouns={
            "local_authorities": ("council", "councils"),
            "partners": ("partner", "partners"),
            "governance.builds_on": ("existing structure", "existing structures"),
            "accountable_persons": ("accountable person", "accountable persons"),
            "accountable_persons.agreed_by": ("organisation", "organisations"),
            "shared_plan.agreed_by": ("organisation", "organisations"),
            "shared_outcomes.outcomes": ("outcome", "outcomes"),
            "shared_outcomes.reports": ("report", "reports"),
            "finance.years": ("financial year", "financial years"),
            "finance.budget_lines": ("budget line", "budget lines"),
            "finance.budget_lines.contributions_agreed_by": ("organisation", "organisations"),
            "finance.budget_lines.underpins_outcomes": ("outcome", "outcomes"),
            "good_practice.footprint_agreed_by": ("organisation", "organisations"),
            "good_practice.councils_in_icp": ("council", "councils"),
            "good_practice.provider_collaboratives": (
                "provider collaborative",
                "provider collaboratives",
            ),
            "good_practice.scheme_of_delegation.agreed_by": ("organisation", "organisations"),
            "good_practice.cross_boundary.other_icbs": (
                "integrated care board",
                "integrated care boards",
            ),
            "good_practice.integration_risks_addressed": (
                "integration risk",
                "integration risks",
            ),
            "good_practice.collaborative_culture.measures": (
                "culture-building measure",
                "culture-building measures",
            ),
            "good_practice.digital.information_sharing_sectors": ("sector", "sectors"),
        },
    )
)

REGISTRY.register(
    DeclarationFormat(
        name=COLLABORATIVE_FORMAT,
        model=ProviderCollaborativeDeclaration,
        identity="collaborative",
        example=PC_EXAMPLE,
        example_file="examples/provider-collaboratives/northshire-coast-acute.yaml",
        must_ruleset="provider-collaboratives-2022",
        list_nouns={
            "members": ("member", "members"),
            "places_covered": ("place covered", "places covered"),
            "shared_purpose.agreed_by": ("organisation", "organisations"),
            "decision_making.parties": ("party", "parties"),
            "aims": ("aim", "aims"),
            "scope": ("function", "functions"),
            "system_trusts": ("trust of the system", "trusts of the system"),
            "system_trusts.other_collaboratives": (
                "other collaborative",
                "other collaboratives",
            ),
        },
    )
)

#: Format name → root model (a view of :data:`REGISTRY`).
DECLARATION_FORMATS: Mapping[str, type[BaseModel]] = REGISTRY.models()

#: The format of a ruleset whose header names none.
DEFAULT_FORMAT = REGISTRY.default

#: Format name → the top-level block whose ``id`` and ``name`` identify what is declared.
DECLARATION_IDENTITY: Mapping[str, str] = MappingProxyType(
    {name: f.identity for name, f in REGISTRY.items()}
)

#: Format name → the bundled ruleset of ``must`` rules for it.
MUST_RULESETS: Mapping[str, str] = MappingProxyType(
    {name: f.must_ruleset for name, f in REGISTRY.items()}
)

__all__ = [
    "DECLARATION_FORMATS",
    "DECLARATION_IDENTITY",
    "DEFAULT_FORMAT",
    "MUST_RULESETS",
    "REGISTRY",
    "DeclarationFormat",
    "FormatRegistry",
]
