"""govrules: rules-as-code compliance checks for place-based health and care governance.

>>> from govrules import evaluate, load_declaration, load_rulesets
>>> report = evaluate(load_rulesets(), load_declaration("examples/northshire.yaml"),
...                   "2023-09-30", engine="python")
>>> report.compliant
True
"""

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
from .version import __version__ as __version__

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
