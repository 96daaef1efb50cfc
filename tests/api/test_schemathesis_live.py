"""Schemathesis, every check, against a live `govrules serve` (with its register).

``schemathesis.toml`` at the repository root names the two operations that may refuse a
schema-valid body with 422, and why. The number of generated requests per operation is
``GOVRULES_FUZZ_EXAMPLES`` (default 10 here; a few hundred before a release).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import ROOT
from .conftest import free_port

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("GOVRULES_FUZZ_EXAMPLES", "10"))


def _st() -> list[str]:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "schemathesis.cli"]


@pytest.mark.parametrize("engine", ["python"])
def test_every_schemathesis_check_passes_against_a_live_server(tmp_path: Path, engine: str) -> None:
    port = free_port()
    env = {**os.environ, "GOVRULES_DB": f"sqlite:///{tmp_path}/register.db"}
    govrules = shutil.which("govrules", path=str(Path(sys.executable).parent)) or "govrules"
    server = subprocess.Popen(
        [govrules, "serve", "--port", str(port), "--engine", engine],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        run = subprocess.run(
            [
                *_st(),
                "run",
                f"{base}/openapi.json",
                "--checks",
                "all",
                "--max-examples",
                str(EXAMPLES),
                "--seed",
                "2022",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert run.returncode == 0, run.stdout[-4000:]
        assert "passed" in run.stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
