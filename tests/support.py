"""Helpers shared by the tests: the spec's example declaration and a tiny rule builder."""

from __future__ import annotations

from pathlib import Path

import yaml

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
