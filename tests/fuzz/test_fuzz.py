"""Fuzzing: hostile rule texts and declarations never crash, stall or fool the engine.

Each test draws seeds with hypothesis and builds a case from it (``mutate.py``): mutated bundled
rule files (loaded with the rest of their ruleset, so many still check and are then evaluated),
and mutated or hostile declarations. The properties:

- a rule text loads, or raises :class:`RuleError` whose every diagnostic has a line, a column,
  a code and a printable rendering (exit 3); never another exception;
- a declaration validates, or raises :class:`DeclarationError` naming paths (exit 3);
- whatever loads is evaluated on the Python engine (generated code), on the reference
  interpreter and on durable_rules, and all three give the same findings; every output (JSON,
  text, HTML, JUnit) renders, and the XML parses.

The budget is ``GOVRULES_FUZZ_EXAMPLES`` examples per test (default 60, what CI runs with
``python -m pytest``). A longer run before a release, about an hour on two cores::

    GOVRULES_FUZZ_EXAMPLES=10000 python -m pytest -m fuzz -p no:randomly

Every crash found becomes a regression case in ``tests/unit/test_robustness.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from govrules import Engine
from govrules import load_declaration_text
from govrules.backends import durable_process
from govrules.backends.durable_backend import available as durable_available
from govrules.checker import Program
from govrules.errors import DeclarationError
from govrules.errors import NoVerdictError
from govrules.errors import RuleError
from govrules.evaluator import load_sources
from govrules.evaluator import read_source
from govrules.render import to_html
from govrules.render import to_json
from govrules.render import to_junit
from govrules.render import to_text
from govrules.source import Source

from .mutate import EXAMPLES
from .mutate import RULE_FILES
from .mutate import mutate_declaration
from .mutate import mutate_rule_text

pytestmark = pytest.mark.fuzz

BUDGET = int(os.environ.get("GOVRULES_FUZZ_EXAMPLES", "60"))
SETTINGS = settings(
    max_examples=BUDGET,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=BUDGET <= 100,  # CI runs the same cases every time; long runs explore
)
DURABLE = durable_available()[0]
DATES = [dt.date(2023, 1, 1), dt.date(2023, 9, 30), dt.date(2024, 6, 30), dt.date(2026, 12, 31)]
#: durable_rules never forgets a registered ruleset; the worker is restarted this often.
_RESTART_EVERY = 50
_programs = 0


@cache
def national() -> Program:
    from govrules import load_rulesets

    return load_rulesets()


@cache
def engines() -> dict[str, Engine]:
    out = {
        "python": Engine(national(), "python"),
        "reference": Engine(national(), "python", reference=True),
    }
    if DURABLE:
        out["durable"] = Engine(national(), "durable")
    return out


def _check_diagnostics(err: RuleError) -> None:
    assert err.diagnostics
    for d in err.diagnostics:
        assert d.code and d.message
        assert d.span.line >= 1 and d.span.column >= 1, d.render()
        d.render().encode("utf-8")  # printable on any terminal
    assert err.exit_code == 3


def _outputs(reports: list[Any]) -> None:
    json.loads(to_json(reports, single=False))
    to_text(reports, color=False).encode("utf-8")
    to_html(reports).encode("utf-8")
    ET.fromstring(to_junit(reports))


def _agree(program: Program, doc: dict[str, Any], as_of: dt.date) -> None:
    global _programs
    python = Engine(program, "python")
    try:
        expected = python.evaluate(doc, as_of)
    except NoVerdictError:
        return  # the mutated files lost every must rule: no verdict, as it should be
    _outputs([expected])
    reference = Engine(program, "python", reference=True).evaluate(doc, as_of)
    assert [f.to_json() for f in reference.findings] == [f.to_json() for f in expected.findings]
    if not DURABLE:
        return
    _programs += 1
    if _programs % _RESTART_EVERY == 0:
        durable_process.shared().close()
    durable = Engine(program, "durable").evaluate(doc, as_of)
    assert [f.to_json() for f in durable.findings] == [f.to_json() for f in expected.findings]


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_mutated_rule_texts_load_or_give_located_diagnostics(seed: int) -> None:
    rng = random.Random(seed)
    path = rng.choice(RULE_FILES)
    mutated = Source(mutate_rule_text(rng, path.read_text(encoding="utf-8")), str(path))
    siblings = [read_source(p) for p in sorted(path.parent.glob("*.gr")) if p != path]
    try:
        program = load_sources([*siblings, mutated], cache=False)
    except RuleError as err:
        _check_diagnostics(err)
        return
    _agree(program, rng.choice(EXAMPLES), rng.choice(DATES))


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_mutated_declarations_validate_or_name_their_faults(seed: int) -> None:
    rng = random.Random(seed)
    doc = mutate_declaration(rng)
    text = json.dumps(doc, default=str)  # surrogates become \\ud800 escapes, as a client sends
    try:
        decl = load_declaration_text(text, "fuzz.json")
    except DeclarationError as err:
        assert err.issues and err.exit_code == 3
        str(err).encode("utf-8")
        return
    as_of = rng.choice(DATES)
    reports = {name: engine.evaluate(decl, as_of) for name, engine in engines().items()}
    _outputs(list(reports.values()))
    expected = reports["python"].to_json()["findings"]
    for name, report in reports.items():
        assert report.to_json()["findings"] == expected, name


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1))
def test_mutated_rules_and_declarations_together(seed: int) -> None:
    rng = random.Random(seed)
    folder = rng.choice(sorted({p.parent for p in RULE_FILES}))
    files = sorted(folder.glob("*.gr"))
    victim = rng.choice(files)
    sources = [read_source(p) for p in files if p != victim]
    sources.append(Source(mutate_rule_text(rng, victim.read_text(encoding="utf-8")), str(victim)))
    try:
        program = load_sources(sources, cache=False)
    except RuleError as err:
        _check_diagnostics(err)
        return
    doc = mutate_declaration(rng)
    try:
        load_declaration_text(json.dumps(doc, default=str), "fuzz.json")
    except DeclarationError:
        return
    _agree(program, doc, rng.choice(DATES))
