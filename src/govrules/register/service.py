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

:class:`Register` stands on :class:`~.store.Store` (the database, clock and audit log) and
:class:`~.token_admin.TokenAdmin` (its tokens); what its changes return is in :mod:`.records`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Row
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from ..declaration import validate_declaration
from ..errors import DeclarationError
from ..errors import UsageError
from .database import open_engine
from .database import writing
from .identity import canonical_json
from .identity import content_hash
from .identity import slug
from .identity import statuses
from .records import PLACE_FORMAT as PLACE_FORMAT
from .records import Reassessment as Reassessment
from .records import RegisterConflict as RegisterConflict
from .records import Submission as Submission
from .records import assessment_values
from .records import cli_actor as cli_actor
from .records import dump as dump
from .records import insert_ignore
from .records import role_of as role_of
from .records import utcnow as utcnow
from .tables import assessments
from .tables import declarations
from .tables import places
from .tables import systems
from .token_admin import TokenAdmin
from .views import Evaluate as Evaluate
from .views import NotInRegister as NotInRegister
from .views import status_changes
from .views import version_name


class Register(TokenAdmin):
    """The assessment register on one database; safe to share between threads.

    Args:
        engine: A migrated database (see :func:`~govrules.register.database.open_engine`).
        clock: Gives "now" (tests pass a fixed clock).
    """

    @classmethod
    def open(cls, url: str) -> Register:
        """The register at ``url``, created and migrated on first use."""
        return cls(open_engine(url))

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
        values = assessment_values(report)
        now = self.clock()
        with writing(self.engine) as conn:
            insert_ignore(
                conn,
                systems,
                {
                    "id": system_id,
                    "name": system_name,
                    "icb": str(document["system"]["icb"]),
                    "created_at": now,
                },
            )
            insert_ignore(
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
                values = assessment_values(report)
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
