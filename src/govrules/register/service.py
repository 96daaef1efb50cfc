"""The register: storing declarations and their assessments, and reading them back.

Every change is one transaction, with its audit entry in the same transaction: a submission
either leaves its declaration version, its assessment and its audit entry all stored, or none
of them. Versions of a place are numbered 1, 2, 3… in the order their transactions commit: the
place's row is locked (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite)
before its latest version is read.

A submission whose content is the same as the place's latest version (the same canonical
JSON, so formatting, comments and key order do not count) creates no version: the existing one
is returned. If it is to be assessed on another date or under other rules, that assessment is
recorded against the existing version; if not, nothing is written at all, so a client may
safely retry a submission it got no answer to.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Row
from sqlalchemy import exists
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..declaration import validate_declaration
from ..errors import DeclarationError
from ..errors import UsageError
from .database import display_url
from .database import open_engine
from .database import reading
from .database import writing
from .identity import canonical_json
from .identity import content_hash
from .identity import report_by_severity
from .identity import slug
from .identity import statuses
from .tables import assessments
from .tables import audit
from .tables import declarations
from .tables import places
from .tables import systems
from .tables import tokens
from .tokens import NAME
from .tokens import ROLES
from .tokens import Role
from .tokens import TokenInfo
from .tokens import Verifier
from .tokens import hash_secret
from .tokens import info
from .tokens import new_token
from .views import Evaluate as Evaluate
from .views import NotInRegister as NotInRegister
from .views import Views
from .views import status_changes
from .views import version_name

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


def _assessment_values(report: Mapping[str, Any]) -> dict[str, Any]:
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


def _insert_ignore(conn: Connection, table: Any, values: dict[str, Any]) -> None:
    """Insert a row unless one with its primary key exists (safe under concurrency)."""
    make = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(make(table).values(**values).on_conflict_do_nothing())


class Register(Views):
    """The assessment register on one database; safe to share between threads.

    Args:
        engine: A migrated database (see :func:`~govrules.register.database.open_engine`).
        clock: Gives "now" (tests pass a fixed clock).
    """

    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.verifier = Verifier()
        self._tokens_seen = False

    @classmethod
    def open(cls, url: str) -> Register:
        """The register at ``url``, created and migrated on first use."""
        return cls(open_engine(url))

    @property
    def url(self) -> str:
        """Where the register is, the password masked."""
        return display_url(str(self.engine.url))

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()

    # -- audit ---------------------------------------------------------------------------------

    def _audit(
        self,
        conn: Connection,
        actor: str,
        action: str,
        detail: Mapping[str, Any],
        *,
        at: dt.datetime,
        system: str | None = None,
        place: str | None = None,
    ) -> None:
        conn.execute(
            insert(audit).values(
                at=at,
                actor=actor,
                action=action,
                system_id=system,
                place_id=place,
                detail=dump(dict(detail)),
            )
        )

    def audit_log(
        self, system: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The audit log, newest first; limited to one system's entries when ``system`` is
        given (entries about tokens and imports have no system and are then left out)."""
        query = select(audit).order_by(audit.c.id.desc())
        if system is not None:
            query = query.where(audit.c.system_id == system)
        if limit is not None:
            query = query.limit(limit)
        with reading(self.engine) as conn:
            return [_audit_json(row) for row in conn.execute(query)]

    # -- submitting ----------------------------------------------------------------------------

    def submit(
        self,
        document: Mapping[str, Any],
        report: Mapping[str, Any],
        *,
        actor: str,
        source: str | None = None,
    ) -> Submission:
        """Store a validated place declaration (its plain data) with the report on it.

        Raises:
            UsageError: The document is not a place declaration.
        """
        if document.get("format") != PLACE_FORMAT:
            raise UsageError(f"the register keeps place declarations ({PLACE_FORMAT}) only")
        place_id = str(document["place"]["id"])
        system_name = str(document["system"]["name"])
        system_id = slug(system_name)
        sha = content_hash(document)
        values = _assessment_values(report)
        now = self.clock()
        with writing(self.engine) as conn:
            _insert_ignore(
                conn,
                systems,
                {
                    "id": system_id,
                    "name": system_name,
                    "icb": str(document["system"]["icb"]),
                    "created_at": now,
                },
            )
            _insert_ignore(
                conn,
                places,
                {
                    "id": place_id,
                    "name": str(document["place"]["name"]),
                    "system_id": system_id,
                    "latest_version": 0,
                    "created_at": now,
                },
            )
            latest: int = conn.execute(
                select(places.c.latest_version).where(places.c.id == place_id).with_for_update()
            ).scalar_one()
            # Read the clock once the place is locked, so times follow the order of versions.
            now = self.clock()
            if latest:
                current = conn.execute(
                    select(declarations.c.id, declarations.c.sha256).where(
                        declarations.c.place_id == place_id, declarations.c.version == latest
                    )
                ).one()
                if current.sha256 == sha:
                    return self._assess_existing(
                        conn, current.id, place_id, system_id, latest, sha, values, actor, now
                    )
            version = latest + 1
            declaration_id = conn.execute(
                insert(declarations)
                .values(
                    place_id=place_id,
                    version=version,
                    sha256=sha,
                    system_id=system_id,
                    document=canonical_json(document),
                    source=source,
                    submitted_at=now,
                    submitted_by=actor,
                )
                .returning(declarations.c.id)
            ).scalar_one()
            conn.execute(
                insert(assessments).values(
                    declaration_id=declaration_id,
                    kind="submission",
                    assessed_at=now,
                    assessed_by=actor,
                    **values,
                )
            )
            conn.execute(
                update(places)
                .where(places.c.id == place_id)
                .values(
                    latest_version=version,
                    name=str(document["place"]["name"]),
                    system_id=system_id,
                )
            )
            self._refresh_system(conn, system_id, document)
            self._audit(
                conn,
                actor,
                "declaration.add",
                {
                    "version": version,
                    "sha256": sha,
                    "as_of": values["as_of"].isoformat(),
                    "compliant": values["compliant"],
                    "source": source,
                },
                at=now,
                system=system_id,
                place=place_id,
            )
        return Submission(place_id, version, sha, dict(report), created=True)

    def _assess_existing(
        self,
        conn: Connection,
        declaration_id: int,
        place_id: str,
        system_id: str,
        version: int,
        sha: str,
        values: dict[str, Any],
        actor: str,
        now: dt.datetime,
    ) -> Submission:
        prior = conn.execute(
            select(assessments)
            .where(assessments.c.declaration_id == declaration_id)
            .order_by(assessments.c.id.desc())
            .limit(1)
        ).one()
        same = (prior.as_of, prior.rules_key, prior.engine) == (
            values["as_of"],
            values["rules_key"],
            values["engine"],
        )
        if same:
            return Submission(place_id, version, sha, json.loads(prior.report), created=False)
        conn.execute(
            insert(assessments).values(
                declaration_id=declaration_id,
                kind="assessment",
                assessed_at=now,
                assessed_by=actor,
                **values,
            )
        )
        self._audit(
            conn,
            actor,
            "assessment.add",
            {
                "version": version,
                "as_of": values["as_of"].isoformat(),
                "compliant": values["compliant"],
            },
            at=now,
            system=system_id,
            place=place_id,
        )
        return Submission(place_id, version, sha, json.loads(values["report"]), created=False)

    def _refresh_system(
        self, conn: Connection, system_id: str, document: Mapping[str, Any]
    ) -> None:
        """The system's name and ICB as the latest declaration states them."""
        name = str(document["system"]["name"])
        icb = str(document["system"]["icb"])
        row = conn.execute(select(systems).where(systems.c.id == system_id)).one()
        if (row.name, row.icb) != (name, icb):
            conn.execute(
                update(systems).where(systems.c.id == system_id).values(name=name, icb=icb)
            )

    # -- reassessing ---------------------------------------------------------------------------

    def reassess(
        self,
        evaluate: Evaluate,
        *,
        actor: str,
        as_of: dt.date | None = None,
        system: str | None = None,
    ) -> Reassessment:
        """Assess every place's latest declaration again (under the rules ``evaluate`` uses),
        on ``as_of`` or, by default, on the date of its latest assessment, so that the changes
        come from the rules alone. Places assessed the same way before are left as they are.
        """
        planned: list[tuple[Row[Any], dict[str, Any]]] = []
        errors: list[dict[str, Any]] = []
        for row in self.latest(system):
            try:
                model = validate_declaration(json.loads(row.document), version_name(row))
            except DeclarationError as err:
                errors.append({"place": row.place, "version": row.version, "message": str(err)})
                continue
            planned.append((row, evaluate(model, as_of or row.as_of, row.source)))
        changes: list[dict[str, Any]] = []
        verdicts: list[dict[str, Any]] = []
        skipped: list[str] = []
        assessed = unchanged = 0
        now = self.clock()
        rulesets: list[Any] = []
        with writing(self.engine) as conn:
            for row, report in planned:
                rulesets = report.get("rulesets", [])
                current = conn.execute(
                    select(places.c.latest_version)
                    .where(places.c.id == row.place)
                    .with_for_update()
                ).scalar_one()
                if current != row.version:
                    skipped.append(row.place)  # a newer version arrived, assessed on arrival
                    continue
                values = _assessment_values(report)
                if (values["as_of"], values["rules_key"], values["engine"]) == (
                    row.as_of,
                    row.rules_key,
                    row.engine,
                ):
                    unchanged += 1
                    continue
                conn.execute(
                    insert(assessments).values(
                        declaration_id=row.declaration_id,
                        kind="reassessment",
                        assessed_at=now,
                        assessed_by=actor,
                        **values,
                    )
                )
                assessed += 1
                for change in status_changes(json.loads(row.statuses), statuses(report)):
                    changes.append({"place": row.place, **change})
                if values["compliant"] != row.compliant:
                    verdicts.append(
                        {"place": row.place, "from": row.compliant, "to": values["compliant"]}
                    )
            if assessed:
                self._audit(
                    conn,
                    actor,
                    "reassess",
                    {
                        "as_of": as_of.isoformat() if as_of else None,
                        "rulesets": [
                            {"name": r["name"], "version": r["version"], "digest": r["digest"]}
                            for r in rulesets
                        ],
                        "assessed": assessed,
                        "changes": len(changes),
                    },
                    at=now,
                    system=system,
                )
        return Reassessment(changes, verdicts, assessed, unchanged, skipped, errors)

    # -- tokens --------------------------------------------------------------------------------

    def has_tokens(self) -> bool:
        """Whether any token was ever created (revoked ones count: revoking every token does
        not open the register again)."""
        if self._tokens_seen:
            return True
        with reading(self.engine) as conn:
            seen = bool(conn.execute(select(exists().where(tokens.c.id.is_not(None)))).scalar())
        self._tokens_seen = seen  # tokens are never deleted, so once seen always true
        return seen

    def authenticate(self, token: str) -> TokenInfo | None:
        """The token's record if it is valid and not revoked."""
        with reading(self.engine) as conn:
            return self.verifier.check(conn, token)

    def tokens(self) -> list[TokenInfo]:
        """Every token, revoked ones included, oldest first."""
        with reading(self.engine) as conn:
            rows = conn.execute(select(tokens).order_by(tokens.c.created_at, tokens.c.name))
            return [info(row) for row in rows]

    def create_token(
        self, name: str, role: str, system: str | None, *, actor: str
    ) -> tuple[TokenInfo, str]:
        """A new token; its text is returned here and never again.

        Raises:
            UsageError: A bad name or role.
            RegisterConflict: A token of that name exists (revoked ones too).
        """
        if not NAME.match(name):
            raise UsageError(
                f"token name {name!r}: use 1-100 letters, digits, spaces or . _ @ -, "
                "starting with a letter or digit"
            )
        if role not in ROLES:
            raise UsageError(f"role {role!r}: expected one of {', '.join(ROLES)}")
        if system is not None and slug(system) != system:
            raise UsageError(
                f"system {system!r} is not a system identifier; did you mean {slug(system)!r}?"
            )
        text, key, secret = new_token()
        now = self.clock()
        with writing(self.engine) as conn:
            taken = conn.execute(select(tokens.c.id).where(tokens.c.name == name)).first()
            if taken is not None:
                raise RegisterConflict(f"a token named {name!r} exists; choose another name")
            conn.execute(
                insert(tokens).values(
                    id=key,
                    name=name,
                    role=role,
                    system_id=system,
                    secret_hash=hash_secret(secret),
                    created_at=now,
                    created_by=actor,
                )
            )
            self._audit(
                conn,
                actor,
                "token.create",
                {"name": name, "role": role, "system": system},
                at=now,
                system=system,
            )
            row = conn.execute(select(tokens).where(tokens.c.id == key)).one()
        self._tokens_seen = True
        return info(row), text

    def revoke_token(self, name: str, *, actor: str) -> TokenInfo:
        """Revoke a token at once.

        Raises:
            NotInRegister: No token of that name.
            RegisterConflict: It is revoked already.
        """
        now = self.clock()
        with writing(self.engine) as conn:
            row = conn.execute(select(tokens).where(tokens.c.name == name)).first()
            if row is None:
                raise NotInRegister(f"no token named {name!r}")
            if row.revoked_at is not None:
                raise RegisterConflict(
                    f"the token {name!r} was revoked on {row.revoked_at:%Y-%m-%d %H:%M} UTC"
                )
            conn.execute(
                update(tokens).where(tokens.c.id == row.id).values(revoked_at=now, revoked_by=actor)
            )
            self._audit(conn, actor, "token.revoke", {"name": name}, at=now, system=row.system_id)
            updated = conn.execute(select(tokens).where(tokens.c.id == row.id)).one()
        return info(updated)

    # -- export and import ---------------------------------------------------------------------

    def export_lines(self) -> Iterator[str]:
        """The whole register as JSON Lines (see :mod:`govrules.register.transfer`)."""
        from .transfer import export_lines

        return export_lines(self)

    def import_lines(self, lines: Sequence[str], *, actor: str, source: str) -> dict[str, int]:
        """Load an export into this (empty) register; see :mod:`govrules.register.transfer`."""
        from .transfer import import_lines

        counts = import_lines(self, lines, actor=actor, source=source)
        self._tokens_seen = False
        return counts


def _audit_json(row: Row[Any]) -> dict[str, Any]:
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
