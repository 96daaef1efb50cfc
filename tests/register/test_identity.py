"""Identifiers and hashes: properties that every system name, document and date must meet."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from govrules.register.identity import add_months
from govrules.register.identity import by_severity
from govrules.register.identity import canonical_json
from govrules.register.identity import content_hash
from govrules.register.identity import slug

_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(st.text(max_size=40))
def test_slugs_are_lower_case_words_joined_by_single_hyphens(name: str) -> None:
    made = slug(name)
    assert re.fullmatch(r"([a-z0-9]+(-[a-z0-9]+)*)?", made)
    assert slug(made) == made
    if name.isascii():
        assert slug(name.upper()) == made


def test_slug_of_the_spec_example() -> None:
    assert slug("Northshire and Coast ICS") == "northshire-and-coast-ics"


@given(st.dictionaries(st.text(max_size=6), _JSON, max_size=6))
def test_the_hash_ignores_key_order_only(document: dict[str, Any]) -> None:
    reordered = dict(reversed(list(document.items())))
    assert content_hash(reordered) == content_hash(document)
    assert canonical_json(reordered) == canonical_json(document)
    changed = {**document, "\x00extra": 1}
    assert content_hash(changed) != content_hash(document)


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.integers(min_value=0, max_value=240),
)
def test_adding_months(day: dt.date, months: int) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or moved.day < day.day and (moved + dt.timedelta(days=1)).day == 1
    assert moved >= day


def test_counts_per_tier() -> None:
    counts = by_severity(
        [
            {"severity": "must", "status": "fail"},
            {"severity": "must", "status": "pass"},
            {"severity": "should", "status": "fail"},
        ]
    )
    assert counts["must"] == {"pass": 1, "fail": 1, "not_yet_due": 0, "not_applicable": 0}
    assert counts["should"]["fail"] == 1
