"""Shared fixtures: the spec's example declaration and a tiny rule-file builder."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from govrules.checker import Program
from govrules.evaluator import load_sources
from govrules.source import Source

ROOT = Path(__file__).resolve().parents[1]
SPEC_EXAMPLE = yaml.safe_load((ROOT / "tests" / "data" / "spec_example.yaml").read_text())

HEADER = 'ruleset "t" version "1"\nsource "004" "NHS Providers briefing"\n'


def rule(rule_id: str, require: str, *, extra: str = "", due: str = "2023-04-01") -> str:
    """A complete rule with placeholder prose around the parts a test cares about."""
    return (
        f"rule {rule_id} {{\n"
        f'    title "{rule_id} title" severity must due {due}\n'
        f"{extra}"
        f"    require {require}\n"
        f'    cite "004" section "Governance" "test citation"\n'
        f'    explain "{rule_id} failed"\n'
        f'    remedy "fix {rule_id}"\n'
        "}\n"
    )


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
