"""What a rule engine back-end is: the small protocol the engine drives.

The engine always evaluates a declaration on the Python side first (generated code, see
:mod:`govrules.codegen`): that gives every rule's outcome, the facts it read and the texts
that explain it. A back-end then *decides* the outcomes that set the statuses. The Python
back-end takes the Python side's outcomes as they are; the durable_rules back-end derives them
again by forward chaining in its own engine and refuses (an :class:`EvaluationError`, exit 4)
to report a verdict the explanation does not share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

from pydantic import BaseModel

from ..checker import CheckedRule
from ..checker import Program
from ..ir import Outcome


@dataclass(eq=False)
class Pack:
    """The rules of one declaration format, as an engine runs them, with a place for each
    back-end to keep what it compiled for them."""

    program: Program
    declaration_format: str
    rules: tuple[CheckedRule, ...]
    cache: dict[str, Any] = field(default_factory=dict)


class Backend(Protocol):
    """A rule engine back-end."""

    name: str

    def prepare(self, pack: Pack) -> None:
        """Compile or register what :meth:`decide` needs for ``pack``; once, up front."""

    def decide(
        self,
        pack: Pack,
        declaration: BaseModel,
        as_of: dt.date,
        python: dict[str, Outcome],
    ) -> dict[str, Outcome]:
        """Every rule's outcome; ``python`` holds the Python side's outcomes.

        Raises:
            EvaluationError: the back-end failed, or concluded otherwise than ``python``.
        """
        ...
