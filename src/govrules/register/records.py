"""The register's records and the helpers every change shares: what a submission and a
re-assessment give back, how values are stored, and who a command-line change is made by.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Row
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..errors import UsageError
from .identity import content_hash
from .identity import report_by_severity
from .identity import statuses
from .tokens import ROLES
from .tokens import Role

PLACE_FORMAT = "govrules/place/v1"


class RegisterConflict(UsageError):
    """A change the register's current state does not allow (a duplicate token name, an import
    into a register that is not empty)."""

    code = "register_conflict"


def utcnow() -> dt.datetime:
    """Now, in UTC."""
    return dt.datetime.now(dt.UTC)


def cli_actor() -> str:
    """Who a command-line change is recorded as: ``cli:`` and the operating-system user."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def dump(value: Any) -> str:
    """JSON text as stored: compact, UTF-8, key order kept."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True, slots=True)
class Submission:
    """What storing a declaration gave: its place, version and hash, and its report."""

    place: str
    version: int
    sha256: str
    report: dict[str, Any]
    created: bool
    """A new version was stored (HTTP 201); otherwise the content was the latest version's."""

    def to_json(self) -> dict[str, Any]:
        """The answer of ``POST /v1/places/{place}/declarations``."""
        return {
            "place": self.place,
            "version": self.version,
            "sha256": self.sha256,
            "report": self.report,
        }


@dataclass(frozen=True, slots=True)
class Reassessment:
    """The outcome of re-assessing every place's latest declaration."""

    changes: list[dict[str, Any]]
    verdicts: list[dict[str, Any]]
    assessed: int
    unchanged: int
    skipped: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The answer of ``POST /v1/reassessments``."""
        return {
            "changes": self.changes,
            "verdicts": self.verdicts,
            "assessed": self.assessed,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "errors": self.errors,
        }


def assessment_values(report: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of an assessment row, from its report."""
    rulesets = list(report.get("rulesets", []))
    return {
        "as_of": dt.date.fromisoformat(str(report["as_of"])),
        "engine": str(report.get("engine") or ""),
        "rulesets": dump(rulesets),
        "rules_key": content_hash(rulesets),
        "compliant": bool(report["compliant"]),
        "statuses": dump(statuses(report)),
        "by_severity": dump(report_by_severity(report)),
        "report": dump(report),
    }


def insert_ignore(conn: Connection, table: Any, values: dict[str, Any]) -> None:
    """Insert a row unless one with its primary key exists (safe under concurrency)."""
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(make(table).values(**values).on_conflict_do_nothing())


def audit_json(row: Row[Any]) -> dict[str, Any]:
    """An audit row as plain data (the API's and `register audit`'s entries)."""
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "actor": row.actor,
        "action": row.action,
        "system": row.system_id,
        "place": row.place_id,
        "detail": json.loads(row.detail),
    }


def role_of(value: str) -> Role:
    """A role name, checked.

    Raises:
        UsageError: Not a role.
    """
    if value not in ROLES:
        raise UsageError(f"role {value!r}: expected one of {', '.join(ROLES)}")
    return value
