"""Export and import: a round trip loses nothing, and a bad file stores nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from govrules import Engine
from govrules.declaration import validate_declaration
from govrules.register import InvalidExport
from govrules.register import Register
from govrules.register import RegisterConflict

from .conftest import Submit
from .conftest import place


def _fill(register: Register, submit: Submit) -> None:
    submit(place(), actor="alice")
    submit(place(**{"place.population": 7}), actor="bob")
    submit(place(), as_of="2025-01-01")
    submit(place("riverside"))
    register.create_token("board", "reader", "northshire-and-coast-ics", actor="admin")
    register.create_token("ops", "admin", None, actor="admin")
    register.revoke_token("ops", actor="admin")


def test_round_trip_loses_nothing(register: Register, submit: Submit, tmp_path: Path) -> None:
    _fill(register, submit)
    exported = list(register.export_lines())
    kinds = [json.loads(line)["type"] for line in exported]
    assert kinds[0] == "register"
    assert {"system", "place", "declaration", "assessment", "token", "audit"} <= set(kinds)
    target = Register.open(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    try:
        counts = target.import_lines(exported, actor="restorer", source="backup.jsonl")
        assert counts["declaration"] == 4 and counts["token"] == 2
        again = list(target.export_lines())
        # Everything, plus the import's own audit entry at the end.
        assert again[:-1] == exported
        last = json.loads(again[-1])
        assert (last["type"], last["action"], last["actor"]) == (
            "audit",
            "register.import",
            "restorer",
        )
        assert target.place("northshire") == register.place("northshire")
        assert target.system("northshire-and-coast-ics") == register.system(
            "northshire-and-coast-ics"
        )
        # New rows continue after the imported ones.
        next_version = target.submit(
            place(**{"place.population": 8}), register.report("northshire"), actor="x"
        )
        assert next_version.version == 4
        # Tokens came across as their hashes: the revoked one stays revoked.
        assert [(t.name, t.revoked_at is not None) for t in target.tokens()] == [
            ("board", False),
            ("ops", True),
        ]
    finally:
        target.close()


def test_import_needs_an_empty_register(register: Register, submit: Submit) -> None:
    _fill(register, submit)
    exported = list(register.export_lines())
    with pytest.raises(RegisterConflict, match="not empty"):
        register.import_lines(exported, actor="x", source="f")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda ls: ls[1:], "first line must be the header"),
        (lambda ls: [*ls[:3], "{not json", *ls[3:]], r":4: not JSON"),
        (lambda ls: [*ls, ls[-1]], "appears twice"),
        (
            lambda ls: [line.replace('"population":320000', '"population":1') for line in ls],
            "does not have its sha256",
        ),
        (
            lambda ls: [ls[0], *[line for line in ls[1:] if '"type":"place"' not in line]],
            "unknown place",
        ),
        (lambda ls: [*ls, '{"type":"audit","id":99}'], "needs 'at'"),
        (lambda ls: [*ls, '{"type":"ghost","id":1}'], "unknown record type"),
        (lambda ls: [*ls[:-1], ls[-1].replace('"actor"', '"actor":1,"x"')], "unknown field"),
    ],
)
def test_a_bad_export_stores_nothing(
    sqlite_url: str, engine: Engine, tmp_path: Path, damage: Any, message: str
) -> None:
    source = Register.open(sqlite_url)
    doc = place()
    source.submit(
        doc, engine.evaluate(validate_declaration(doc), "2023-09-30").to_json(), actor="a"
    )
    exported = list(source.export_lines())
    source.close()
    target = Register.open(f"sqlite:///{tmp_path / 'target.sqlite3'}")
    try:
        with pytest.raises(InvalidExport, match=message):
            target.import_lines(damage(exported), actor="x", source="f")
        assert list(target.export_lines())[1:] == []  # still empty: not even an audit entry
    finally:
        target.close()


# A sequence of operations on a register; any such register must survive the round trip.
_OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["northshire", "coastal", "riverside"]),
        st.integers(min_value=1, max_value=3),  # population variant
        st.sampled_from(["2023-09-30", "2024-06-30"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(operations=_OPERATIONS)
def test_any_register_survives_export_and_import(
    operations: list[tuple[str, int, str]], engine: Engine, tmp_path_factory: Any
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    source = Register.open(f"sqlite:///{folder / 'a.sqlite3'}")
    target = Register.open(f"sqlite:///{folder / 'b.sqlite3'}")
    try:
        for name, variant, as_of in operations:
            doc = (
                place("riverside", **{"place.population": variant})
                if name == "riverside"
                else place(place_id=name, **{"place.population": variant})
            )
            report = engine.evaluate(validate_declaration(doc), as_of).to_json()
            source.submit(doc, report, actor=f"user-{variant}")
        exported = list(source.export_lines())
        target.import_lines(exported, actor="x", source="f")
        assert list(target.export_lines())[:-1] == exported
        assert target.places() == source.places()
    finally:
        source.close()
        target.close()
