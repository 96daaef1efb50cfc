"""Golden reports: every bundled example, checked on a fixed date, gives its reviewed report.

Refresh after an intended change with ``GOVRULES_UPDATE_GOLDEN=1 python -m pytest
tests/test_golden.py`` and review the diff like any other change.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from govrules import evaluate
from govrules import load_declaration
from govrules import load_rulesets
from govrules.backends.durable_backend import available as durable_available

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
    p for p in (ROOT / "examples").glob("*.json") if not p.name.endswith(".request.json")
)
GOLDEN = ROOT / "tests" / "golden"
AS_OF = "2023-09-30"
UPDATE = os.environ.get("GOVRULES_UPDATE_GOLDEN") == "1"
ENGINES = ["python"] + (["durable"] if durable_available()[0] else [])


def _normalised(doc: dict[str, object]) -> dict[str, object]:
    doc = dict(doc)
    doc.pop("engine")  # the same report is expected from both engines
    return doc


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 2


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_gives_its_golden_report(example: Path, engine: str) -> None:
    program = load_rulesets()
    source = str(example.relative_to(ROOT))
    report = evaluate(
        program,
        load_declaration(example),
        AS_OF,
        engine=engine,  # type: ignore[arg-type]
        source=source,
    )
    actual = _normalised(report.to_json())
    golden = GOLDEN / f"{example.stem}.{AS_OF}.json"
    if UPDATE and engine == "python":
        golden.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n")
    assert golden.exists(), (
        f"no golden report for {example.name}; run with GOVRULES_UPDATE_GOLDEN=1"
    )
    assert actual == json.loads(golden.read_text())
