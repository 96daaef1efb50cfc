"""Static analysis of rules with an SMT solver: rules that never pass, fail or apply, pairs
that contradict or repeat each other, and values no rule covers. See ``docs/analysis.md``."""

from .checks import Analysis as Analysis
from .checks import Finding as Finding
from .checks import analyze as analyze

__all__ = ["Analysis", "Finding", "analyze"]
