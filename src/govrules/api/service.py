"""The service behind the endpoints: rulesets compiled once, engines shared between requests.

Choosing rulesets. A request may name a subset of the loaded rulesets. Filtering the findings of
the full engine would be wrong: a local ruleset may override national parameters, and without it
the national rules must see their own values. So a subset is *recompiled* from its own source
files, exactly as ``govrules check --rules`` would load them, and the resulting :class:`Engine`
is cached per combination (a small LRU; the full set is the engine built at start-up). Building
happens at most once per combination while it stays cached, under a lock, so two requests for the
same new combination compile it once. A combination that does not compile on its own (a local
ruleset without the national one it builds on) is a 422 naming the rule-file problems.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..checker import Program
from ..declaration import size_words
from ..errors import RuleError
from ..evaluator import Engine
from ..evaluator import bundled_rules_dir
from ..evaluator import display_path
from ..evaluator import load_sources
from ..evaluator import read_source
from ..evaluator import rule_files
from ..report import rule_sort_key
from ..selection import EVERYTHING
from ..selection import Selection
from ..selection import select
from ..source import Source
from .problems import ApiError
from .settings import Settings

SUBSET_CACHE_SIZE = 8


def _served_name(path: Path, root: Path) -> str:
    """How a rule file is named in answers: by its place under the folder or file it was
    loaded from (``local/northshire.gr``), never by the server's absolute path."""
    shown = display_path(path)
    if shown != str(path):
        return shown  # a bundled file: rules/…
    try:
        return path.resolve().relative_to(root.parent.resolve()).as_posix()
    except ValueError:
        return path.name


class Service:
    """Loaded rulesets and their engines; one per application, shared by all threads.

    Raises (from the constructor):
        RuleError: a rule file does not parse or check (the server must not start).
        UsageError: a rule path does not exist or cannot be read.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        paths = [Path(p) for p in settings.rules] if settings.rules else [bundled_rules_dir()]
        self._sources: tuple[Source, ...] = tuple(
            read_source(f, _served_name(f, root)) for root in paths for f in rule_files([root])
        )
        self.program: Program = load_sources(self._sources)
        self.engine = Engine(self.program, settings.engine)
        self._names = tuple(info.name for info in self.program.rulesets)
        self._subsets: OrderedDict[tuple[str, ...], Engine] = OrderedDict()
        self._lock = threading.Lock()

    # -- rulesets ------------------------------------------------------------------------------

    def rulesets(self) -> list[dict[str, Any]]:
        """Every loaded ruleset with its rule count, in load order."""
        counts = dict.fromkeys(self._names, 0)
        for rule in self.program.rules:
            counts[rule.ruleset] = counts.get(rule.ruleset, 0) + 1
        return [
            {
                "name": info.name,
                "version": info.version,
                "digest": info.digest,
                "declaration_format": info.declaration_format,
                "rule_count": counts.get(info.name, 0),
            }
            for info in self.program.rulesets
        ]

    def rules(self, name: str) -> list[dict[str, Any]]:
        """The rules of one ruleset in ID order, with their source text."""
        self._check_names([name], path="name")
        chosen = [r for r in self.program.rules if r.ruleset == name]
        chosen.sort(key=lambda r: rule_sort_key(r.id))
        return [
            {
                "id": r.id,
                "title": r.rule.title or "",
                "severity": r.rule.severity or "must",
                "due": r.due.isoformat() if r.due else None,
                "citation": r.citation,
                "source": r.rule.text,
            }
            for r in chosen
        ]

    def _check_names(self, names: Sequence[str], path: str) -> None:
        unknown = [
            {
                "path": path if path == "name" else f"{path}[{i}]",
                "message": f"unknown ruleset {n!r}; loaded: {', '.join(self._names)}",
            }
            for i, n in enumerate(names)
            if n not in self._names
        ]
        if unknown:
            raise ApiError(404, "unknown_ruleset", "no such ruleset is loaded", unknown)

    # -- engines -------------------------------------------------------------------------------

    def engine_for(self, names: Sequence[str] | None) -> Engine:
        """The engine for the named rulesets (``None``: all of them)."""
        if names is None:
            return self.engine
        if not names:
            raise ApiError(
                422,
                "invalid_request",
                "name at least one ruleset, or leave 'rulesets' out for all of them",
                [{"path": "rulesets", "message": "expected at least one ruleset name"}],
            )
        self._check_names(names, path="rulesets")
        key = tuple(n for n in self._names if n in set(names))  # load order, no duplicates
        if key == self._names:
            return self.engine
        with self._lock:
            cached = self._subsets.get(key)
            if cached is not None:
                self._subsets.move_to_end(key)
                return cached
            files = {f for info in self.program.rulesets if info.name in key for f in info.files}
            try:
                program = load_sources(s for s in self._sources if s.name in files)
            except RuleError as err:
                raise ApiError(
                    422,
                    "incompatible_rulesets",
                    f"the rulesets {', '.join(key)} do not load without the others",
                    [{"path": "rulesets", "message": d.headline()} for d in err.diagnostics],
                ) from None
            built = Engine(program, self.engine.name)
            self._subsets[key] = built
            if len(self._subsets) > SUBSET_CACHE_SIZE:
                self._subsets.popitem(last=False)
            return built

    def assess(
        self,
        declaration: BaseModel,
        as_of: dt.date,
        names: Sequence[str] | None,
        selection: Selection = EVERYTHING,
    ) -> dict[str, Any]:
        """The ``govrules/report/v1`` document for a validated declaration, showing the
        findings ``selection`` keeps (the verdict and counts cover them all)."""
        return select(self.engine_for(names).evaluate(declaration, as_of), selection).to_json()

    # -- lint ----------------------------------------------------------------------------------

    def lint(self, text: str, name: str) -> list[dict[str, Any]]:
        """Diagnostics for one rule file checked on its own, as ``govrules lint`` does.

        The text is parsed without the shared parse cache: texts sent to be linted are one-offs
        and must not push out the rule files the service keeps. Checking stops at
        ``settings.lint_timeout`` seconds with a ``check_timeout`` diagnostic.
        """
        if len(text.encode("utf-8", "surrogatepass")) > self.settings.max_lint_bytes:
            limit = self.settings.max_lint_bytes
            raise ApiError(
                413,
                "body_too_large",
                f"lint takes at most {size_words(limit)} ({limit:,} bytes) of rule text per "
                "request; check larger rulesets with 'govrules lint'",
            )
        deadline = time.monotonic() + self.settings.lint_timeout
        try:
            load_sources([Source(text, name)], cache=False, deadline=deadline)
        except RuleError as err:
            return [d.to_json() for d in err.diagnostics]
        return []
