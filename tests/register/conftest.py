"""Fixtures for the register's tests: a register on SQLite and on PostgreSQL (a real,
throwaway cluster), the rules engine, and declarations made from the bundled examples."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from govrules import Engine
from govrules import load_rulesets
from govrules.declaration import validate_declaration
from govrules.register import Register

from . import pg

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
AS_OF = "2023-09-30"


@pytest.fixture(scope="session")
def cluster() -> Iterator[pg.Cluster]:
    """A PostgreSQL server for the whole session (skipped, with the reason, where it cannot
    run)."""
    why = pg.unavailable()
    if why:
        pytest.skip(why)
    server = pg.Cluster().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new, empty register database: a SQLite file, or a database on the cluster."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'register.sqlite3'}"
    cluster: pg.Cluster = request.getfixturevalue("cluster")
    return cluster.database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite register file (for tests that need only one database)."""
    return f"sqlite:///{tmp_path / 'register.sqlite3'}"


@pytest.fixture
def register(db_url: str) -> Iterator[Register]:
    """A register on each database, created and migrated."""
    opened = Register.open(db_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The bundled rulesets on the Python engine."""
    return Engine(load_rulesets(), "python")


def example(name: str) -> dict[str, Any]:
    """A bundled example declaration as plain data (a fresh copy)."""
    return copy.deepcopy(_example(name))


@functools.cache
def _example(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text())
    # YAML reads dates as dates; the register stores what the loader gives (ISO text).
    plain: dict[str, Any] = _plain(loaded)
    return plain


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def place(base: str = "northshire", place_id: str | None = None, **changes: Any) -> dict[str, Any]:
    """An example changed: ``place_id`` renames the place, and ``changes`` maps dotted paths to
    new values (``{"system.places": 2}``)."""
    doc = copy.deepcopy(example(base))
    if place_id is not None:
        doc["place"]["id"] = place_id
        doc["place"]["name"] = place_id.replace("-", " ").title()
    for path, value in changes.items():
        target = doc
        parts = path.split(".")
        for part in parts[:-1]:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[parts[-1]] = value
    return doc


Submit = Callable[..., Any]


@pytest.fixture
def submit(register: Register, engine: Engine) -> Submit:
    """Assess a declaration (plain data) and store it: ``submit(doc, as_of=…, actor=…)``."""

    def run(doc: dict[str, Any], as_of: str = AS_OF, actor: str = "tester") -> Any:
        report = engine.evaluate(validate_declaration(doc), as_of).to_json()
        return register.submit(doc, report, actor=actor)

    return run
