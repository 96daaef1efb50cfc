"""Nothing lost, with real ``govrules serve`` processes on SQLite and on PostgreSQL.

One server with two workers first takes concurrent submissions for one place from several
clients (they must get distinct versions, in commit order), then a load on several places,
during which it is killed with SIGKILL (parent and workers, as ``kill -9`` or a power cut of
the process would). Every acknowledged submission must then be in the register, no version may
be half-stored (each has its assessment and its audit entry, and versions have no gaps), and a
restarted server goes on from there.
"""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from govrules.register import Register
from govrules.register.identity import content_hash

from . import server
from .conftest import place


def _doc(place_id: str, n: int) -> dict[str, Any]:
    return place(place_id=place_id, **{"place.population": 100000 + n})


def _submit(base: str, place_id: str, doc: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return server.post(
        base,
        f"/v1/places/{place_id}/declarations",
        {"declaration": doc, "as_of": "2023-09-30"},
        timeout=10,
    )


def _concurrent_versions(base: str, db_url: str) -> None:
    docs = [_doc("northshire", n) for n in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda d: _submit(base, "northshire", d), docs))
    assert all(status == 201 for status, _ in answers), answers[:2]
    assert sorted(a["version"] for _, a in answers) == list(range(1, 17))
    register = Register.open(db_url)
    try:
        for doc, (_, answer) in zip(docs, answers, strict=True):
            assert answer["sha256"] == content_hash(doc)
            assert register.declaration("northshire", answer["version"]) == doc
        history = sorted(register.place("northshire")["history"], key=lambda h: h["version"])
        stamps = [h["submitted_at"] for h in history]
        assert stamps == sorted(stamps)  # version order is commit order
    finally:
        register.close()


def _load_then_kill(base: str, proc: Any) -> list[tuple[str, int, str]]:
    acknowledged: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    counter = itertools.count()
    stop = threading.Event()

    def client(place_id: str) -> None:
        while not stop.is_set():
            doc = _doc(place_id, next(counter))
            try:
                status, answer = _submit(base, place_id, doc)
            except OSError:
                return  # the server is gone
            assert status == 201, answer
            with lock:
                acknowledged.append((place_id, answer["version"], answer["sha256"]))

    threads = [
        threading.Thread(target=client, args=(f"place-{i % 3}",), daemon=True) for i in range(8)
    ]
    for t in threads:
        t.start()
    # Kill once 30 submissions are acknowledged, however long a loaded machine takes; the
    # deadline only stops a stuck server from hanging the test, far beyond any normal run.
    deadline = time.monotonic() + 300
    while len(acknowledged) < 30 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill(proc)  # SIGKILL, with requests in flight
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) >= 30
    return acknowledged


def _nothing_lost(db_url: str, acknowledged: list[tuple[str, int, str]]) -> None:
    register = Register.open(db_url)
    try:
        for place_id, version, sha in acknowledged:
            assert content_hash(register.declaration(place_id, version)) == sha
        added = {
            (e["place"], e["detail"]["version"])
            for e in register.audit_log()
            if e["action"] == "declaration.add"
        }
        for entry in register.places():
            versions = sorted({h["version"] for h in register.place(entry["place"])["history"]})
            assert versions == list(range(1, entry["version"] + 1))
            assert {(entry["place"], v) for v in versions} <= added
    finally:
        register.close()


def test_two_workers_order_versions_and_kill_9_loses_nothing(db_url: str) -> None:
    proc, base = server.start(db_url, workers=2)
    try:
        _concurrent_versions(base, db_url)
        acknowledged = _load_then_kill(base, proc)
    finally:
        server.kill(proc)
    _nothing_lost(db_url, acknowledged)

    proc, base = server.start(db_url, workers=1)
    try:
        latest = max(v for p, v, _ in acknowledged if p == "place-0")
        status, answer = _submit(base, "place-0", _doc("place-0", 10**6))
        assert status == 201 and answer["version"] > latest
    finally:
        server.stop(proc)
