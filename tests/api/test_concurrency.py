"""Many assessments at once give exactly the single-threaded reports, on both engines.

durable_rules is not thread-safe; the back-end serialises every call into it while requests are
still served concurrently (parsing, validation and the Python interpreter run in parallel
threads). The client here is shared by 16 threads, so requests overlap in the server's thread
pool.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from govrules.api import Settings
from govrules.api import create_app
from govrules.declaration import load_declaration
from govrules.evaluator import Engine
from govrules.evaluator import load_rulesets

from .conftest import EXAMPLES
from .conftest import YAML
from .conftest import engine_param

CASES = [
    (name, date)
    for name in ("northshire.yaml", "riverside.yaml")
    for date in ("2022-07-01", "2023-06-30", "2023-09-30", "2025-01-01")
]


@pytest.mark.parametrize("engine", [engine_param("python"), engine_param("durable")])
def test_concurrent_assessments_match_single_threaded(engine: str) -> None:
    single = Engine(load_rulesets(), engine)  # type: ignore[arg-type]
    expected = {
        (name, date): json.dumps(single.evaluate(load_declaration(EXAMPLES / name), date).to_json())
        for name, date in CASES
    }
    bodies = {name: (EXAMPLES / name).read_bytes() for name, _ in CASES}
    app = create_app(Settings(engine=engine))  # type: ignore[arg-type]
    jobs = CASES * 12  # 192 requests

    with TestClient(app) as client:

        def call(case: tuple[str, str]) -> tuple[tuple[str, str], int, str]:
            name, date = case
            r = client.post(f"/v1/assessments?as_of={date}", content=bodies[name], headers=YAML)
            return case, r.status_code, json.dumps(r.json())

        with ThreadPoolExecutor(max_workers=16) as pool:
            results = list(pool.map(call, jobs))

    assert len(results) == len(jobs)
    for case, status, body in results:
        assert status == 200, body
        assert body == expected[case], case
