"""Starting a declaration: commented templates (``govrules init``) and the JSON Schema of each
declaration format (``govrules schema``) for editors.

The templates are package data (``govrules/starters/*.yaml``) so an installed ``govrules`` has
them. Each starts with a ``# yaml-language-server: $schema=…`` line naming the schema file that
``govrules schema --kind KIND`` writes, so an editor with the YAML language server checks the
declaration as it is typed.
"""

from __future__ import annotations

import importlib.resources
from typing import Any

from .formats import DECLARATION_FORMATS

#: ``--kind`` of ``init`` and ``schema`` → declaration format.
KINDS: dict[str, str] = {
    "place": "govrules/place/v1",
    "provider-collaborative": "govrules/provider-collaborative/v1",
}

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def template(kind: str) -> str:
    """The commented template declaration of ``kind`` (a key of :data:`KINDS`).

    Examples:
        >>> template("place").splitlines()[0]
        '# yaml-language-server: $schema=govrules-place.schema.json'
    """
    if kind not in KINDS:
        raise KeyError(kind)
    starters = importlib.resources.files("govrules") / "starters"
    return (starters / f"{kind}.yaml").read_text(encoding="utf-8")


def schema_file_name(kind: str) -> str:
    """The file name the templates' ``$schema`` line uses for ``kind``.

    Examples:
        >>> schema_file_name("provider-collaborative")
        'govrules-provider-collaborative.schema.json'
    """
    return f"govrules-{kind}.schema.json"


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the declaration format of ``kind``, from its models.

    Examples:
        >>> json_schema("place")["properties"]["format"]["const"]
        'govrules/place/v1'
    """
    model = DECLARATION_FORMATS[KINDS[kind]]
    return {"$schema": JSON_SCHEMA_DIALECT, **model.model_json_schema()}
