"""The register's tables (SQLAlchemy Core). The schema itself is made by the migrations in
``migrations/versions``; these definitions are what the code reads and writes, and a test checks
that the two agree.

- ``systems`` and ``places``: the latest known name of each, and each place's latest version.
- ``declarations``: every version of every place's declaration, never changed once written.
- ``assessments``: every verdict on a declaration version, with the rules it was given under.
- ``audit``: one row per change, never changed or deleted (the database refuses both).
- ``tokens``: bearer tokens, stored as a slow hash; revoking sets ``revoked_at``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean
from sqlalchemy import Column
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Dialect
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import MetaData
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC: stored without a zone (the same on SQLite and PostgreSQL), read back
    with ``timezone.utc`` attached."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("register timestamps must carry their time zone")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value.replace(tzinfo=dt.UTC)


SLUG = String(200)

systems = Table(
    "systems",
    metadata,
    Column("id", SLUG, primary_key=True),  # slug of system.name
    Column("name", Text, nullable=False),
    Column("icb", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

places = Table(
    "places",
    metadata,
    Column("id", SLUG, primary_key=True),  # place.id
    Column("name", Text, nullable=False),
    Column("system_id", SLUG, ForeignKey("systems.id"), nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

declarations = Table(
    "declarations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("place_id", SLUG, ForeignKey("places.id"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("system_id", SLUG, nullable=False),  # the system this version declares
    Column("document", Text, nullable=False),  # canonical JSON of the declaration
    Column("source", Text, nullable=True),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("submitted_by", Text, nullable=False),
    UniqueConstraint("place_id", "version"),
    Index(None, "place_id", "sha256"),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("declaration_id", Integer, ForeignKey("declarations.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # submission, assessment or reassessment
    Column("as_of", Date, nullable=False),
    Column("engine", String(20), nullable=False),
    Column("rulesets", Text, nullable=False),  # JSON: name, version, digest, overrides
    Column("rules_key", String(64), nullable=False),  # hash of the rulesets list
    Column("compliant", Boolean, nullable=False),
    Column("statuses", Text, nullable=False),  # JSON: {rule: status}
    Column("by_severity", Text, nullable=False),  # JSON: {tier: {status: count}}
    Column("report", Text, nullable=False),  # the govrules/report/v1 document
    Column("assessed_at", UTCDateTime, nullable=False),
    Column("assessed_by", Text, nullable=False),
    Index(None, "declaration_id"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", Text, nullable=False),  # token name, or the CLI user
    Column("action", String(40), nullable=False),
    Column("system_id", SLUG, nullable=True),
    Column("place_id", SLUG, nullable=True),
    Column("detail", Text, nullable=False),  # JSON
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", String(32), primary_key=True),  # public key id, part of the token
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("system_id", SLUG, nullable=True),
    Column("secret_hash", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("revoked_by", Text, nullable=True),
)

#: Tables whose rows are never updated or deleted (the migrations add triggers that refuse it).
APPEND_ONLY = ("declarations", "assessments", "audit")
