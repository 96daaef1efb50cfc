"""Fixtures for the HTTP API tests: one application per engine, built once per session."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from govrules.api import Settings
from govrules.api import create_app
from govrules.backends.durable_backend import available as durable_available

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
YAML = {"content-type": "application/yaml"}
ENGINES = ["python", "durable"]


def engine_param(name: str) -> object:
    """A pytest param for an engine, skipped where durable_rules cannot run."""
    ok, why = durable_available()
    marks = [] if name == "python" or ok else [pytest.mark.skip(reason=f"durable_rules: {why}")]
    return pytest.param(name, marks=marks, id=name)


@pytest.fixture(scope="session")
def python_app() -> FastAPI:
    """The application on the Python engine with a small body limit (64 KiB)."""
    return create_app(Settings(engine="python", max_body_bytes=64 * 1024))


@pytest.fixture
def client(python_app: FastAPI) -> Iterator[TestClient]:
    """A client that re-raises any server error: a hostile input reaching a 500 fails."""
    with TestClient(python_app, raise_server_exceptions=True) as c:
        yield c


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
