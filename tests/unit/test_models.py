"""The pydantic models of ``govrules/place/v1`` (declaration.md), used directly."""

from __future__ import annotations

import copy
import datetime
import math
from typing import Any

import pytest
from pydantic import BaseModel
from pydantic import ValidationError

from govrules.models import SPEC_EXAMPLE
from govrules.models import PlaceDeclaration
from govrules.models import describe_value


def example() -> dict[str, Any]:
    """A fresh, mutable copy of the spec example."""
    return copy.deepcopy(SPEC_EXAMPLE)


def errors_of(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """``(loc, type)`` of every validation error of ``data``."""
    with pytest.raises(ValidationError) as info:
        PlaceDeclaration.model_validate(data)
    return [(tuple(e["loc"]), e["type"]) for e in info.value.errors()]


def all_models() -> list[type[BaseModel]]:
    """Every model reachable from the root."""
    seen: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [PlaceDeclaration]
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.append(model)
        for name in model.__pydantic_fields__:
            annotation = model.__pydantic_fields__[name].annotation
            stack: list[object] = [annotation]
            while stack:
                current = stack.pop()
                if isinstance(current, type) and issubclass(current, BaseModel):
                    pending.append(current)
                stack.extend(getattr(current, "__args__", ()))
    return seen


def test_spec_example_validates() -> None:
    declaration = PlaceDeclaration.model_validate(SPEC_EXAMPLE)
    assert declaration.place.id == "northshire"
    assert declaration.declared_on == datetime.date(2023, 6, 30)
    assert declaration.system.digital is not None
    assert declaration.system.digital.shared_care_record is not None
    assert declaration.system.digital.shared_care_record.providers_connected == 131
    assert declaration.finance is not None
    assert declaration.finance.years[1].pooled == 72_000_000
    assert declaration.accountable_persons[0].agreed_by[1] == "Northshire County Council"


def test_every_model_forbids_extra_is_frozen_and_describes_fields() -> None:
    models = all_models()
    assert len(models) >= 20
    for model in models:
        assert model.model_config.get("extra") == "forbid", model
        assert model.model_config.get("frozen") is True, model
        assert model.model_config.get("allow_inf_nan") is False, model
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name}"


def test_frozen() -> None:
    declaration = PlaceDeclaration.model_validate(SPEC_EXAMPLE)
    with pytest.raises(ValidationError):
        declaration.place.name = "Other"  # type: ignore[misc,unused-ignore]


def test_minimal_declaration_leaves_optionals_none() -> None:
    data = example()
    for key in (
        "declared_on",
        "partners",
        "shared_plan",
        "shared_outcomes",
        "finance",
        "risk_management",
        "disagreement_resolution",
        "workforce",
    ):
        del data[key]
    del data["place"]["population"]
    del data["place"]["crosses_system_boundary"]
    del data["system"]["digital"]
    data["governance"] = {"model": "other"}
    declaration = PlaceDeclaration.model_validate(data)
    assert declaration.partners is None
    assert declaration.finance is None
    assert declaration.governance.builds_on is None
    assert declaration.place.population is None
    assert declaration.place.crosses_system_boundary is False
    assert declaration.system.digital is None


def test_unknown_key_rejected() -> None:
    data = example()
    data["accountable_persons"][0]["agred_by"] = data["accountable_persons"][0].pop("agreed_by")
    assert errors_of(data) == [
        (("accountable_persons", 0, "agreed_by"), "missing"),
        (("accountable_persons", 0, "agred_by"), "extra_forbidden"),
    ]


def test_wrong_enum() -> None:
    data = example()
    data["local_authorities"][0]["tier"] = "county"
    assert errors_of(data) == [(("local_authorities", 0, "tier"), "literal_error")]


def test_wrong_format() -> None:
    data = example()
    data["format"] = "govrules/place/v2"
    assert errors_of(data) == [(("format",), "literal_error")]


@pytest.mark.parametrize("bad", [True, False, "3", 3.0, -1, None])
def test_counts_are_strict_non_negative_ints(bad: object) -> None:
    data = example()
    data["place"]["population"] = bad
    if bad is None:  # optional: null is absence
        PlaceDeclaration.model_validate(data)
        return
    ((loc, _),) = errors_of(data)
    assert loc == ("place", "population")


def test_system_places_at_least_one() -> None:
    data = example()
    data["system"]["places"] = 0
    assert errors_of(data) == [(("system", "places"), "greater_than_equal")]


@pytest.mark.parametrize("good", [0, 5, 5.5, 10**12])
def test_money_accepts_ints_and_floats(good: float) -> None:
    data = example()
    data["finance"]["budget_lines"][0]["amount"] = good
    declaration = PlaceDeclaration.model_validate(data)
    assert declaration.finance is not None
    assert declaration.finance.budget_lines[0].amount == good


