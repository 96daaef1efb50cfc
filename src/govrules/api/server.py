"""Running the application on uvicorn (what ``govrules serve`` calls)."""

from __future__ import annotations

import os
from typing import Any

import uvicorn

from ..evaluator import load_rulesets
from .app import create_app
from .guard import GuardedH11Protocol
from .settings import Settings
from .settings import get_settings

FACTORY = "govrules.api.app:create_app"
H11_MAX_INCOMPLETE_EVENT_SIZE = 16 * 1024
"""Largest request head (request line plus headers) accepted; larger ones get 400."""


def run(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    """Load and compile the rulesets, then serve until interrupted.

    The settings are also written to the environment, so every worker of a multi-process
    server (uvicorn's factory mode) rebuilds the same application.

    Raises:
        RuleError: A rule file does not load; nothing is served.
        UsageError: A rule path is missing.
    """
    os.environ.update(settings.to_env())
    get_settings.cache_clear()
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "http": GuardedH11Protocol,
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": 10,
        "h11_max_incomplete_event_size": H11_MAX_INCOMPLETE_EVENT_SIZE,
        "server_header": False,
        "log_level": "info",
    }
    if workers > 1:
        load_rulesets(list(settings.rules) or None)  # fail here, before any worker starts
        uvicorn.run(FACTORY, factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)
