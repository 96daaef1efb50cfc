"""Shared fixtures: the spec's example declaration and a tiny rule-file builder."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from govrules.checker import Program
from govrules.evaluator import load_sources
from govrules.source import Source
from support import HEADER
from support import SPEC_EXAMPLE


@pytest.fixture
def spec_example() -> dict[str, Any]:
    """A fresh, mutable copy of the example declaration of declaration.md."""
    return copy.deepcopy(SPEC_EXAMPLE)


@pytest.fixture
def program_of() -> Callable[[str], Program]:
    """Build a program from rule text (the header is added)."""

    def build(body: str) -> Program:
        return load_sources([Source(HEADER + body, "test.gr")])

    return build
