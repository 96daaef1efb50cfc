"""The register's footing: its database, its clock, and the audit trail every change writes.

:class:`Store` is the base of :class:`~govrules.register.service.Register`: the queries come
from :class:`~govrules.register.views.Views`, tokens from
:class:`~govrules.register.token_admin.TokenAdmin`, and the changes from the register itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine
from sqlalchemy import insert
from sqlalchemy import select

from .database import display_url
from .database import reading
from .records import audit_json
from .records import dump
from .records import utcnow
from .tables import audit
from .tokens import Verifier
from .views import Views


class Store(Views):
    """The assessment register's database, clock and audit log.

    Args:
        engine: A migrated database (see :func:`~govrules.register.database.open_engine`).
        clock: Gives "now" (tests pass a fixed clock).
    """

    def __init__(self, engine: Engine, clock: Callable[[], dt.datetime] = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.verifier = Verifier()
        self._tokens_seen = False

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
            return [audit_json(row) for row in conn.execute(query)]
