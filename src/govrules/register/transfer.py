"""Export and import: the whole register as JSON Lines, and back, losing nothing.

The first line is a header, ``{"type": "register", "format": "govrules/register/v1", …}``;
then one line per row, ``{"type": "system" | "place" | "declaration" | "assessment" | "token" |
"audit", …}``, with its identifier, in that order and by identifier. Declarations, reports and
audit details are JSON values; times are ISO 8601 in UTC. Tokens appear as their scrypt hash
only.

An import goes into an empty register, in one transaction: every line is checked first
(its type, its fields, that each declaration's content has its hash, that each row refers to
rows before it), and one bad line stores nothing. The import then adds its own audit entry,
so exporting the imported register gives the same lines plus that one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Table
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import text

from ..errors import GovrulesError
from .database import reading
from .database import writing
from .identity import canonical_json
from .identity import content_hash
from .tables import assessments
from .tables import audit
from .tables import declarations
from .tables import places
from .tables import systems
from .tables import tokens

if TYPE_CHECKING:
    from .service import Register

EXPORT_FORMAT = "govrules/register/v1"


class InvalidExport(GovrulesError):
    """An export file that cannot be imported (exit code 3: invalid input)."""

    code = "invalid_export"


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def export_lines(register: Register) -> Iterator[str]:
    """Every row of the register as JSON Lines (one consistent snapshot)."""
    with reading(register.engine) as conn:
        yield _line(
            {
                "type": "register",
                "format": EXPORT_FORMAT,
                "revision": _revision(conn),
            }
        )
        for row in conn.execute(select(systems).order_by(systems.c.id)):
            yield _line(
                {
                    "type": "system",
                    "id": row.id,
                    "name": row.name,
                    "icb": row.icb,
                    "created_at": _time(row.created_at),
                }
            )
        for row in conn.execute(select(places).order_by(places.c.id)):
            yield _line(
                {
                    "type": "place",
                    "id": row.id,
                    "name": row.name,
                    "system": row.system_id,
                    "latest_version": row.latest_version,
                    "created_at": _time(row.created_at),
                }
            )
        for row in conn.execute(select(declarations).order_by(declarations.c.id)):
            yield _line(
                {
                    "type": "declaration",
                    "id": row.id,
                    "place": row.place_id,
                    "version": row.version,
                    "sha256": row.sha256,
                    "system": row.system_id,
                    "document": json.loads(row.document),
                    "source": row.source,
                    "submitted_at": _time(row.submitted_at),
                    "submitted_by": row.submitted_by,
                }
            )
        for row in conn.execute(
            select(assessments).order_by(assessments.c.id).execution_options(yield_per=200)
        ):
            yield _line(
                {
                    "type": "assessment",
                    "id": row.id,
                    "declaration": row.declaration_id,
                    "kind": row.kind,
                    "as_of": row.as_of.isoformat(),
                    "engine": row.engine,
                    "rulesets": json.loads(row.rulesets),
                    "rules_key": row.rules_key,
                    "compliant": row.compliant,
                    "statuses": json.loads(row.statuses),
                    "by_severity": json.loads(row.by_severity),
                    "report": json.loads(row.report),
                    "assessed_at": _time(row.assessed_at),
                    "assessed_by": row.assessed_by,
                }
            )
        for row in conn.execute(select(tokens).order_by(tokens.c.created_at, tokens.c.id)):
            yield _line(
                {
                    "type": "token",
                    "id": row.id,
                    "name": row.name,
                    "role": row.role,
                    "system": row.system_id,
                    "secret_hash": row.secret_hash,
                    "created_at": _time(row.created_at),
                    "created_by": row.created_by,
                    "revoked_at": _time(row.revoked_at),
                    "revoked_by": row.revoked_by,
                }
            )
        for row in conn.execute(select(audit).order_by(audit.c.id)):
            yield _line(
                {
                    "type": "audit",
                    "id": row.id,
                    "at": _time(row.at),
                    "actor": row.actor,
                    "action": row.action,
                    "system": row.system_id,
                    "place": row.place_id,
                    "detail": json.loads(row.detail),
                }
            )


def _revision(conn: Connection) -> str | None:
    found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    return str(found) if found is not None else None


# -- import -------------------------------------------------------------------------------------

_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "system": {"id": (str,), "name": (str,), "icb": (str,), "created_at": (str,)},
    "place": {
        "id": (str,),
        "name": (str,),
        "system": (str,),
        "latest_version": (int,),
        "created_at": (str,),
    },
    "declaration": {
        "id": (int,),
        "place": (str,),
        "version": (int,),
        "sha256": (str,),
        "system": (str,),
        "document": (dict,),
        "source": (str, type(None)),
        "submitted_at": (str,),
        "submitted_by": (str,),
    },
    "assessment": {
        "id": (int,),
        "declaration": (int,),
        "kind": (str,),
        "as_of": (str,),
        "engine": (str,),
        "rulesets": (list,),
        "rules_key": (str,),
        "compliant": (bool,),
        "statuses": (dict,),
        "by_severity": (dict,),
        "report": (dict,),
        "assessed_at": (str,),
        "assessed_by": (str,),
    },
    "token": {
        "id": (str,),
        "name": (str,),
        "role": (str,),
        "system": (str, type(None)),
        "secret_hash": (str,),
        "created_at": (str,),
        "created_by": (str,),
        "revoked_at": (str, type(None)),
        "revoked_by": (str, type(None)),
    },
    "audit": {
        "id": (int,),
        "at": (str,),
        "actor": (str,),
        "action": (str,),
        "system": (str, type(None)),
        "place": (str, type(None)),
        "detail": (dict,),
    },
}
_ORDER = ("system", "place", "declaration", "assessment", "token", "audit")


class _Reader:
    """Checks the lines of an export one by one, naming the line of any problem."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.number = 0

    def fail(self, message: str) -> InvalidExport:
        return InvalidExport(f"{self.source}:{self.number}: {message}")

    def record(self, line: str) -> dict[str, Any]:
        try:
            value = json.loads(line, parse_constant=self._constant)
        except json.JSONDecodeError as err:
            raise self.fail(f"not JSON ({err.msg} at column {err.colno})") from None
        if not isinstance(value, dict) or not isinstance(value.get("type"), str):
            raise self.fail('expected a JSON object with a "type"')
        return value

    def _constant(self, name: str) -> Any:
        raise self.fail(f"{name} is not a JSON number")

    def fields(self, record: dict[str, Any]) -> dict[str, Any]:
        kind = record["type"]
        expected = _FIELDS.get(kind)
        if expected is None:
            raise self.fail(f"unknown record type {kind!r}")
        extra = sorted(set(record) - set(expected) - {"type"})
        if extra:
            raise self.fail(f"unknown field(s) of a {kind}: {', '.join(extra)}")
        for name, types in expected.items():
            if name not in record:
                raise self.fail(f"a {kind} needs {name!r}")
            value = record[name]
            if not isinstance(value, types) or (int in types and isinstance(value, bool)):
                raise self.fail(f"{kind} field {name!r} has the wrong type")
        return record

    def when(self, value: str | None) -> dt.datetime | None:
        if value is None:
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{value!r} is not an ISO 8601 time") from None
        if moment.tzinfo is None:
            raise self.fail(f"{value!r} has no time zone")
        return moment

    def day(self, value: str) -> dt.date:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.fail(f"{value!r} is not a date YYYY-MM-DD") from None


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _rows(lines: Sequence[str], source: str) -> dict[str, list[dict[str, Any]]]:
    """Every record, checked, grouped by table."""
    reader = _Reader(source)
    rows: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _ORDER}
    seen: dict[str, set[Any]] = {kind: set() for kind in _ORDER}
    stage = -1
    header = False
    for line in lines:
        reader.number += 1
        if not line.strip():
            continue
        record = reader.record(line)
        if not header:
            if record.get("type") != "register" or record.get("format") != EXPORT_FORMAT:
                raise reader.fail(f'the first line must be the header of a "{EXPORT_FORMAT}" file')
            header = True
            continue
        r = reader.fields(record)
        kind = r["type"]
        if _ORDER.index(kind) < stage:
            raise reader.fail(f"a {kind} after the {_ORDER[stage]} records")
        stage = _ORDER.index(kind)
        key = r["id"]
        if key in seen[kind]:
            raise reader.fail(f"{kind} {key!r} appears twice")
        seen[kind].add(key)
        if kind == "system":
            row = {
                "id": key,
                "name": r["name"],
                "icb": r["icb"],
                "created_at": reader.when(r["created_at"]),
            }
        elif kind == "place":
            if r["system"] not in seen["system"]:
                raise reader.fail(f"place {key!r} names an unknown system {r['system']!r}")
            row = {
                "id": key,
                "name": r["name"],
                "system_id": r["system"],
                "latest_version": r["latest_version"],
                "created_at": reader.when(r["created_at"]),
            }
        elif kind == "declaration":
            if r["place"] not in seen["place"]:
                raise reader.fail(f"declaration {key} names an unknown place {r['place']!r}")
            if content_hash(r["document"]) != r["sha256"]:
                raise reader.fail(f"declaration {key}: the content does not have its sha256")
            row = {
                "id": key,
                "place_id": r["place"],
                "version": r["version"],
                "sha256": r["sha256"],
                "system_id": r["system"],
                "document": canonical_json(r["document"]),
                "source": r["source"],
                "submitted_at": reader.when(r["submitted_at"]),
                "submitted_by": r["submitted_by"],
            }
        elif kind == "assessment":
            if r["declaration"] not in seen["declaration"]:
                raise reader.fail(f"assessment {key} names an unknown declaration")
            row = {
                "id": key,
                "declaration_id": r["declaration"],
                "kind": r["kind"],
                "as_of": reader.day(r["as_of"]),
                "engine": r["engine"],
                "rulesets": _dump(r["rulesets"]),
                "rules_key": r["rules_key"],
                "compliant": r["compliant"],
                "statuses": _dump(r["statuses"]),
                "by_severity": _dump(r["by_severity"]),
                "report": _dump(r["report"]),
                "assessed_at": reader.when(r["assessed_at"]),
                "assessed_by": r["assessed_by"],
            }
        elif kind == "token":
            row = {
                "id": key,
                "name": r["name"],
                "role": r["role"],
                "system_id": r["system"],
                "secret_hash": r["secret_hash"],
                "created_at": reader.when(r["created_at"]),
                "created_by": r["created_by"],
                "revoked_at": reader.when(r["revoked_at"]),
                "revoked_by": r["revoked_by"],
            }
        else:
            row = {
                "id": key,
                "at": reader.when(r["at"]),
                "actor": r["actor"],
                "action": r["action"],
                "system_id": r["system"],
                "place_id": r["place"],
                "detail": _dump(r["detail"]),
            }
        rows[kind].append(row)
    if not header:
        raise InvalidExport(f"{source}: empty; expected a {EXPORT_FORMAT} export")
    latest: dict[str, int] = {}
    for d in rows["declaration"]:
        latest[d["place_id"]] = max(latest.get(d["place_id"], 0), d["version"])
    for p in rows["place"]:
        if latest.get(p["id"], 0) != p["latest_version"]:
            raise InvalidExport(
                f"{source}: place {p['id']!r} says its latest version is {p['latest_version']} "
                f"but its declarations go to {latest.get(p['id'], 0)}"
            )
    return rows


_TABLES: dict[str, Table] = {
    "system": systems,
    "place": places,
    "declaration": declarations,
    "assessment": assessments,
    "token": tokens,
    "audit": audit,
}


def import_lines(
    register: Register, lines: Sequence[str], *, actor: str, source: str
) -> dict[str, int]:
    """Load an export into an empty register; ``{record type: count}``.

    Raises:
        InvalidExport: A line is not a valid record (its number is given); nothing is stored.
        RegisterConflict: The register is not empty.
    """
    from .service import RegisterConflict

    rows = _rows(lines, source)
    now = register.clock()
    with writing(register.engine) as conn:
        for table in _TABLES.values():
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                raise RegisterConflict(
                    f"the register at {register.url} is not empty ({table.name} has rows); "
                    "import into a new register"
                )
        for kind in _ORDER:
            if rows[kind]:
                conn.execute(insert(_TABLES[kind]), rows[kind])
        if conn.dialect.name == "postgresql":
            # Rows came with their identifiers: move each sequence past them.
            for table in (declarations, assessments, audit):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                    )
                )
        counts = {kind: len(rows[kind]) for kind in _ORDER}
        register._audit(
            conn, actor, "register.import", {"source": source, "records": counts}, at=now
        )
    return counts
