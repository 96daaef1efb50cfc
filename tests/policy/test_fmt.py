"""``govrules fmt``: canonical, idempotent, and the same syntax tree with the same comments."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import assume
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark
from lark import Token

from govrules.cli import main
from govrules.errors import RuleSyntaxError
from govrules.fmt import _layout_parser
from govrules.fmt import format_text
from govrules.fmt import scan_comments
from govrules.source import Source
from govrules.syntax import grammar_text
from govrules.syntax import parse_module

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = sorted((ROOT / "rules").rglob("*.gr"))
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def _check_properties(text: str) -> str:
    """Format once and again; the tree, the comments and the output must hold still."""
    source = Source(text, "t.gr")
    once = format_text(source)
    assert parse_module(Source(once, "t.gr")) == parse_module(source)
    assert sorted(c.text for c in scan_comments(once)) == sorted(
        c.text for c in scan_comments(text)
    )
    assert format_text(Source(once, "t.gr")) == once
    return once


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: str(p.relative_to(ROOT)))
def test_bundled_rules_keep_tree_and_comments_and_are_stable(path: Path) -> None:
    once = _check_properties(path.read_text(encoding="utf-8"))
    assert once.endswith("}\n") or once.endswith("\n")
    assert "\t" not in once and not re.search(r" +\n", once)


# ---------------------------------------------------------------- grammar-drawn texts

_GRAMMAR = Lark(grammar_text(), parser="lalr", start=["start", "expr"])
_EXPLICIT = {
    "IDENT": st.sampled_from(["x", "place", "accountable_persons", "name"]).map(lambda s: f" {s} "),
    "STRING": st.sampled_from(
        ['"004"', '"a {x} b"', '"two words and more words"', '""', '"{{braces}} \\" q"']
    ).map(lambda s: f" {s} "),
    "RULE_ID": st.sampled_from(["SAP-1", "GOV-2"]).map(lambda s: f" {s} "),
    "DATE": st.sampled_from(["2023-04-01", "2024-02-29"]).map(lambda s: f" {s} "),
    "DURATION": st.sampled_from(["1 day", "15  months", "2weeks"]).map(lambda s: f" {s} "),
    "NUMBER": st.sampled_from(["0", "12", "0.5"]).map(lambda s: f" {s} "),
    # Comments end their line, so they can fall between any two tokens.
    "COMMENT": st.sampled_from(["# note", "#", "# a 'quoted' \"thing\""]).map(lambda s: f" {s}\n"),
}


@SETTINGS
@given(from_lark(_GRAMMAR, start="start", explicit=_EXPLICIT))
@example('ruleset "t" version "1"\nrule A-1 { require x # c\n and not x }')
@example('ruleset "t" version "1" # c\n# d\n\n\n\n# e\nparam x: list = [ # f\n1, 2 # g\n]')
def test_grammar_drawn_texts_format_to_the_same_tree(text: str) -> None:
    try:
        parse_module(Source(text, "t.gr"))
    except RuleSyntaxError:
        assume(False)
    _check_properties(text)


# ---------------------------------------------------------------- one canonical layout


def _relaid(text: str, rng: random.Random) -> str:
    """The same tokens and comments with other spaces, line breaks and string splits."""
    tree = _layout_parser().parse(text)
    tokens = sorted(tree.scan_values(lambda v: isinstance(v, Token)), key=lambda t: t.start_pos)
    in_texts = {id(t) for sub in tree.find_data("text") for t in sub.children}
    out: list[str] = []
    at = 0
    for tok in tokens:
        gap = text[at : tok.start_pos]
        if "#" in gap:
            out.append(gap)  # comments keep their lines
        elif "\n" in gap:
            out.append("\n" * gap.count("\n") + " " * rng.choice([0, 1, 4, 9]))
        else:
            out.append(rng.choice([" ", "  ", "\n   "]) if gap or rng.random() < 0.3 else "")
        word = str(tok)
        cut = _space_outside_holes(word)
        if id(tok) in in_texts and cut and rng.random() < 0.5:
            word = word[: cut + 1] + '" "' + word[cut + 1 :]  # split the string after a space
        out.append(word)
        at = tok.end_pos or at
    out.append(text[at:])
    return "".join(out)


def _space_outside_holes(word: str) -> int:
    """The first space of a string token that is not inside a ``{value}`` (0 if none)."""
    depth = 0
    for i, c in enumerate(word):
        depth += {"{": 1, "}": -1}.get(c, 0)
        if c == " " and depth == 0:
            return i
    return 0


@settings(max_examples=6, deadline=None, phases=[Phase.explicit, Phase.generate])
@given(st.sampled_from(BUNDLED), st.randoms(use_true_random=False))
def test_any_layout_of_a_bundled_file_formats_the_same(path: Path, rng: random.Random) -> None:
    text = path.read_text(encoding="utf-8")
    variant = _relaid(text, rng)
    assert variant != text
    assert format_text(Source(variant, "v.gr")) == format_text(Source(text, "t.gr"))


# ---------------------------------------------------------------- the layout itself

_BEFORE = """\
ruleset "demo"   version "1"
param   due_on : date=2023-04-01 because "why"   # trailing
rule B-1 {
   remedy "Do it"
   require   a.b==1 and(c or d)   # the test
   # about the title
   title "T"
   severity must
   let a =  [ x  for x in y where x>1 ]
   cite "s" section "1" "said"
   explain "no"
   due due_on
}
"""

_AFTER = """\
ruleset "demo" version "1"

