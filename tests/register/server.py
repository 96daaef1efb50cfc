"""A real ``govrules serve`` process on a register, for the durability tests and the load run.

The server runs in its own process group, so that :func:`kill` can end the parent and all its
workers at once with SIGKILL, as a crash or ``kill -9`` would.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


def govrules_cmd() -> list[str]:
    """The installed ``govrules`` command of this interpreter."""
    exe = shutil.which("govrules", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-c", "from govrules.cli import main; main()"]


def start(db: str, *args: str, workers: int = 2) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``govrules serve`` on ``db``; its process and base URL once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [*govrules_cmd(), "serve", "--host", HOST, "--port", str(port), "--db", db,
         "--workers", str(workers), "--engine", "python", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "GOVRULES_DB": ""},
    )  # fmt: skip
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode() if proc.stderr else "exited")
        try:
            with urllib.request.urlopen(f"{base}/v1/places", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except (OSError, urllib.error.HTTPError):
            time.sleep(0.1)
    kill(proc)
    raise AssertionError("the server did not start within 90 s")


def kill(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server and its workers (its whole process group)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server as Ctrl-C would, or kill it if it does not stop."""
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        kill(proc)


def post(base: str, path: str, value: Any, timeout: float = 30) -> tuple[int, dict[str, Any]]:
    """POST JSON; the status and the JSON answer."""
    request = urllib.request.Request(
        base + path,
        data=json.dumps(value).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())
