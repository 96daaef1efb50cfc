"""govrules: rules-as-code compliance checks for place-based health and care governance.

>>> from govrules import evaluate, load_declaration, load_rulesets
>>> report = evaluate(load_rulesets(), load_declaration("examples/northshire.yaml"),
...                   "2023-09-30", engine="python")
>>> report.compliant
True
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from typing import Any

from .version import __version__ as __version__

if TYPE_CHECKING:
    from .declaration import load_declaration as load_declaration
    from .declaration import load_declaration_text as load_declaration_text
    from .errors import DeclarationError as DeclarationError
    from .errors import GovrulesError as GovrulesError
    from .errors import RuleError as RuleError
    from .evaluator import Engine as Engine
    from .evaluator import evaluate as evaluate
    from .evaluator import load_rulesets as load_rulesets
    from .models import PlaceDeclaration as PlaceDeclaration
    from .report import Finding as Finding
    from .report import Report as Report

#: Public name → the module that defines it. Imported on first use (PEP 562), so that a
#: process needing one part (the durable_rules worker, ``govrules --version``) does not pay
#: for all of them.
_LAZY = {
    "load_declaration": ".declaration",
    "load_declaration_text": ".declaration",
    "DeclarationError": ".errors",
    "GovrulesError": ".errors",
    "RuleError": ".errors",
    "Engine": ".evaluator",
    "evaluate": ".evaluator",
    "load_rulesets": ".evaluator",
    "PlaceDeclaration": ".models",
    "Finding": ".report",
    "Report": ".report",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'govrules' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "DeclarationError",
    "Engine",
    "Finding",
    "GovrulesError",
    "PlaceDeclaration",
    "Report",
    "RuleError",
    "evaluate",
    "load_declaration",
    "load_declaration_text",
    "load_rulesets",
]
