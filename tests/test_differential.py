"""The two back-ends agree: durable_rules and the Python interpreter give the same findings.

The Python interpreter is the oracle. Examples and hypothesis-generated declarations (mutations
of the bundled examples that switch facts on and off, drop optional blocks and move dates) are
evaluated on both; every finding must match. The engine also checks this itself on every
durable evaluation, and raises rather than report a verdict the interpreter does not share.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import typing
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from govrules import Engine
from govrules import load_rulesets
from govrules.backends.durable_backend import available as durable_available
from govrules.models import AccountablePerson
from govrules.models import Governance
from govrules.models import LocalAuthority

ROOT = Path(__file__).resolve().parents[1]
BASES = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "examples").glob("*.yaml"))]
OK, WHY = durable_available()
needs_durable = pytest.mark.skipif(not OK, reason=f"durable_rules unavailable: {WHY}")

PROGRAM = load_rulesets()
_BUILT: dict[str, Engine] = {}


def engine(name: str) -> Engine:
    """One engine per back-end for the whole module (durable registers a ruleset only once)."""
    if name not in _BUILT:
        _BUILT[name] = Engine(PROGRAM, name)  # type: ignore[arg-type]
    return _BUILT[name]


def _findings(engine: Engine, doc: dict[str, Any], as_of: str) -> list[dict[str, Any]]:
    return [f.to_json() for f in engine.evaluate(doc, as_of).findings]


OPTIONAL_BLOCKS = [
    "shared_plan",
    "shared_outcomes",
    "finance",
    "risk_management",
    "disagreement_resolution",
    "workforce",
    "partners",
    "declared_on",
]
# The enumerated values, read off the declaration models so they cannot drift from them.
MODELS = list(typing.get_args(Governance.model_fields["model"].annotation))
TIERS = list(typing.get_args(LocalAuthority.model_fields["tier"].annotation))
FORMS = list(typing.get_args(AccountablePerson.model_fields["form"].annotation))


@st.composite
def declarations(draw: st.DrawFn) -> dict[str, Any]:
    doc = copy.deepcopy(draw(st.sampled_from(BASES)))
    for block in OPTIONAL_BLOCKS:
        if block in doc and draw(st.booleans()) and draw(st.booleans()):
            del doc[block]
    doc["governance"]["model"] = draw(st.sampled_from(MODELS))
    doc["system"]["places"] = draw(st.integers(1, 6))
    if "delegated_by_icb" in doc["governance"]:
        for key in ("functions", "budget"):
            doc["governance"]["delegated_by_icb"][key] = draw(st.booleans())
    if draw(st.booleans()):
        doc["governance"].pop("decision_making", None)
    for la in doc["local_authorities"]:
        la["tier"] = draw(st.sampled_from(TIERS))
    people = doc["accountable_persons"]
    if people and draw(st.booleans()):
        people = people[: draw(st.integers(0, len(people)))]
    doc["accountable_persons"] = people
    parties = [doc["system"]["icb"]] + [la["name"] for la in doc["local_authorities"]]
    for person in people:
        person["agreed_by"] = draw(st.lists(st.sampled_from(parties), unique=True))
        person["form"] = draw(st.sampled_from(FORMS))
        if draw(st.booleans()):
            person.pop("in_post_from", None)
        if draw(st.booleans()):
            person["remit_covers_shared_outcomes"] = draw(st.booleans())
    return doc


@needs_durable
@pytest.mark.parametrize("base", BASES, ids=[b["place"]["id"] for b in BASES])
@pytest.mark.parametrize("as_of", ["2023-01-01", "2023-09-30", "2026-06-30"])
def test_engines_agree_on_examples(base: dict[str, Any], as_of: str) -> None:
    python, durable = engine("python"), engine("durable")
    assert _findings(python, base, as_of) == _findings(durable, base, as_of)


@needs_durable
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=declarations(), as_of=st.dates(dt.date(2022, 1, 1), dt.date(2027, 1, 1)))
def test_engines_agree_on_generated_declarations(doc: dict[str, Any], as_of: dt.date) -> None:
    python, durable = engine("python"), engine("durable")
    assert _findings(python, doc, as_of.isoformat()) == _findings(durable, doc, as_of.isoformat())


@pytest.mark.parametrize("name", ["python", pytest.param("durable", marks=needs_durable)])
def test_concurrent_evaluations_match_the_single_threaded_reports(name: str) -> None:
    durable = engine(name)
    expected = {b["place"]["id"]: durable.evaluate(b, "2023-09-30").to_json() for b in BASES}
    errors: list[BaseException] = []
    mismatches: list[str] = []

    def worker(n: int) -> None:
        try:
            for i in range(25):
                base = BASES[(n + i) % len(BASES)]
                got = durable.evaluate(base, "2023-09-30").to_json()
                if got != expected[base["place"]["id"]]:
                    mismatches.append(base["place"]["id"])
        except BaseException as err:  # noqa: BLE001 - any failure in a thread fails the test
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and not mismatches


@needs_durable
def test_large_rulesets_are_split_across_durable_rulesets() -> None:
    from govrules.evaluator import load_sources
    from govrules.source import Source
    from support import HEADER
    from support import rule

    body = "".join(rule(f"T-{i}", f"place.population > {i * 2000}") for i in range(220))
    body += rule("T-999", "T-0 is met and T-219 is not met")
    program = load_sources([Source(HEADER + body, "big.gr")])
    durable = Engine(program, "durable")
    fp = next(iter(durable._formats.values()))
    parts, _, _ = fp.pack.cache["durable"]
    assert len(parts) >= 2  # more than one durable ruleset
    doc = BASES[0]
    python = Engine(program, "python")
    assert _findings(python, doc, "2023-09-30") == _findings(durable, doc, "2023-09-30")
