"""A real ``govrules serve`` process on a free loopback port, spoken to over HTTP and raw TCP.

The raw-socket tests are the slow-client cases the test client cannot produce: a body that never
fully arrives (408, then the connection is closed), headers that never end (closed after the
header timeout), headers larger than 16 KiB (400). The server answers ``/healthz`` after each.
Timeouts are shortened to one second through ``GOVRULES_*_TIMEOUT``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import EXAMPLES
from .conftest import free_port

HOST = "127.0.0.1"
#: How long a raw client waits on a silent server: far beyond the one-second timeouts, so only a
#: server whose deadline never fires reaches it, however loaded the machine.
PATIENCE = 30.0


def govrules_cmd() -> list[str]:
    exe = shutil.which("govrules", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-c", "from govrules.cli import main; main()"]


def start(*args: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "GOVRULES_BODY_TIMEOUT": "1",
        "GOVRULES_HEADER_TIMEOUT": "1",
        # The register of a test server lives with the test, not in the user's home.
        "GOVRULES_DB": f"sqlite:///{tempfile.mkdtemp(prefix='govrules-serve-')}/register.db",
    }
    proc = subprocess.Popen(
        [*govrules_cmd(), "serve", "--host", HOST, "--port", str(port), *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the server did not start within 60 s")


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    proc, base = start("--engine", "python", "--max-body-bytes", "65536")
    try:
        yield base
    finally:
        stop(proc)


def healthy(base: str) -> bool:
    with urllib.request.urlopen(f"{base}/healthz", timeout=5) as r:
        return bool(json.loads(r.read()) == {"status": "ok"})


def post(base: str, path: str, body: bytes, content_type: str) -> tuple[int, dict[str, object]]:
    req = urllib.request.Request(
        base + path, data=body, method="POST", headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def raw(base: str, data: bytes, wait: float = 5.0) -> tuple[bytes, float]:
    """Send ``data``, then read until the server closes; the answer and how long it took."""
    port = int(base.rsplit(":", 1)[1])
    start_at = time.monotonic()
    with socket.create_connection((HOST, port), timeout=wait) as s:
        s.sendall(data)
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                raise AssertionError("the server kept the connection open") from None
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks), time.monotonic() - start_at


def test_assessment_over_http(server: str) -> None:
    body = (EXAMPLES / "riverside.yaml").read_bytes()
    status, report = post(server, "/v1/assessments?as_of=2023-09-30", body, "application/yaml")
    assert status == 200, report
    assert report["format"] == "govrules/report/v1" and report["compliant"] is False
    status, problem = post(
        server, "/v1/assessments", b'{"declaration": {"a": NaN}}', "application/json"
    )
    assert status == 400 and problem["code"] == "malformed_body"
    with urllib.request.urlopen(f"{server}/openapi.json", timeout=5) as r:
        assert "/v1/assessments" in json.loads(r.read())["paths"]
    with urllib.request.urlopen(f"{server}/docs", timeout=5) as r:
        assert r.status == 200


def test_body_that_never_arrives_is_cut_off(server: str) -> None:
    head = (
        b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 5000\r\n\r\n{"declaration":'
    )
    answer, took = raw(server, head, wait=PATIENCE)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    assert b"request_timeout" in answer and b"within 1 seconds" in answer
    assert took >= 0.9  # the body timeout fired, not before its time
    assert healthy(server)


def test_headers_without_end_are_cut_off(server: str) -> None:
    answer, took = raw(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n", PATIENCE)
    assert answer == b"" and took >= 0.9  # closed by the 1 s header timeout, not before
    huge = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 20_000 + b"\r\n"
    answer, _ = raw(server, huge)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:100]
    assert healthy(server)


def test_announced_oversize_body_is_413_at_once(server: str) -> None:
    head = (
        b"POST /v1/assessments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100000000\r\n\r\n"
    )
    answer, _ = raw(server, head, wait=PATIENCE)
    # A 413, not the 408 the one-second body timeout would give: the server answered without
    # waiting for the body it was never sent.
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert healthy(server)


def test_several_workers(tmp_path: Path) -> None:
    proc, base = start("--engine", "python", "--workers", "2")
    try:
        body = (EXAMPLES / "northshire.yaml").read_bytes()
        for _ in range(4):
            status, report = post(
                base, "/v1/assessments?as_of=2023-09-30", body, "application/yaml"
            )
            assert status == 200 and report["compliant"] is True
    finally:
        stop(proc)


def test_bad_rule_file_stops_start_up(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gr"
    bad.write_text('ruleset "x" version "1"\nrule X-1 {\n')
    result = subprocess.run(
        [*govrules_cmd(), "serve", "--port", str(free_port()), "--rules", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GOVRULES_DB": f"sqlite:///{tempfile.mkdtemp()}/register.db"},
    )
    assert result.returncode == 3, result.stderr
    # Rule files are named by their place under the path given, never the server's full path.
    assert "bad.gr:2:" in result.stderr and str(tmp_path) not in result.stderr
