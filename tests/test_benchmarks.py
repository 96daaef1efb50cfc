"""The benchmark suite keeps working: its hand-written floor agrees with the engine, and the
script runs. Timings are never asserted (they depend on the machine)."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from govrules import Engine
from govrules import PlaceDeclaration
from govrules import load_rulesets
from govrules.backends.durable_backend import available as durable_available

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from handwritten import verdicts  # noqa: E402
from mutations import AS_OF_DATES  # noqa: E402
from mutations import NATIONAL_RULES  # noqa: E402
from mutations import example_paths  # noqa: E402
from mutations import load_example_docs  # noqa: E402
from mutations import mutate  # noqa: E402

NATIONAL = "national-2022"
DOCS = load_example_docs()
NAMES = [p.stem for p in example_paths()]

# The keys issue 6 names, and the extra figures run.py adds beside them.
ISSUE_KEYS = [
    "compile_ms",
    "compile_ms_cold",
    "check_cold_ms",
    "eval_python_us",
    "eval_verdicts_us",
    "eval_reference_us",
    "eval_durable_us",
    "handwritten_us",
    "ratio_verdicts",
    "ratio_python",
    "ratio_reference",
    "ratio_durable",
    "batch_decl_per_s",
    "rss_growth_mb",
    "http_rps",
    "http_p99_ms",
    "http_baseline_rps",
    "http_ratio",
    "http_ratio_durable",
    "http_rps_1w",
    "http_p99_ms_1w",
    "http_baseline_rps_1w",
    "http_ratio_1w",
]
DURABLE_KEYS = {"eval_durable_us", "ratio_durable", "http_ratio_durable"}


@cache
def engine(name: str = "python", bundled: bool = False) -> Engine:
    return Engine(load_rulesets(None if bundled else [NATIONAL_RULES]), name)  # type: ignore[arg-type]


def engine_statuses(eng: Engine, decl: PlaceDeclaration, as_of: dt.date) -> dict[str, str]:
    return {f.rule: f.status for f in eng.evaluate(decl, as_of).findings if f.ruleset == NATIONAL}


def disagreements(eng: Engine, decl: PlaceDeclaration, as_of: dt.date) -> list[str]:
    """One line per rule on which the hand-written verdicts and the engine differ."""
    report = eng.evaluate(decl, as_of)
    theirs = {f.rule: f for f in report.findings if f.ruleset == NATIONAL}
    mine = verdicts(decl, as_of)
    out = []
    for rule in sorted(set(theirs) | set(mine)):
        f = theirs.get(rule)
        if f is None or rule not in mine or f.status != mine[rule]:
            out.append(
                f"{rule} on {as_of}: engine {f.status if f else '(no finding)'}, hand-written "
                f"{mine.get(rule, '(no verdict)')}; engine says: {f.explanation if f else ''}"
            )
    return out


def test_the_national_ruleset_has_the_rules_the_floor_knows() -> None:
    ids = {r.id for r in load_rulesets([NATIONAL_RULES]).rules}
    assert ids == set(verdicts(PlaceDeclaration.model_validate(DOCS[0]), AS_OF_DATES[0]))
    assert len(ids) == 28


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
@pytest.mark.parametrize("doc", DOCS, ids=NAMES)
def test_handwritten_agrees_with_the_engine_on_the_examples(doc: dict, as_of: dt.date) -> None:
    decl = PlaceDeclaration.model_validate(doc)
    assert disagreements(engine("python"), decl, as_of) == []
    # The national findings are the same when every bundled ruleset is loaded.
    assert engine_statuses(engine("python", bundled=True), decl, as_of) == verdicts(decl, as_of)


@pytest.mark.durable
@pytest.mark.skipif(not durable_available()[0], reason="durable_rules is not available")
@pytest.mark.parametrize("doc", DOCS, ids=NAMES)
def test_handwritten_agrees_with_durable_on_the_examples(doc: dict) -> None:
    decl = PlaceDeclaration.model_validate(doc)
    for as_of in AS_OF_DATES:
        assert disagreements(engine("durable"), decl, as_of) == []


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    which=st.integers(0, len(DOCS) - 1),
    rng=st.randoms(use_true_random=False),
    as_of=st.sampled_from(AS_OF_DATES),
)
def test_handwritten_agrees_with_the_engine_on_mutations(
    which: int, rng: random.Random, as_of: dt.date
) -> None:
    doc = mutate(DOCS[which], rng)
    decl = PlaceDeclaration.model_validate(doc)  # the mutations keep declarations valid
    assert disagreements(engine("python"), decl, as_of) == []


def test_mutations_reach_every_status_of_the_floor() -> None:
    """The generated declarations exercise the rules, not only the examples' verdicts."""
    rng = random.Random(6)
    seen: dict[str, set[str]] = {}
    for i in range(400):
        decl = PlaceDeclaration.model_validate(mutate(DOCS[i % len(DOCS)], rng))
        for rule, status in verdicts(decl, AS_OF_DATES[i % len(AS_OF_DATES)]).items():
            seen.setdefault(rule, set()).add(status)
    lacking = sorted(r for r, s in seen.items() if not {"pass", "fail"} <= s and r != "GOV-3")
    assert lacking == []


def test_run_py_quick_json_has_every_key() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--json", "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    durable_ok = durable_available()[0]
    for key in ISSUE_KEYS:
        assert key in result, key
        value = result[key]
        if value is None and key in DURABLE_KEYS and not durable_ok:
            assert result.get("durable_unavailable")
            continue
        assert isinstance(value, int | float) and not isinstance(value, bool), (key, value)
        assert math.isfinite(value), (key, value)
    assert result["machine"]["nproc"] >= 1
    assert result["machine"]["python"]
