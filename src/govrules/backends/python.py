"""The Python back-end: the outcomes of the generated code (:mod:`govrules.codegen`) decide."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from ..ir import Outcome
from .base import Pack


class PythonBackend:
    """Statuses from the Python side's own outcomes: nothing more to compute."""

    name = "python"

    def prepare(self, pack: Pack) -> None:
        """Nothing to prepare: the engine compiled the rules already."""

    def decide(
        self, pack: Pack, declaration: BaseModel, as_of: dt.date, python: dict[str, Outcome]
    ) -> dict[str, Outcome]:
        """The Python side's outcomes."""
        return python


def available() -> tuple[bool, str | None]:
    """Always available."""
    return True, None
