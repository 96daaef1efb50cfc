"""The rulesets a local rule file builds on, for ``govrules lint`` and for hints.

A local file (``my-local.gr``) usually overrides a parameter of a bundled ruleset
(``override param place_governance_due …``) or reads one, or reads the outcome of a bundled rule.
Checked on its own, such a file can only be wrong. :func:`needed_bases` finds the bundled rulesets
that define what a file names and does not define itself, so ``govrules lint my-local.gr`` checks
the file as ``govrules check --rules national-2022 --rules my-local.gr`` will read it.

Rule files are read in the order given: a later file may ``override`` a parameter of an earlier
one, and may read the parameters and rule outcomes of earlier and later files alike (rules are
ordered by their dependencies, not by file). :func:`better_hints` rewrites the hints of the
diagnostics that order causes, naming the file or bundled ruleset that defines the name.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path

from . import ast
from .errors import Diagnostic
from .errors import RuleError
from .loading import bundled_rulesets
from .loading import display_path
from .loading import read_source
from .syntax import parse_module


def _nodes(root: object) -> Iterator[object]:
    """Every node under ``root`` (itself included), without recursion."""
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, tuple):
            pending.extend(node)
        elif isinstance(node, ast.Node) and dataclasses.is_dataclass(node):
            yield node
            pending.extend(
                getattr(node, f.name) for f in dataclasses.fields(node) if f.name != "span"
            )


def defined_names(module: ast.Module) -> set[str]:
    """The parameters and rule IDs a file defines (overrides excluded)."""
    return {p.name for p in module.params if not p.override} | {r.id for r in module.rules}


def referenced_names(module: ast.Module) -> set[str]:
    """The names a file uses that could come from another file: the roots of paths (a parameter,
    or a declaration field), the rules whose outcomes it reads, and the parameters it overrides.
    """
    found = {p.name for p in module.params if p.override}
    for node in _nodes(module):
        if isinstance(node, ast.Path):
            found.add(node.root)
        elif isinstance(node, ast.RuleRef):
            found.add(node.rule_id)
        elif isinstance(node, ast.RuleList):
            found.update(node.rule_ids)
    return found


@functools.lru_cache(maxsize=1)
def _bundled_index() -> tuple[tuple[str, frozenset[Path], frozenset[str]], ...]:
    """Each bundled ruleset: name, its files, and the names it defines (parsed once)."""
    index = []
    for name, files in bundled_rulesets().items():
        names: set[str] = set()
        for path in files:
            names |= defined_names(parse_module(read_source(path)))
        index.append((name, frozenset(p.resolve() for p in files), frozenset(names)))
    return tuple(index)


def defining_ruleset(name: str) -> str | None:
    """The bundled ruleset that defines parameter or rule ``name``, if one does."""
    for ruleset, _, names in _bundled_index():
        if name in names:
            return ruleset
    return None


def needed_bases(files: Sequence[Path]) -> list[str]:
    """The bundled rulesets, in their load order, that define names ``files`` use but do not
    define; none of those already among ``files``. Files that do not parse are skipped (their
    own errors are reported when they are loaded).
    """
    given = {p.resolve() for p in files}
    defined: set[str] = set()
    wanted: set[str] = set()
    for path in files:
        try:
            module = parse_module(read_source(path))
        except RuleError:
            continue
        defined |= defined_names(module)
        wanted |= referenced_names(module)
    # An override of a parameter that one of the given files defines needs no base for it.
    wanted -= defined
    bases = []
    for ruleset, ruleset_files, names in _bundled_index():
        if ruleset_files & given:
            continue
        if names & wanted:
            bases.append(ruleset)
    return bases


_OVERRIDE = re.compile(r"names parameter (\S+), which no earlier file defines")
_UNKNOWN = re.compile(r"unknown parameter '([^']+)'")


def _defining_file(name: str, files: Iterable[Path]) -> Path | None:
    for path in files:
        try:
            module = parse_module(read_source(path))
        except RuleError:
            continue
        if name in defined_names(module):
            return path
    return None


def better_hints(diagnostics: Iterable[Diagnostic], files: Sequence[Path]) -> list[Diagnostic]:
    """``diagnostics`` with the hints of order problems made right.

    ``nothing_to_override`` and ``unknown_parameter`` get a hint naming the later file, or the
    bundled ruleset, that defines the parameter, and how to load it first.
    """
    out = []
    for d in diagnostics:
        pattern = {"nothing_to_override": _OVERRIDE, "unknown_parameter": _UNKNOWN}.get(d.code)
        found = pattern.search(d.message) if pattern else None
        hint = _order_hint(found.group(1), d.code, files) if found else None
        out.append(dataclasses.replace(d, hint=hint) if hint else d)
    return out


def _order_hint(name: str, code: str, files: Sequence[Path]) -> str | None:
    verb = "override" if code == "nothing_to_override" else "use"
    later = _defining_file(name, files)
    if later is not None and code == "nothing_to_override":
        return (
            f"{name} is defined in {display_path(later)}, which is read after this file: give "
            "that file first (with --rules, later files override earlier ones)"
        )
    ruleset = defining_ruleset(name)
    if ruleset is not None and later is None:
        return (
            f"{name} is defined by the bundled ruleset {ruleset}: to {verb} it, lint with "
            f"--base {ruleset} and check with --rules {ruleset} before this file"
        )
    return None
