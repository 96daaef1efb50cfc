"""The symbolic declaration knows every check the declaration models make."""

from __future__ import annotations

from pydantic import BaseModel

from govrules import types as T
from govrules.analysis.space import CROSS_FIELD
from govrules.analysis.space import SLUG
from govrules.analysis.space import YEAR_LABEL
from govrules.analysis.space import facts_of
from govrules.formats import DECLARATION_FORMATS

#: Patterns the space knows: a slug is any text it decodes as "example", a non-blank text is
#: any text (declared texts are never blank), year labels are coded by their year.
KNOWN_PATTERNS = {SLUG, YEAR_LABEL, r"\S"}


def _models() -> set[type[BaseModel]]:
    seen: set[type[BaseModel]] = set()
    todo = list(DECLARATION_FORMATS.values())
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        for t in T.model_fields(m).values():
            inner = t.item if t.kind == "list" else t
            if inner is not None and inner.model is not None:
                todo.append(inner.model)
    return seen


def test_every_validator_of_the_models_is_known_to_the_analysis() -> None:
    """A new check across fields must be added to CROSS_FIELD, or counter-examples could be
    declarations the models refuse."""
    missing = []
    for model in _models():
        decorators = model.__pydantic_decorators__
        assert not decorators.model_validators, f"{model.__name__}: a model validator"
        for dec in decorators.field_validators.values():
            for name in dec.info.fields:
                if (model.__name__, name) not in CROSS_FIELD:
                    missing.append((model.__name__, name))
    assert missing == []


def test_every_pattern_of_the_models_is_known_to_the_analysis() -> None:
    for model in _models():
        for name, info in model.model_fields.items():
            facts, _ = facts_of(info.annotation, info.metadata)
            assert facts.pattern in KNOWN_PATTERNS | {None}, (model.__name__, name)
