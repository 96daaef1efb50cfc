"""Where the register lives, connecting to it, and migrating it.

The URL comes from ``--db``, else ``GOVRULES_DB``, else a SQLite file in the user's data folder
(``$XDG_DATA_HOME/govrules/register.sqlite3``, by default under ``~/.local/share``). A plain file
path is read as a SQLite file; ``postgresql://`` is read as ``postgresql+psycopg://``.

SQLite is opened in WAL mode with ``synchronous=FULL`` (a commit is on disk before it is
acknowledged), foreign keys on, and a 30-second wait for the write lock. A write transaction
starts with ``BEGIN IMMEDIATE``, so two writers never both read a place's latest version before
either writes; PostgreSQL gets the same effect from ``SELECT … FOR UPDATE`` on the place row.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from contextlib import nullcontext
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import create_engine
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.exc import SQLAlchemyError

from ..errors import GovrulesError
from ..errors import UsageError

if TYPE_CHECKING:
    from alembic.config import Config

ENV_VAR = "GOVRULES_DB"
SQLITE_BUSY_TIMEOUT = 30.0
#: Held while migrating a PostgreSQL register, so two processes never migrate at once.
MIGRATION_LOCK = 7_275_015


class RegisterUnavailable(GovrulesError):
    """The register's database cannot be reached, opened or migrated (exit code 2: the
    ``--db`` URL or the database needs fixing, not the declaration)."""

    code = "register_unavailable"
    exit_code: ClassVar[int] = 2


def default_url(environ: Mapping[str, str] | None = None) -> str:
    """The SQLite file used when neither ``--db`` nor ``GOVRULES_DB`` names a register.

    Examples:
        >>> default_url({"XDG_DATA_HOME": "/srv/data"})
        'sqlite:////srv/data/govrules/register.sqlite3'
    """
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local/share")
    return f"sqlite:///{Path(base) / 'govrules' / 'register.sqlite3'}"


def resolve_url(given: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The register URL from ``--db``, ``GOVRULES_DB`` or the default, checked.

    Raises:
        UsageError: Not a SQLite or PostgreSQL URL.

    Examples:
        >>> resolve_url("reg.db", {})
        'sqlite:///reg.db'
        >>> resolve_url("postgresql://u@h/db", {})
        'postgresql+psycopg://u@h/db'
        >>> resolve_url(None, {"GOVRULES_DB": "sqlite:////tmp/r.db"})
        'sqlite:////tmp/r.db'
    """
    env = os.environ if environ is None else environ
    raw = (given or env.get(ENV_VAR) or "").strip() or default_url(env)
    if "://" not in raw:
        return f"sqlite:///{raw}"
    try:
        url = make_url(raw)
    except ArgumentError:
        raise UsageError(f"cannot read the register URL {_safe(raw)!r}") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise UsageError(
            f"unsupported register URL {_safe(raw)!r}: use sqlite:///FILE or "
            "postgresql+psycopg://USER@HOST/DATABASE"
        )
    rendered: str = url.render_as_string(hide_password=False)
    return rendered


def _safe(raw: str) -> str:
    """A URL with any password hidden, for messages."""
    try:
        shown: str = make_url(raw).render_as_string(hide_password=True)
        return shown
    except ArgumentError:
        return raw.split("@")[-1]


def display_url(url: str) -> str:
    """The URL as shown to people: the password masked."""
    return _safe(url)


def connect(url: str) -> Engine:
    """An engine for the register at ``url`` (not yet migrated).

    Raises:
        RegisterUnavailable: The SQLite file's folder cannot be created.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            raise UsageError("the register needs a SQLite file, not an in-memory database")
        folder = Path(database).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise RegisterUnavailable(
                f"cannot create the register's folder {folder}: {err.strerror}"
            ) from None
        engine = create_engine(
            parsed,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT, "check_same_thread": False},
        )
        _sqlite_transactions(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True, pool_size=8, max_overflow=8)


def _sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin transactions, and begin writes IMMEDIATE."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_SQLITE_WRITERS: dict[str, threading.Lock] = {}
_SQLITE_WRITERS_LOCK = threading.Lock()


def _writer_lock(engine: Engine) -> threading.Lock | None:
    """For SQLite, one lock per database file in this process.

    SQLite lets one writer in at a time, and a writer that finds the file locked polls with
    growing sleeps; many threads of one process polling at once starve some of them for
    seconds. Queueing a process's writers here leaves SQLite only one per process to arbitrate.
    """
    if engine.dialect.name != "sqlite":
        return None
    key = str(engine.url.database)
    with _SQLITE_WRITERS_LOCK:
        return _SQLITE_WRITERS.setdefault(key, threading.Lock())


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises."""
    queue = _writer_lock(engine)
    with queue if queue is not None else nullcontext():
        with engine.connect() as conn:
            conn = conn.execution_options(write=True)
            with conn.begin():
                yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction (a consistent snapshot on PostgreSQL and SQLite's WAL)."""
    with engine.connect() as conn, conn.begin():
        yield conn


def _config(conn: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("govrules.register") / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    """The newest migration this version of govrules knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(files("govrules.register") / "migrations"))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (``None``: an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        revision: str | None = MigrationContext.configure(conn).get_current_revision()
        return revision


def migrate(engine: Engine, revision: str = "head", *, down: bool = False) -> None:
    """Move the schema up (or ``down``) to ``revision`` in one transaction.

    Raises:
        RegisterUnavailable: The database refused (cannot connect, or a migration failed).
    """
    from alembic import command

    try:
        with writing(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            cfg = _config(conn)
            if down:
                command.downgrade(cfg, revision)
            else:
                command.upgrade(cfg, revision)
    except SQLAlchemyError as err:
        raise RegisterUnavailable(
            f"cannot migrate the register at {display_url(str(engine.url))}: {_reason(err)}"
        ) from None


def _reason(err: SQLAlchemyError) -> str:
    original = getattr(err, "orig", None)
    text = str(original if original is not None else err).strip().splitlines()
    return text[0] if text else type(err).__name__


def open_engine(url: str) -> Engine:
    """Connect to the register at ``url`` and bring its schema up to date (created on first use).

    Raises:
        RegisterUnavailable: It cannot be reached or migrated; the message names the URL.
        UsageError: The URL is not a SQLite file or a PostgreSQL database.
    """
    engine = connect(url)
    try:
        if current_revision(engine) != head_revision():
            migrate(engine)
    except SQLAlchemyError as err:
        engine.dispose()
        raise RegisterUnavailable(
            f"cannot open the register at {display_url(url)}: {_reason(err)}"
        ) from None
    except GovrulesError:
        engine.dispose()
        raise
    return engine
