"""The type inference's dispatch over expression nodes."""

from __future__ import annotations

from govrules import ast
from govrules.checker_scope import _INFER


def test_every_expression_node_kind_is_typed() -> None:
    # A node kind without an entry would be typed "any" and pass every check unseen.
    kinds = {
        value
        for value in vars(ast).values()
        if isinstance(value, type) and issubclass(value, ast.Expr) and value is not ast.Expr
    }
    assert len(kinds) >= 17
    assert set(_INFER) == kinds
