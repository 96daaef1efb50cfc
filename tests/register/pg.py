"""A throwaway PostgreSQL cluster for the register's tests and load runs.

It uses Debian's ``postgresql`` server binaries (``.ci/run`` installs them when missing), keeps
everything in a fresh folder under the system's temporary directory, and listens on a Unix
socket only. PostgreSQL refuses to run as root, so as root the server runs as the ``postgres``
user the Debian package creates (through ``runuser``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

USER = "govrules"


def bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` are (``GOVRULES_PG_BINDIR``, Debian's folder, or PATH)."""
    given = os.environ.get("GOVRULES_PG_BINDIR")
    if given:
        return Path(given)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def unavailable() -> str | None:
    """Why a cluster cannot be started here, or ``None`` when it can."""
    where = bindir()
    if where is None or not (where / "pg_ctl").exists():
        return "PostgreSQL server binaries are not installed (apt-get install postgresql)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no 'postgres' user to run PostgreSQL as"
        if not shutil.which("runuser"):
            return "running as root without runuser to start PostgreSQL as 'postgres'"
    return None


class Cluster:
    """One PostgreSQL server in its own folder; :meth:`database` makes a fresh database."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="govrules-pg-"))
        self.data = self.root / "data"
        self.socket = self.root
        self.port = 5432
        self._bin = bindir()
        self._count = 0

    def _run(self, *args: str) -> None:
        assert self._bin is not None
        cmd = [str(self._bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> Cluster:
        """initdb, then start the server and wait until it accepts connections."""
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", USER, "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-k {self.socket} -p {self.port} -c listen_addresses='' -c max_connections=60 "
            "-c shared_buffers=32MB"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this cluster."""
        return f"postgresql+psycopg://{USER}@/{database}?host={self.socket}&port={self.port}"

    def database(self) -> str:
        """A new, empty database; its URL."""
        import psycopg

        self._count += 1
        name = f"register_{os.getpid()}_{self._count}"
        with psycopg.connect(
            host=str(self.socket), port=self.port, user=USER, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server at once and remove its folder."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.root, ignore_errors=True)
