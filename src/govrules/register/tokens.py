"""Bearer tokens: created and shown once, stored only as a slow hash, checked in constant time.

A token reads ``grt_<key>_<secret>``. The key (12 hex digits) finds the token's row; the
secret is checked against the row's scrypt hash with :func:`hmac.compare_digest`. A token whose
key is unknown or revoked still costs one scrypt run, so the answer takes as long as for a wrong
secret. A token verified once is remembered in this process (by its SHA-256, never the text) so
that later requests skip scrypt; its row is still read on every request, so a revoked token stops
working at once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass

from sqlalchemy import Connection
from sqlalchemy import select

from .identity import RANK as RANK
from .identity import ROLES as ROLES
from .identity import Role as Role
from .tables import tokens

PREFIX = "grt"
_TOKEN = re.compile(r"^grt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
# scrypt cost: 16 MiB and a few tens of milliseconds per check (OWASP's minimum is N=2**17 with
# r=8 for passwords; tokens carry 256 random bits, so guessing is not the threat a slow hash
# answers here, a stolen database is).
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,99}$")


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """A token as listed: everything but the secret and its hash."""

    key: str
    name: str
    role: Role
    system: str | None
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None

    def may(self, role: Role) -> bool:
        """Whether this token holds ``role`` (an admin may read and submit)."""
        return RANK[self.role] >= RANK[role]

    def covers(self, system: str | None) -> bool:
        """Whether this token may act on ``system`` (a token without a system limit may)."""
        return self.system is None or self.system == system


def new_token() -> tuple[str, str, str]:
    """``(token, key, secret)`` for a new token.

    Examples:
        >>> token, key, secret = new_token()
        >>> token == f"grt_{key}_{secret}" and parse_token(token) == (key, secret)
        True
    """
    key = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{PREFIX}_{key}_{secret}", key, secret


def parse_token(token: str) -> tuple[str, str] | None:
    """``(key, secret)`` of a well-formed token, else ``None``."""
    match = _TOKEN.match(token)
    return (match.group(1), match.group(2)) if match else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32
    )


def hash_secret(secret: str) -> str:
    """The stored form: ``scrypt$N$r$p$salt$hash`` (salt and hash in base64url).

    Examples:
        >>> stored = hash_secret("s3cret")
        >>> stored.startswith("scrypt$16384$8$1$"), verify_secret("s3cret", stored)
        (True, True)
        >>> verify_secret("s3creT", stored)
        False
    """
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_secret(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches ``stored``, compared in constant time."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(digest)
        got = _scrypt(secret, _unb64(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(got, expected)


# A hash of a secret nobody holds: checked against when a token's key is unknown, so that an
# unknown key costs the same scrypt run as a known one.
_DECOY = hash_secret(secrets.token_urlsafe(32))


def info(row: object) -> TokenInfo:
    """A :class:`TokenInfo` from a ``tokens`` row."""
    return TokenInfo(
        key=row.id,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        role=row.role,  # type: ignore[attr-defined]
        system=row.system_id,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        created_by=row.created_by,  # type: ignore[attr-defined]
        revoked_at=row.revoked_at,  # type: ignore[attr-defined]
    )


class Verifier:
    """Checks presented tokens against the ``tokens`` table; one per process."""

    def __init__(self) -> None:
        self._verified: dict[bytes, str] = {}
        self._lock = threading.Lock()

    def check(self, conn: Connection, token: str) -> TokenInfo | None:
        """The token's record if it is well formed, known, not revoked and its secret matches."""
        parsed = parse_token(token)
        key, secret = parsed if parsed else ("", token)
        row = None
        if parsed:
            row = conn.execute(select(tokens).where(tokens.c.id == key)).first()
        remembered = hashlib.sha256(token.encode("utf-8")).digest()
        with self._lock:
            known = self._verified.get(remembered)
        if row is not None and known == key:
            ok = True
        else:
            stored = row.secret_hash if row is not None else _DECOY
            ok = verify_secret(secret, stored) and row is not None
            if ok:
                with self._lock:
                    self._verified[remembered] = key
        if not ok or row is None or row.revoked_at is not None:
            return None
        return info(row)
