"""The parser: text to AST, spans, equality that ignores positions, templates."""

from __future__ import annotations

import datetime as dt

import pytest

from govrules import ast
from govrules.errors import RuleSyntaxError
from govrules.source import Source
from govrules.source import Span
from govrules.syntax import parse_expression
from govrules.syntax import parse_module


def test_precedence_and_or_not() -> None:
    e = parse_expression("not a or b and c")
    assert e == ast.Or((ast.Not(ast.Path("a")), ast.And((ast.Path("b"), ast.Path("c")))))


def test_arithmetic_is_left_associative_and_binds_tighter_than_comparison() -> None:
    e = parse_expression("a - b - c * 2 >= 0.8")
    inner = ast.Binary("-", ast.Path("a"), ast.Path("b"))
    left = ast.Binary("-", inner, ast.Binary("*", ast.Path("c"), ast.Literal(2)))
    assert e == ast.Compare(">=", left, ast.Literal(0.8))


def test_paths_literals_and_rule_references() -> None:
    e = parse_expression('accountable_persons[0].agreed_by contains "x" and GOV-2 is not met')
    assert isinstance(e, ast.And)
    first, second = e.operands
    assert first == ast.Compare(
        "contains",
        ast.Path("accountable_persons", (ast.IndexStep(0), ast.FieldStep("agreed_by"))),
        ast.Literal("x"),
    )
    assert second == ast.RuleRef("GOV-2", "met", negated=True)
    assert parse_expression("2023-04-01 <= as_of") == ast.Compare(
        "<=", ast.Literal(dt.date(2023, 4, 1)), ast.AsOf()
    )


def test_quantifier_body_binds_like_not() -> None:
    e = parse_expression("all x in xs satisfy x.a and b")
    assert isinstance(e, ast.And)
    assert isinstance(e.operands[0], ast.Quantifier)


def test_collect_and_rule_lists() -> None:
    e = parse_expression('[la.name for la in local_authorities where la.tier == "upper"]')
    assert isinstance(e, ast.Collect) and e.var == "la" and e.where is not None
    assert parse_expression("unmet(A-1, B-2)") == ast.RuleList(False, ("A-1", "B-2"))


def test_spans_point_at_the_source_and_do_not_affect_equality() -> None:
    e = parse_expression("  x  ==   1")
    assert e.span == Span(1, 3, 1, 12)
    assert e == parse_expression("x==1")


def test_keywords_do_not_swallow_longer_names() -> None:
    e = parse_expression("in_post_from exists and counted exists")
    assert isinstance(e, ast.And)
    assert e.operands[0] == ast.Test("exists", ast.Path("in_post_from"))


def test_module_with_templates_and_text() -> None:
    text = (
        'ruleset "t" version "1"\n'
        'source "004" "briefing"\n'
        'param due_a: date = 2023-04-01 because "AMB-1"\n'
        "rule SAP-4 {\n"
        '    title "one"\n'
        '    explain "{count(accountable_persons)} named; "\n'
        '            "{{braces}} stay"\n'
        "}\n"
    )
    module = parse_module(Source(text, "t.gr"))
    assert module.header == ast.Header("t", "1", None)  # the checker supplies the default
    assert module.params[0].value == ast.Literal(dt.date(2023, 4, 1))
    rule = module.rules[0]
    assert rule.text.startswith("rule SAP-4 {") and rule.text.endswith("}")
    assert rule.explain is not None
    hole, rest = rule.explain.parts
    assert hole == ast.Call("count", ast.Path("accountable_persons"))
    assert rest == " named; {braces} stay"
    assert isinstance(hole, ast.Call) and hole.span.line == 6 and hole.span.column == 15


@pytest.mark.parametrize("text", ["a ==", "(a", "a b", "'x'", "a && b", ""])
def test_bad_expressions_raise_rule_syntax_error(text: str) -> None:
    with pytest.raises(RuleSyntaxError):
        parse_expression(text)