param due_on: date = 2023-04-01
    because "why"  # trailing

rule B-1 {
    # about the title
    title "T"
    severity must
    due due_on
    let a = [x for x in y where x > 1]
    require a.b == 1 and (c or d)  # the test
    cite "s" section "1"
        "said"
    explain "no"
    remedy "Do it"
}
"""


def test_clause_order_spacing_and_comments() -> None:
    assert format_text(Source(_BEFORE, "demo.gr")) == _AFTER


def test_long_texts_are_refilled_under_their_first_quote() -> None:
    words = " ".join(f"word{i}" for i in range(40))
    text = f'ruleset "d" version "1"\nparam p: number = 1 because "{words}"\n'
    out = format_text(Source(text, "d.gr"))
    lines = out.splitlines()[3:]  # the header, a blank line, the parameter
    assert all(len(x) <= 100 for x in lines)
    assert lines[0].startswith('    because "word0 ')
    assert all(x.startswith(" " * 12 + '"') for x in lines[1:])


def test_a_file_that_does_not_parse_is_reported_not_formatted() -> None:
    with pytest.raises(RuleSyntaxError) as err:
        format_text(Source('ruleset "d" version "1"\nrule A-1 { require x = 1 }\n', "bad.gr"))
    assert err.value.diagnostics[0].headline().startswith("bad.gr:2:")


# ---------------------------------------------------------------- the command


def test_cli_check_diff_and_rewrite(tmp_path: Path) -> None:
    messy = tmp_path / "messy.gr"
    messy.write_text(_BEFORE)
    tidy = tmp_path / "sub" / "tidy.gr"
    tidy.parent.mkdir()
    tidy.write_text(_AFTER)
    runner = CliRunner()
    check = runner.invoke(main, ["fmt", "--check", str(tmp_path)])
    assert check.exit_code == 1
    assert f"would reformat {messy}" in check.output and str(tidy) not in check.output
    assert messy.read_text() == _BEFORE  # --check changes nothing
    diff = runner.invoke(main, ["fmt", "--diff", str(messy)])
    assert diff.exit_code == 0
    assert f"--- a/{messy}" in diff.output and '+    title "T"' in diff.output
    assert messy.read_text() == _BEFORE
    done = runner.invoke(main, ["fmt", str(tmp_path)])
    assert done.exit_code == 0 and f"reformatted {messy}" in done.output
    assert messy.read_text() == _AFTER
    assert runner.invoke(main, ["fmt", "--check", str(tmp_path)]).exit_code == 0


def test_cli_refuses_a_file_that_does_not_parse(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gr"
    text = 'ruleset "d" version "1"\nrule A-1 { require x = 1 }\n'
    bad.write_text(text)
    result = CliRunner().invoke(main, ["fmt", str(bad)])
    assert result.exit_code == 3
    assert f"{bad}:2:22: unexpected_symbol" in result.output
    assert bad.read_text() == text
    assert CliRunner().invoke(main, ["fmt", str(tmp_path / "none.gr")]).exit_code == 2