@pytest.mark.parametrize("bad", [True, "45000000", math.nan, math.inf, -math.inf, -1, None])
def test_money_rejects_bools_text_non_finite_and_negative(bad: object) -> None:
    data = example()
    data["finance"]["years"][0]["pooled"] = bad
    ((loc, _),) = errors_of(data)
    assert loc == ("finance", "years", 0, "pooled")


@pytest.mark.parametrize("bad", [1, "true", "yes", None])
def test_booleans_are_strict(bad: object) -> None:
    data = example()
    data["workforce"]["place_workforce_plan"] = bad
    assert errors_of(data) == [(("workforce", "place_workforce_plan"), "bool_type")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-04-01", datetime.date(2023, 4, 1)),
        (datetime.date(2023, 4, 1), datetime.date(2023, 4, 1)),
    ],
)
def test_dates_accept_iso_text_and_date_objects(value: object, expected: datetime.date) -> None:
    data = example()
    data["declared_on"] = value
    assert PlaceDeclaration.model_validate(data).declared_on == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2023-02-30", "date_invalid"),
        ("30/06/2023", "date_format"),
        ("2023-6-30", "date_format"),
        ("2023-06-30T00:00:00", "date_format"),
        (20230630, "date_type"),
        (1688083200, "date_type"),
        (True, "date_type"),
        (datetime.datetime(2023, 6, 30), "date_type"),
        (datetime.datetime(2023, 6, 30, 12, 30), "date_type"),
    ],
)
def test_dates_reject_other_shapes(value: object, code: str) -> None:
    data = example()
    data["declared_on"] = value
    assert errors_of(data) == [(("declared_on",), code)]


@pytest.mark.parametrize("year", ["2022/23", "2099/00", "1999/00"])
def test_financial_year_accepts_consecutive(year: str) -> None:
    data = example()
    data["finance"]["years"][0]["year"] = year
    PlaceDeclaration.model_validate(data)


@pytest.mark.parametrize(
    ("year", "code"),
    [
        ("2022/24", "string_pattern_mismatch"),
        ("2022/22", "string_pattern_mismatch"),
        ("1899/00", "string_pattern_mismatch"),
        ("2022-23", "string_pattern_mismatch"),
        ("22/23", "string_pattern_mismatch"),
        ("2022/2023", "string_pattern_mismatch"),
        (2022, "string_type"),
    ],
)
def test_financial_year_rejects(year: object, code: str) -> None:
    data = example()
    data["finance"]["years"][0]["year"] = year
    assert errors_of(data) == [(("finance", "years", 0, "year"), code)]


@pytest.mark.parametrize("slug", ["North", "-north", "north shire", "north_shire", ""])
def test_place_id_is_a_slug(slug: str) -> None:
    data = example()
    data["place"]["id"] = slug
    assert errors_of(data) == [(("place", "id"), "string_pattern_mismatch")]


@pytest.mark.parametrize("name", ["", "   "])
def test_names_must_not_be_blank(name: str) -> None:
    data = example()
    data["local_authorities"][0]["name"] = name
    ((loc, _),) = errors_of(data)
    assert loc == ("local_authorities", 0, "name")


def test_local_authorities_needs_one_entry() -> None:
    data = example()
    data["local_authorities"] = []
    assert errors_of(data) == [(("local_authorities",), "too_short")]


def test_with_digital_record_cannot_exceed_total() -> None:
    data = example()
    data["system"]["digital"]["social_care_providers"]["with_digital_record"] = 301
    loc = ("system", "digital", "social_care_providers", "with_digital_record")
    assert errors_of(data) == [(loc, "count_exceeds_total")]


def test_providers_connected_cannot_exceed_total() -> None:
    data = example()
    data["system"]["digital"]["shared_care_record"]["providers_connected"] = 141
    loc = ("system", "digital", "shared_care_record", "providers_connected")
    with pytest.raises(ValidationError) as info:
        PlaceDeclaration.model_validate(data)
    (error,) = info.value.errors()
    assert tuple(error["loc"]) == loc
    assert "cannot exceed providers_total (140)" in error["msg"]


def test_equal_counts_are_fine() -> None:
    data = example()
    data["system"]["digital"]["shared_care_record"]["providers_connected"] = 140
    data["system"]["digital"]["social_care_providers"]["with_digital_record"] = 300
    PlaceDeclaration.model_validate(data)


def test_json_schema_has_example_and_descriptions() -> None:
    schema = PlaceDeclaration.model_json_schema()
    assert schema["examples"] == [SPEC_EXAMPLE]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["declared_on"]["anyOf"][0] == {"format": "date", "type": "string"}
    place = schema["$defs"]["Place"]["properties"]
    assert place["id"]["pattern"] == "^[a-z0-9][a-z0-9-]*$"
    assert all("description" in p for p in place.values())


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (None, "null"),
        ("county", "'county'"),
        ([], "an empty list"),
        ({"a": 1}, "a mapping"),
        (10**400, "a very large number"),
        ("x" * 100, "'" + "x" * 56 + "..."),
    ],
)
def test_describe_value(value: object, text: str) -> None:
    assert describe_value(value) == text
