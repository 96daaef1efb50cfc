"""The documented vocabulary and the step definitions stay in step."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd.steps import step_function_context_registry

import steps
from steps import KNOWN_STEPS

GUIDE = (Path(__file__).resolve().parents[2] / "features" / "README.md").read_text()

#: Every step definition of the vocabulary, as (kind, pattern, parser).
DEFINITIONS = [
    (c.type, c.parser.name, c.parser)
    for c in list(step_function_context_registry.values())
    if c.step_func.__module__ == steps.__name__
]


def _split(example: str) -> tuple[str, str]:
    keyword, _, text = example.partition(" ")
    return keyword.lower(), text


@pytest.mark.parametrize("example", KNOWN_STEPS)
def test_every_step_example_is_in_the_reviewer_guide(example: str) -> None:
    assert f"`{example}`" in GUIDE


@pytest.mark.parametrize("example", KNOWN_STEPS)
def test_every_example_matches_exactly_one_step(example: str) -> None:
    kind, text = _split(example)
    matching = [
        pattern for t, pattern, parser in DEFINITIONS if t == kind and parser.is_matching(text)
    ]
    assert len(matching) == 1, f"{example!r} matches {matching}"


@pytest.mark.parametrize(("kind", "pattern"), [(t, p) for t, p, _ in DEFINITIONS])
def test_every_step_has_an_example(kind: str, pattern: str) -> None:
    parser = next(parser for t, p, parser in DEFINITIONS if (t, p) == (kind, pattern))
    examples = [text for k, text in map(_split, KNOWN_STEPS) if k == kind]
    assert any(parser.is_matching(text) for text in examples), (
        f"the step '{kind} {pattern}' has no example in KNOWN_STEPS (and features/README.md)"
    )
