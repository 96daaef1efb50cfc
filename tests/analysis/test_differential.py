"""The solver's reading of every bundled rule agrees with the interpreter, declaration by
declaration.

Hypothesis writes random declarations of both formats (from the declaration models: optional
facts left out, enumerations, texts that the rules write in other spellings, dates around the
due dates). Each is fixed as the values of the symbolic declaration; the solver must accept it
(a valid declaration lies in the analysed space) and then say, for every rule, that it applies
and passes exactly when the Python interpreter says so.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import z3
from hypothesis import HealthCheck
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from pydantic import BaseModel

from govrules import Engine
from govrules import load_rulesets
from govrules import types as T
from govrules.analysis.space import LIST_BOUND
from govrules.analysis.space import SLUG
from govrules.analysis.space import YEAR_LABEL
from govrules.analysis.space import Space
from govrules.analysis.space import facts_of
from govrules.analysis.translate import Translator
from govrules.analysis.values import Texts
from govrules.declaration import validate_declaration
from govrules.errors import DeclarationError
from govrules.formats import DECLARATION_FORMATS

PROGRAM = load_rulesets()
ENGINE = Engine(PROGRAM, "python")
TEXTS = Texts()
SPACES = {fmt: Space(model, TEXTS) for fmt, model in DECLARATION_FORMATS.items()}
TRANSLATOR = Translator(PROGRAM, SPACES, TEXTS)
FORMULAS = {r.id: TRANSLATOR.rule(r.id) for r in PROGRAM.rules}


def _pool() -> list[str]:
    words = {str(v) for p in PROGRAM.params.values() for v in _flat(p.value) if isinstance(v, str)}
    words |= {"NHS Northshire ICB", "Northshire County Council", "Other Council", "A", "B"}
    spelled = {w.upper() for w in words} | {f"  {w}  " for w in words}
    return sorted(words | spelled | {"Health & Wellbeing Board", "health and wellbeing board"})


def _flat(value: Any) -> list[Any]:
    return list(value) if isinstance(value, tuple) else [value]


POOL = _pool()
DATES = [dt.date(2021, 3, 31), dt.date(2022, 6, 30), dt.date(2023, 2, 28), dt.date(2023, 4, 1),
         dt.date(2023, 12, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31), dt.date(2025, 1, 31),
         dt.date(2025, 12, 31), dt.date(2026, 3, 31)]  # fmt: skip


def _scalar(t: T.Type, annotation: Any, meta: list[Any]) -> st.SearchStrategy[Any]:
    facts, _ = facts_of(annotation, meta)
    if t.kind == "string":
        if t.choices:
            return st.sampled_from(t.choices)
        if facts.pattern == SLUG:
            return st.just("example")
        if facts.pattern == YEAR_LABEL:
            return st.sampled_from(["2021/22", "2022/23", "2023/24", "2024/25"])
        return st.sampled_from(POOL)
    if t.kind == "number":
        low = int(facts.lower or 0)
        if facts.whole:
            return st.integers(low, low + 4)
        return st.sampled_from([0, 0.5, 1, 2.5, 100]).filter(lambda x: x >= low)
    if t.kind == "date":
        return st.sampled_from(DATES)
    if t.kind == "bool":
        return st.booleans()
    raise AssertionError(t)


def _value(t: T.Type, annotation: Any, meta: list[Any]) -> st.SearchStrategy[Any]:
    if t.kind == "object" and t.model is not None:
        return _object(t.model)
    if t.kind == "list":
        facts, base = facts_of(annotation, meta)
        args = getattr(base, "__args__", None) or (Any,)
        item = _value(t.item or T.ANY, args[0], [])
        return st.lists(item, min_size=facts.min_items, max_size=LIST_BOUND)
    return _scalar(t, annotation, meta)


def _object(model: type[BaseModel]) -> st.SearchStrategy[dict[str, Any]]:
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, t in T.model_fields(model).items():
        info = model.model_fields[name]
        if name == "starts_on":
            continue  # must agree with the year label: left out
        strategy = _value(t, info.annotation, info.metadata)
        (optional if t.optional else required)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


def _check(fmt: str, doc: dict[str, Any], as_of: dt.date) -> None:
    try:
        validated = validate_declaration(doc)
    except DeclarationError:
        assume(False)
        raise
    plain = validated.model_dump()
    extra: dict[str, int] = {}
    space = SPACES[fmt]
    solver = z3.Solver()
    solver.add(*space.constraints)
    for _, constraints in space.definitions:
        solver.add(*constraints)
    solver.add(*space.bind(plain, as_of, extra))
    assert solver.check() == z3.sat, "a valid declaration fell outside the analysed space"
    model = solver.model()
    report = ENGINE.evaluate(validated, as_of)
    for finding in report.findings:
        f = FORMULAS[finding.rule]
        applicable = finding.status != "not_applicable"
        met = finding.status == "pass" or bool(finding.would_pass)
        got_applicable = z3.is_true(model.eval(f.applicable, model_completion=True))
        got_met = z3.is_true(model.eval(f.passes, model_completion=True))
        assert (got_applicable, got_met) == (applicable, met), (finding.rule, finding.status)


@pytest.mark.parametrize("fmt", sorted(DECLARATION_FORMATS))
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data(), as_of=st.dates(dt.date(2021, 1, 1), dt.date(2028, 12, 31)))
def test_the_solver_agrees_with_the_interpreter(fmt: str, data: Any, as_of: dt.date) -> None:
    doc = data.draw(_object(DECLARATION_FORMATS[fmt]))
    _check(fmt, doc, as_of)


def test_the_favourable_example_agrees_too() -> None:
    """A complete, compliant declaration: the cases where every rule applies and passes."""
    import yaml

    from support import ROOT

    doc = yaml.safe_load((ROOT / "examples" / "northshire.yaml").read_text(encoding="utf-8"))
    for name in ("local_authorities", "accountable_persons", "partners"):
        doc[name] = doc.get(name, [])[:LIST_BOUND]
    _check("govrules/place/v1", doc, dt.date(2024, 6, 30))
