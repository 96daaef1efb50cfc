"""A small, bounded load test of a running server (not collected by pytest).

    govrules serve --port 8000 &
    python tests/api/loadtest.py http://127.0.0.1:8000 --seconds 10 --connections 16

It posts ``examples/riverside.yaml`` to ``/v1/assessments`` from N concurrent keep-alive
connections for a fixed time and prints requests per second and latency percentiles.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

try:  # the transport the test client uses; httpx has the same API
    import httpx2 as httpx
except ImportError:  # pragma: no cover
    import httpx  # type: ignore[no-redef]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "riverside.yaml"


async def run(url: str, seconds: float, connections: int) -> None:
    body = EXAMPLE.read_bytes()
    latencies: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        end = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < end:
                start = time.perf_counter()
                r = await client.post(
                    "/v1/assessments?as_of=2023-09-30",
                    content=body,
                    headers={"content-type": "application/yaml"},
                )
                latencies.append(time.perf_counter() - start)
                if r.status_code != 200:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        took = time.perf_counter() - began
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{len(latencies)} requests in {took:.1f} s, {len(latencies) / took:.0f} req/s, "
        f"{errors} errors; latency p50 {q[49] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
        f"max {latencies[-1] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    asyncio.run(run(args.url, args.seconds, args.connections))


if __name__ == "__main__":
    main()
