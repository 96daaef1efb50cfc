"""Rule engine back-ends, and the registry the CLI and the HTTP API take their choices from.

A back-end decides each rule's outcome (:class:`Backend`); the engine explains it. Adding a
back-end is a module with a class that follows the protocol, an ``available()`` function, and
one line in :data:`REGISTRY`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from ..errors import UsageError

if TYPE_CHECKING:
    from .base import Backend as Backend
    from .base import Pack as Pack


def __getattr__(name: str) -> Any:
    # The protocol and the pack are read from .base on first use: the durable_rules worker
    # process imports this package and needs neither (nor the checker they bring).
    if name in ("Backend", "Pack"):
        from . import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class Entry:
    """A back-end of the registry: its module and class, loaded only when chosen."""

    module: str
    cls: str
    summary: str

    def load(self) -> Backend:
        backend: Backend = getattr(importlib.import_module(self.module, __name__), self.cls)()
        return backend

    def available(self) -> tuple[bool, str | None]:
        check: Callable[[], tuple[bool, str | None]] = importlib.import_module(
            self.module, __name__
        ).available
        return check()


#: Every back-end, in order of preference for ``auto``.
REGISTRY: dict[str, Entry] = {
    "durable": Entry(".durable_backend", "DurableBackend", "durable_rules (forward chaining)"),
    "python": Entry(".python", "PythonBackend", "generated Python code"),
}


def names() -> tuple[str, ...]:
    """The back-ends one may choose (``--engine``, ``GOVRULES_ENGINE``)."""
    return tuple(REGISTRY)


def warm_up(name: str) -> None:
    """Let the back-end ``name`` would resolve to start what it needs (a worker process) while
    the caller reads its rules. Does nothing for an unknown or unavailable back-end: the
    error is for :func:`resolve_backend` to give."""
    for candidate, entry in REGISTRY.items():
        if name not in ("auto", candidate):
            continue
        if not entry.available()[0]:
            if name == "auto":
                continue
            return
        start = getattr(importlib.import_module(entry.module, __name__), "warm_up", None)
        if start is not None:
            start()
        return


def resolve_backend(name: str) -> tuple[str, Backend, str | None]:
    """``(name, back-end, warning)`` for a choice; ``auto`` is the first that can run here,
    with a one-line warning when a preferred one cannot.

    Raises:
        UsageError: an unknown back-end, or one that cannot run here.
    """
    if name == "auto":
        skipped: list[str] = []
        for candidate, entry in REGISTRY.items():
            ok, why = entry.available()
            if ok:
                warning = f"{'; '.join(skipped)}; using the {candidate} engine" if skipped else None
                return candidate, entry.load(), warning
            skipped.append(f"{candidate} unavailable ({why})")
        raise UsageError("no rule engine can run here: " + "; ".join(skipped))
    chosen = REGISTRY.get(name)
    if chosen is None:
        raise UsageError(f"unknown engine {name!r}; choose one of: {', '.join(REGISTRY)}")
    ok, why = chosen.available()
    if not ok:
        raise UsageError(f"the {name} engine is not available here: {why}")
    return name, chosen.load(), None
