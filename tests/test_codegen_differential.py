"""The generated code agrees with the reference interpreter, finding for finding.

The Python engine runs each rule as a Python function generated from its checked syntax tree
(``codegen.py``); the closure interpreter (``interpreter.py``) is the reference semantics. Here
both evaluate the bundled rulesets on the examples at several dates, on generated declarations,
and generated well-typed rules (conditions, quantifiers, list building, arithmetic, dates and
explanation holes over the place declaration's fields), and must give the same JSON findings,
every explanation, fact and trace included. The long fuzz run (``tests/fuzz``) adds mutated rule
files and declarations, with ``GOVRULES_FUZZ_EXAMPLES`` cases each.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from test_differential import declarations

from govrules import Engine
from govrules import load_rulesets
from govrules.checker import Program
from govrules.evaluator import load_sources
from govrules.source import Source
from support import HEADER
from support import ROOT

EXAMPLES = [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "examples").glob("*.yaml"))]
PROGRAM = load_rulesets()
GENERATED = Engine(PROGRAM, "python")
REFERENCE = Engine(PROGRAM, "python", reference=True)
BUDGET = int(os.environ.get("GOVRULES_FUZZ_EXAMPLES", "60"))
DATES = ["2022-01-01", "2023-04-01", "2023-09-30", "2024-12-31", "2026-12-31"]


def _same(generated: Engine, reference: Engine, doc: Any, as_of: str) -> None:
    a = generated.evaluate(doc, as_of).to_json()
    b = reference.evaluate(doc, as_of).to_json()
    assert a["findings"] == b["findings"]
    assert a["compliant"] == b["compliant"]


def test_every_bundled_rule_is_generated_code() -> None:
    """No bundled rule falls back to the reference (the fallback is for deep nesting only)."""
    for fp in GENERATED._formats.values():
        assert all(r.code is not None for r in fp.runners)


@pytest.mark.parametrize("as_of", DATES)
@pytest.mark.parametrize("doc", EXAMPLES, ids=[d["place"]["id"] for d in EXAMPLES])
def test_generated_code_agrees_on_the_examples(doc: dict[str, Any], as_of: str) -> None:
    _same(GENERATED, REFERENCE, doc, as_of)


@settings(
    max_examples=max(200, BUDGET),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=BUDGET <= 100,
)
@given(doc=declarations(), as_of=st.dates(dt.date(2022, 1, 1), dt.date(2027, 1, 1)))
def test_generated_code_agrees_on_generated_declarations(
    doc: dict[str, Any], as_of: dt.date
) -> None:
    _same(GENERATED, REFERENCE, doc, as_of.isoformat())


# -- generated rules ---------------------------------------------------------------------

NUMBERS = st.sampled_from(
    [
        "system.places",
        "count(accountable_persons)",
        "count(local_authorities)",
        "sum([b.amount for b in finance.budget_lines])",
        'count([la for la in local_authorities where la.tier == "upper"])',
        "system.digital.shared_care_record.providers_connected",
        "system.digital.social_care_providers.total",
        "(as_of - shared_plan.published_on)",
    ]
)
TEXTS = st.sampled_from(
    ["governance.model", "place.name", "system.icb", "shared_plan.title", '"alliance"']
)
LISTS = st.sampled_from(
    [
        "local_authorities[*].name",
        "accountable_persons[*].name",
        "[p.name for p in accountable_persons where p.in_post_from <= as_of]",
        "shared_plan.agreed_by",
        '["place_board", "alliance"]',
    ]
)


@st.composite
def numbers(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 1 or draw(st.booleans()):
        return draw(st.one_of(NUMBERS, st.integers(-3, 2_000).map(str), st.just("0.5")))
    op = draw(st.sampled_from(["+", "-", "*", "/"]))
    return f"({draw(numbers(depth + 1))} {op} {draw(numbers(depth + 1))})"


@st.composite
def conditions(draw: st.DrawFn, depth: int = 0) -> str:
    leaf = st.one_of(
        st.builds(
            lambda a, op, b: f"{a} {op} {b}",
            numbers(),
            st.sampled_from(["<", "<=", "==", "!=", ">", ">="]),
            numbers(),
        ),
        st.builds(lambda a, b: f"{a} == {b}", TEXTS, TEXTS),
        st.builds(lambda a, b: f"{a} in {b}", TEXTS, LISTS),
        st.builds(lambda a: f"{a} exists", st.sampled_from(["shared_plan", "risk_management"])),
        st.builds(lambda a: f"{a} is empty", LISTS),
        st.just('all p in accountable_persons satisfy p.form == "dual_role"'),
        st.just(
            'any la in local_authorities where la.tier != "lower" satisfy la.name in '
            "shared_plan.agreed_by"
        ),
        st.just("shared_plan.published_on <= as_of - 6 months"),
    )
    if depth > 1 or draw(st.booleans()):
        return draw(leaf)
    kind = draw(st.sampled_from(["and", "or", "not"]))
    if kind == "not":
        return f"not ({draw(conditions(depth + 1))})"
    return f"({draw(conditions(depth + 1))}) {kind} ({draw(conditions(depth + 1))})"


def quote_free(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Expressions that can stand in an explanation hole (no string literals)."""
    return strategy.filter(lambda text: '"' not in text)


@st.composite
def rule_files(draw: st.DrawFn) -> str:
    rules = []
    for i in range(draw(st.integers(1, 3))):
        when = draw(st.one_of(st.none(), conditions()))
        hole = draw(st.one_of(NUMBERS, TEXTS, LISTS, numbers()).filter(lambda h: '"' not in h))
        rules.append(
            f"rule GEN-{i} {{\n"
            f'    title "Generated {i}" severity must due 2023-04-01\n'
            + (f"    applies when {when}\n" if when else "")
            + f"    require {draw(conditions())}\n"
            '    cite "004" section "Governance" "generated"\n'
            f'    explain "{{{hole}}} outcome(s) and {{{draw(quote_free(numbers()))}}}%; '
            f'{{{draw(quote_free(LISTS))}}}"\n'
            f'    explain met "met with {{{hole}}}"\n'
            f'    remedy "fix {{{draw(quote_free(TEXTS))}}}"\n'
            "}\n"
        )
    return HEADER + "".join(rules)


@settings(
    max_examples=max(150, BUDGET),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=BUDGET <= 100,
)
@given(text=rule_files(), doc=st.sampled_from(EXAMPLES), as_of=st.sampled_from(DATES))
def test_generated_code_agrees_on_generated_rules(text: str, doc: Any, as_of: str) -> None:
    program: Program = load_sources([Source(text, "generated.gr")], cache=False)
    generated = Engine(program, "python")
    assert all(r.code is not None for fp in generated._formats.values() for r in fp.runners)
    _same(generated, Engine(program, "python", reference=True), doc, as_of)
