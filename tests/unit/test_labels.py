"""Every enumerated value of every declaration format has a label a reader can see."""

from __future__ import annotations

import typing
from typing import Any
from typing import Literal

import pytest
from pydantic import BaseModel

from govrules.formats import DECLARATION_FORMATS
from govrules.models import ENUMS
from govrules.models import LABELS
from govrules.models import enum_of
from govrules.models import label
from govrules.models.good_practice import ChecklistStatus
from govrules.models.place import Governance
from govrules.models.place import GovernanceModel
from govrules.models.place import Partner
from govrules.models.provider_collaborative import Member


def _models(root: type[BaseModel]) -> set[type[BaseModel]]:
    """``root`` and every model reachable through its fields."""
    seen: set[type[BaseModel]] = set()
    todo = [root]
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for info in model.model_fields.values():
            todo.extend(_nested_models(info.annotation))
    return seen


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested_models(arg)]


def _literals(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) is Literal:
        return [annotation]
    return [lit for arg in typing.get_args(annotation) for lit in _literals(arg)]


ENUM_FIELDS = sorted(
    (
        (model, name)
        for root in DECLARATION_FORMATS.values()
        for model in _models(root)
        for name, info in model.model_fields.items()
        if name != "format" and _literals(info.annotation)
    ),
    key=lambda pair: (pair[0].__module__, pair[0].__name__, pair[1]),
)


def test_the_walk_finds_the_enum_fields_of_every_format() -> None:
    modules = {model.__module__ for model, _ in ENUM_FIELDS}
    assert modules == {
        "govrules.models.place",
        "govrules.models.good_practice",
        "govrules.models.provider_collaborative",
    }


@pytest.mark.parametrize(
    ("model", "field"), ENUM_FIELDS, ids=[f"{m.__name__}.{f}" for m, f in ENUM_FIELDS]
)
def test_every_enum_field_names_a_labelled_enum(model: type[BaseModel], field: str) -> None:
    name = enum_of(model, field)
    assert name is not None, f"{model.__name__}.{field} takes values from an unnamed Literal"
    (literal,) = _literals(model.model_fields[field].annotation)
    for value in typing.get_args(literal):
        text = label(name, value)
        assert text and text == text.strip()
        assert "_" not in text, f"{name}.{value} is labelled with a machine word: {text!r}"


def test_labels_cover_exactly_the_values_of_each_enum() -> None:
    assert set(LABELS) == set(ENUMS)
    for name, literal in ENUMS.items():
        assert set(LABELS[name]) == set(typing.get_args(literal)), name


def test_a_label_is_found_by_name_or_by_literal_type() -> None:
    assert label("GovernanceModel", "joint_committee") == "joint committee"
    assert label(GovernanceModel, "joint_committee") == "joint committee"
    assert label(ChecklistStatus, "in_place") == "in place"
    assert label("PartnerKind", "nhs_trust") == "NHS trust"


def test_enum_of_names_the_enum_behind_a_field() -> None:
    assert enum_of(Governance, "model") == "GovernanceModel"
    assert enum_of(Partner, "kind") == "PartnerKind"
    assert enum_of(Member, "kind") == "MemberKind"
    assert enum_of(Partner, "name") is None
    assert enum_of(Partner, "no_such_field") is None


def test_unknown_enums_and_values_are_refused() -> None:
    with pytest.raises(KeyError, match="no enum named"):
        label("NoSuchEnum", "x")
    with pytest.raises(KeyError, match="not an enum"):
        label(Literal["x", "y"], "x")
    with pytest.raises(KeyError, match="not a value of GovernanceModel"):
        label("GovernanceModel", "council")
