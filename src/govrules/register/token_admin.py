"""Administering the register's tokens: creating, listing, revoking and checking them.

The token text itself (its shape, hashing and verification) is :mod:`.tokens`; this is the
part of :class:`~govrules.register.service.Register` that stores tokens and audits each change.
"""

from __future__ import annotations

from sqlalchemy import exists
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update

from ..errors import UsageError
from .database import reading
from .database import writing
from .identity import slug
from .records import RegisterConflict
from .store import Store
from .tables import tokens
from .tokens import NAME
from .tokens import ROLES
from .tokens import TokenInfo
from .tokens import hash_secret
from .tokens import info
from .tokens import new_token
from .views import NotInRegister


class TokenAdmin(Store):
    """The register's tokens (a base of :class:`~govrules.register.service.Register`)."""

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
