"""Reading the register: places, their history and reports, systems and the calendar.

:class:`Views` holds the queries; :class:`~govrules.register.service.Register` adds the changes.
Every read runs in one read transaction, so what it returns is one consistent state.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import Row
from sqlalchemy import Select
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import select

from ..declaration import validate_declaration
from ..errors import DeclarationError
from ..errors import UsageError
from ..report import rule_sort_key
from . import checks
from .database import reading
from .identity import add_months
from .tables import assessments
from .tables import declarations
from .tables import places
from .tables import systems

#: ``evaluate(declaration, as_of, source)`` gives the ``govrules/report/v1`` document.
Evaluate = Callable[[BaseModel, dt.date, str | None], dict[str, Any]]


class NotInRegister(UsageError):
    """A place or system the register does not hold."""

    code = "not_in_register"


def status_changes(
    before: Mapping[str, str], after: Mapping[str, str]
) -> list[dict[str, str | None]]:
    """The rules whose status differs, in rule order (``None``: the rule was not evaluated).

    Examples:
        >>> status_changes({"SAP-1": "pass", "SAP-2": "fail"}, {"SAP-1": "pass", "SAP-2": "pass"})
        [{'rule': 'SAP-2', 'from': 'fail', 'to': 'pass'}]
    """
    rules = sorted(set(before) | set(after), key=rule_sort_key)
    return [
        {"rule": r, "from": before.get(r), "to": after.get(r)}
        for r in rules
        if before.get(r) != after.get(r)
    ]


_NEWER = assessments.alias("newer")
_LATEST_ASSESSMENT = (
    select(func.max(_NEWER.c.id))
    .where(_NEWER.c.declaration_id == declarations.c.id)
    .correlate(declarations)
    .scalar_subquery()
)


def _latest_query() -> Select[Any]:
    """One row per place: the place, its latest declaration and that version's latest
    assessment."""
    return (
        select(
            places.c.id.label("place"),
            places.c.name,
            places.c.system_id.label("system"),
            places.c.latest_version.label("version"),
            declarations.c.id.label("declaration_id"),
            declarations.c.sha256,
            declarations.c.document,
            declarations.c.source,
            declarations.c.submitted_at,
            assessments.c.compliant,
            assessments.c.assessed_at,
            assessments.c.as_of,
            assessments.c.engine,
            assessments.c.rules_key,
            assessments.c.statuses,
            assessments.c.by_severity,
        )
        .join(
            declarations,
            and_(
                declarations.c.place_id == places.c.id,
                declarations.c.version == places.c.latest_version,
            ),
        )
        .join(assessments, assessments.c.id == _LATEST_ASSESSMENT)
        .order_by(places.c.id)
    )


def _entry(row: Row[Any]) -> dict[str, Any]:
    return {
        "place": row.place,
        "name": row.name,
        "system": row.system,
        "version": row.version,
        "compliant": row.compliant,
        "assessed_at": row.assessed_at.isoformat(),
    }


class Views:
    """The register's queries (the base of :class:`~govrules.register.service.Register`)."""

    engine: Engine

    # -- reading -------------------------------------------------------------------------------

    def place_system(self, place: str) -> str:
        """The system a place belongs to now.

        Raises:
            NotInRegister: No such place.
        """
        with reading(self.engine) as conn:
            found = conn.execute(
                select(places.c.system_id).where(places.c.id == place)
            ).scalar_one_or_none()
        if found is None:
            raise NotInRegister(f"no place {place!r} is in the register")
        return str(found)

    def places(self, system: str | None = None) -> list[dict[str, Any]]:
        """Each place's latest entry: name, system, version, verdict and when it was given."""
        query = _latest_query()
        if system is not None:
            query = query.where(places.c.system_id == system)
        with reading(self.engine) as conn:
            return [_entry(row) for row in conn.execute(query)]

    def place(self, place: str) -> dict[str, Any]:
        """The latest entry of one place, with its history (newest first).

        Raises:
            NotInRegister: No such place.
        """
        with reading(self.engine) as conn:
            row = conn.execute(_latest_query().where(places.c.id == place)).first()
            if row is None:
                raise NotInRegister(f"no place {place!r} is in the register")
            entry = _entry(row)
            entry["sha256"] = row.sha256
            entry["as_of"] = row.as_of.isoformat()
            entry["by_severity"] = json.loads(row.by_severity)
            entry["history"] = self._history(conn, place)
        return entry

    def _history(self, conn: Connection, place: str) -> list[dict[str, Any]]:
        rows = conn.execute(
            select(
                declarations.c.version,
                declarations.c.sha256,
                declarations.c.submitted_at,
                declarations.c.submitted_by,
                assessments.c.id,
                assessments.c.kind,
                assessments.c.as_of,
                assessments.c.engine,
                assessments.c.rulesets,
                assessments.c.compliant,
                assessments.c.by_severity,
                assessments.c.statuses,
                assessments.c.assessed_at,
                assessments.c.assessed_by,
            )
            .join(declarations, declarations.c.id == assessments.c.declaration_id)
            .where(declarations.c.place_id == place)
            .order_by(assessments.c.id)
        ).all()
        history: list[dict[str, Any]] = []
        before: dict[str, str] | None = None
        for row in rows:
            now = json.loads(row.statuses)
            history.append(
                {
                    "version": row.version,
                    "submitted_at": row.submitted_at.isoformat(),
                    "compliant": row.compliant,
                    "by_severity": json.loads(row.by_severity),
                    "sha256": row.sha256,
                    "kind": row.kind,
                    "as_of": row.as_of.isoformat(),
                    "engine": row.engine,
                    "rulesets": [
                        {"name": r["name"], "version": r["version"], "digest": r["digest"]}
                        for r in json.loads(row.rulesets)
                    ],
                    "assessed_at": row.assessed_at.isoformat(),
                    "assessed_by": row.assessed_by,
                    "changes": status_changes(before, now) if before is not None else [],
                }
            )
            before = now
        history.reverse()
        return history

    def report(self, place: str, version: int | None = None) -> dict[str, Any]:
        """The latest report on a place (or on one of its versions).

        Raises:
            NotInRegister: No such place or version.
        """
        with reading(self.engine) as conn:
            query = (
                select(assessments.c.report)
                .join(declarations, declarations.c.id == assessments.c.declaration_id)
                .join(places, places.c.id == declarations.c.place_id)
                .where(declarations.c.place_id == place)
                .where(
                    declarations.c.version
                    == (places.c.latest_version if version is None else version)
                )
                .order_by(assessments.c.id.desc())
                .limit(1)
            )
            found = conn.execute(query).scalar_one_or_none()
        if found is None:
            which = f"version {version} of " if version is not None else ""
            raise NotInRegister(f"no {which}place {place!r} is in the register")
        loaded: dict[str, Any] = json.loads(found)
        return loaded

    def declaration(self, place: str, version: int | None = None) -> dict[str, Any]:
        """A stored declaration (its plain data).

        Raises:
            NotInRegister: No such place or version.
        """
        with reading(self.engine) as conn:
            wanted = (
                select(places.c.latest_version).where(places.c.id == place).scalar_subquery()
                if version is None
                else version
            )
            found = conn.execute(
                select(declarations.c.document).where(
                    declarations.c.place_id == place, declarations.c.version == wanted
                )
            ).scalar_one_or_none()
        if found is None:
            raise NotInRegister(f"no declaration of {place!r} is in the register")
        loaded: dict[str, Any] = json.loads(found)
        return loaded

    def systems(self, system: str | None = None) -> list[dict[str, Any]]:
        """Every system that has a place, with its places."""
        query = (
            select(systems.c.id, systems.c.name, systems.c.icb, places.c.id.label("place"))
            .join(places, places.c.system_id == systems.c.id)
            .order_by(systems.c.id, places.c.id)
        )
        if system is not None:
            query = query.where(systems.c.id == system)
        found: dict[str, dict[str, Any]] = {}
        with reading(self.engine) as conn:
            for row in conn.execute(query):
                entry = found.setdefault(
                    row.id, {"system": row.id, "name": row.name, "icb": row.icb, "places": []}
                )
                entry["places"].append(row.place)
        return list(found.values())

    def system(self, system: str) -> dict[str, Any]:
        """The system view: each place's verdict, the places × criteria matrix, and the
        system-level checks.

        Raises:
            NotInRegister: No place of this system is in the register.
        """
        with reading(self.engine) as conn:
            head = conn.execute(select(systems).where(systems.c.id == system)).first()
            rows = conn.execute(_latest_query().where(places.c.system_id == system)).all()
        if head is None or not rows:
            raise NotInRegister(f"no place of system {system!r} is in the register")
        documents = {row.place: json.loads(row.document) for row in rows}
        matrix = {row.place: json.loads(row.statuses) for row in rows}
        entries = []
        for row in rows:
            entry = _entry(row)
            entry["by_severity"] = json.loads(row.by_severity)
            entry["as_of"] = row.as_of.isoformat()
            entries.append(entry)
        return {
            "system": system,
            "name": head.name,
            "icb": head.icb,
            "places": entries,
            "matrix": matrix,
            "checks": [
                checks.single_accountable_person(documents),
                checks.system_facts_agree(documents, registered=len(documents)),
            ],
        }

    def latest(self, system: str | None = None) -> list[Row[Any]]:
        """Each place's latest declaration with its latest assessment (rows of the latest
        query: place, system, version, declaration_id, sha256, document, as_of, …)."""
        query = _latest_query()
        if system is not None:
            query = query.where(places.c.system_id == system)
        with reading(self.engine) as conn:
            return list(conn.execute(query).all())

    # -- calendar ------------------------------------------------------------------------------

    def calendar(
        self,
        evaluate: Evaluate,
        *,
        as_of: dt.date,
        months: int,
        system: str | None = None,
    ) -> list[dict[str, Any]]:
        """The criteria that come due after ``as_of`` and within ``months`` of it, for each
        place's latest declaration, with whether each would pass on ``as_of``."""
        until = add_months(as_of, months)
        due: list[dict[str, Any]] = []
        for row in self.latest(system):
            try:
                model = validate_declaration(json.loads(row.document), version_name(row))
            except DeclarationError:
                continue  # a stored declaration the current models refuse: see reassess
            report = evaluate(model, as_of, version_name(row))
            for finding in report.get("findings", ()):
                when = finding.get("due")
                if finding.get("status") != "not_yet_due" or not when:
                    continue
                if as_of < dt.date.fromisoformat(when) <= until:
                    due.append(
                        {
                            "place": row.place,
                            "rule": finding["rule"],
                            "due": when,
                            "would_pass": finding.get("would_pass"),
                            "system": row.system,
                            "title": finding.get("title"),
                            "severity": finding.get("severity"),
                        }
                    )
        due.sort(key=lambda d: (d["due"], d["place"], d["rule"]))
        return due


def version_name(row: Row[Any]) -> str:
    """How a stored declaration is named in messages: ``place version N``."""
    return f"{row.place} version {row.version}"
