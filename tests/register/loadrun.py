"""A short, bounded load run of the register (not collected by pytest).

    python tests/register/loadrun.py --db sqlite --seconds 20 --clients 8 --workers 2
    python tests/register/loadrun.py --db postgresql --seconds 20 --clients 8 --workers 2
    python tests/register/loadrun.py --db postgresql+psycopg://u@host/db …

It starts ``govrules serve`` on a fresh register (a temporary SQLite file, or a database on a
throwaway PostgreSQL cluster), then N clients on loopback each submit new declarations (a new
version every time, spread over six places) for the given time, and prints submissions per
second and latency percentiles. Every submission is a full one: parse, validate, assess on the
Python engine, store the version, its report and the audit entry in one transaction.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.register import pg  # noqa: E402
from tests.register import server  # noqa: E402
from tests.register.conftest import place  # noqa: E402


def run(db: str, seconds: float, clients: int, workers: int) -> None:
    proc, base = server.start(db, workers=workers)
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = itertools.count()
    docs = {f"load-{i}": place(place_id=f"load-{i}") for i in range(6)}
    end = time.perf_counter() + seconds

    def client(k: int) -> None:
        nonlocal errors
        place_id = f"load-{k % 6}"
        while time.perf_counter() < end:
            doc = {**docs[place_id], "place": {**docs[place_id]["place"]}}
            doc["place"]["population"] = 100000 + next(counter)
            began = time.perf_counter()
            status, _ = server.post(
                base,
                f"/v1/places/{place_id}/declarations",
                {"declaration": doc, "as_of": "2023-09-30"},
            )
            took = time.perf_counter() - began
            with lock:
                latencies.append(took)
                errors += status != 201

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    server.stop(proc)
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{db.split(':')[0]}: {len(latencies)} submissions in {took:.1f} s "
        f"({workers} workers, {clients} clients): {len(latencies) / took:.1f}/s, {errors} errors; "
        f"latency p50 {q[49] * 1000:.0f} ms, p99 {q[98] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="sqlite", help="sqlite, postgresql, or a register URL")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cluster = None
    if args.db == "sqlite":
        url = f"sqlite:///{tempfile.mkdtemp(prefix='govrules-load-')}/register.sqlite3"
    elif args.db == "postgresql":
        why = pg.unavailable()
        if why:
            sys.exit(f"cannot start PostgreSQL: {why}")
        cluster = pg.Cluster().start()
        url = cluster.database()
    else:
        url = args.db
    try:
        run(url, args.seconds, args.clients, args.workers)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()
