"""Hooks that make pytest-bdd speak to policy reviewers (used by conftest.py)."""

from __future__ import annotations

import difflib
from typing import Any

import pytest

from steps import KNOWN_STEPS


def pytest_bdd_apply_tag(tag: str, function: Any) -> Any:
    """Tags name areas and rule IDs for readers and tools; they are not pytest markers."""
    return True


def pytest_bdd_step_func_lookup_error(
    request: Any, feature: Any, scenario: Any, step: Any, exception: Exception
) -> None:
    written = f"{step.keyword} {step.name}".strip()
    close = difflib.get_close_matches(written, KNOWN_STEPS, n=3, cutoff=0.4)
    suggestions = "\n".join(f"    {s}" for s in close) or "    (none close; see features/README.md)"
    pytest.fail(
        f"{feature.rel_filename}:{step.line_number}: no step is defined for\n"
        f"    {written}\n"
        f"The closest known steps are:\n{suggestions}\n"
        "Every step, with an example, is listed in features/README.md.",
        pytrace=False,
    )
