"""The documented vocabulary and the step definitions stay in step."""

from __future__ import annotations

from pathlib import Path

import pytest

from steps import KNOWN_STEPS

GUIDE = (Path(__file__).resolve().parents[2] / "features" / "README.md").read_text()


@pytest.mark.parametrize("example", KNOWN_STEPS)
def test_every_step_example_is_in_the_reviewer_guide(example: str) -> None:
    assert f"`{example}`" in GUIDE
