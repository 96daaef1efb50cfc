"""Every text drawn from the grammar either loads or raises our own error, never anything else."""

from __future__ import annotations

from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from govrules.errors import GovrulesError
from govrules.evaluator import load_sources
from govrules.source import Source
from govrules.syntax import grammar_text

_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# An uncached parser: hypothesis reads the grammar object itself.
_GRAMMAR = Lark(grammar_text(), parser="lalr", start=["start", "expr"])
_EXPLICIT = {
    # Separate tokens with a space so keywords stay words; keep names from the declaration.
    "IDENT": st.sampled_from(
        ["accountable_persons", "x", "place", "name", "count_of", "as_of_"]
    ).map(lambda s: f" {s} "),
    "STRING": st.sampled_from(['"004"', '"a {x} b"', '"{count(accountable_persons)}"', '"{"']).map(
        lambda s: f" {s} "
    ),
    "RULE_ID": st.sampled_from(["SAP-1", "GOV-2", "A-B-1"]).map(lambda s: f" {s} "),
}


def _load(text: str) -> None:
    try:
        load_sources([Source(text, "fuzz.gr")])
    except GovrulesError as err:
        assert str(err)  # every error renders


@_SETTINGS
@given(from_lark(_GRAMMAR, start="start", explicit=_EXPLICIT))
@example('ruleset "t" version "1"\nrule A-1 { require GOV-1 is met }')
def test_grammar_strings_load_or_raise_govrules_errors(text: str) -> None:
    _load(text)


@_SETTINGS
@given(
    st.text(
        alphabet=st.sampled_from(list('rule{}()[]"\\ \n.*-=<>!&|#abcSAP-12345,:')), max_size=200
    )
)
def test_arbitrary_text_loads_or_raises_govrules_errors(text: str) -> None:
    _load('ruleset "t" version "1"\n' + text)
