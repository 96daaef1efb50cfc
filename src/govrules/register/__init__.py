"""The assessment register: every declaration and verdict kept, by place and system.

>>> import tempfile, pathlib
>>> from govrules import Engine, load_rulesets
>>> from govrules.declaration import parse_document, validate_declaration
>>> from govrules.register import Register
>>> folder = tempfile.mkdtemp()
>>> register = Register.open(f"sqlite:///{folder}/register.sqlite3")
>>> data, _ = parse_document(pathlib.Path("examples/northshire.yaml").read_text(), "n.yaml")
>>> report = Engine(load_rulesets(), "python").evaluate(
...     validate_declaration(data), "2023-09-30").to_json()
>>> stored = register.submit(data, report, actor="doctest")
>>> stored.place, stored.version, stored.created
('northshire', 1, True)
>>> register.submit(data, report, actor="doctest").created   # the same content again
False
>>> [p["place"] for p in register.places()]
['northshire']
>>> register.close()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from .database import RegisterUnavailable as RegisterUnavailable
    from .database import open_engine as open_engine
    from .database import resolve_url as resolve_url
    from .service import NotInRegister as NotInRegister
    from .service import Reassessment as Reassessment
    from .service import Register as Register
    from .service import RegisterConflict as RegisterConflict
    from .service import Submission as Submission
    from .tokens import TokenInfo as TokenInfo
    from .transfer import InvalidExport as InvalidExport

# Loaded on first use: importing the package (as the command line does) must not load
# SQLAlchemy and Alembic.
_EXPORTS = {
    "RegisterUnavailable": "database",
    "open_engine": "database",
    "resolve_url": "database",
    "NotInRegister": "service",
    "Reassessment": "service",
    "Register": "service",
    "RegisterConflict": "service",
    "Submission": "service",
    "TokenInfo": "tokens",
    "InvalidExport": "transfer",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = sorted(_EXPORTS)
