"""Server settings: one frozen record, read from ``GOVRULES_*`` environment variables.

``govrules serve`` writes its options into the environment before starting uvicorn, so a worker
process started by uvicorn's factory mode (``--workers N``) builds exactly the same settings as
the parent. Endpoints receive them through ``Depends(get_settings)``; tests override that
dependency or pass a :class:`Settings` to :func:`~govrules.api.app.create_app`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from ..errors import UsageError
from ..evaluator import ENGINE_NAMES
from ..evaluator import EngineName

ENV_PREFIX = "GOVRULES_"
DEFAULT_MAX_BODY_BYTES = 1 << 20
DEFAULT_MAX_LINT_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class Settings:
    """What the HTTP service loads and how much it accepts from a client.

    Examples:
        >>> s = Settings.from_env({"GOVRULES_ENGINE": "python", "GOVRULES_MAX_BODY_BYTES": "2048"})
        >>> s.engine, s.max_body_bytes, s.rules
        ('python', 2048, ())
        >>> Settings.from_env(s.to_env()) == s
        True
    """

    rules: tuple[str, ...] = ()
    """Rule files or folders; empty means the bundled rulesets."""
    engine: EngineName = "auto"
    """A back-end of :mod:`govrules.backends`, or ``auto`` (the first that can run here)."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """Largest request body accepted; larger ones get 413 before any parsing."""
    body_timeout: float = 10.0
    """Seconds a client has to send the whole body once its headers are in (then 408)."""
    header_timeout: float = 10.0
    """Seconds a client has to send a request's headers once it starts (then the connection is
    closed)."""
    max_lint_bytes: int = DEFAULT_MAX_LINT_BYTES
    """Largest rule text ``POST /v1/lint`` checks (413 above); linting is CPU work."""
    lint_timeout: float = 4.0
    """Seconds ``POST /v1/lint`` may spend checking before it answers with a diagnostic."""
    db: str | None = None
    """The register's database URL (``GOVRULES_DB``); ``None`` serves no register routes.
    ``govrules serve`` always sets it (by default to a SQLite file)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``GOVRULES_*`` variables; absent ones take their defaults.

        Raises:
            UsageError: A variable holds a value of the wrong kind.
        """
        env = os.environ if environ is None else environ
        defaults = cls()
        raw_rules = env.get(f"{ENV_PREFIX}RULES", "")
        engine = env.get(f"{ENV_PREFIX}ENGINE", defaults.engine)
        if engine not in ENGINE_NAMES:
            raise UsageError(
                f"{ENV_PREFIX}ENGINE={engine!r}: expected one of {', '.join(ENGINE_NAMES)}"
            )
        return cls(
            rules=tuple(p for p in raw_rules.split(os.pathsep) if p),
            engine=engine,
            max_body_bytes=int(_number(env, "MAX_BODY_BYTES", defaults.max_body_bytes)),
            body_timeout=_number(env, "BODY_TIMEOUT", defaults.body_timeout),
            header_timeout=_number(env, "HEADER_TIMEOUT", defaults.header_timeout),
            max_lint_bytes=int(_number(env, "MAX_LINT_BYTES", defaults.max_lint_bytes)),
            lint_timeout=_number(env, "LINT_TIMEOUT", defaults.lint_timeout),
            db=env.get(f"{ENV_PREFIX}DB") or None,
        )

    def to_env(self) -> dict[str, str]:
        """The environment variables that :meth:`from_env` reads back into these settings."""
        return {
            f"{ENV_PREFIX}RULES": os.pathsep.join(self.rules),
            f"{ENV_PREFIX}ENGINE": self.engine,
            f"{ENV_PREFIX}MAX_BODY_BYTES": str(self.max_body_bytes),
            f"{ENV_PREFIX}BODY_TIMEOUT": repr(self.body_timeout),
            f"{ENV_PREFIX}HEADER_TIMEOUT": repr(self.header_timeout),
            f"{ENV_PREFIX}MAX_LINT_BYTES": str(self.max_lint_bytes),
            f"{ENV_PREFIX}LINT_TIMEOUT": repr(self.lint_timeout),
            f"{ENV_PREFIX}DB": self.db or "",
        }


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(f"{ENV_PREFIX}{name}")
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise UsageError(f"{ENV_PREFIX}{name}={raw!r}: expected a number") from None
    if not value > 0 or value == float("inf"):
        raise UsageError(f"{ENV_PREFIX}{name}={raw!r}: expected a positive number")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment (a FastAPI dependency)."""
    return Settings.from_env()
