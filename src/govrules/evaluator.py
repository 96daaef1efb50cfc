"""Loading rulesets and evaluating declarations: the public entry points of the library.

    >>> from govrules import load_rulesets, load_declaration, evaluate
    >>> program = load_rulesets()                         # the bundled rulesets
    >>> report = evaluate(program, load_declaration("examples/northshire.yaml"), "2023-09-30")
    >>> report.compliant
    True

This module gathers the entry points of the pipeline's stages: loading (:mod:`govrules.loading`),
the engine (:mod:`govrules.engine`) and the back-ends' names (:mod:`govrules.backends`).
An :class:`Engine` compiles a program once and is then reused for every evaluation; it is safe
to share between threads.
"""

from __future__ import annotations

from .backends import names as backend_names
from .engine import Engine as Engine
from .engine import engine_for as engine_for
from .engine import evaluate as evaluate
from .formats import DECLARATION_FORMATS as FORMATS
from .loading import DECLARATION_SUFFIXES as DECLARATION_SUFFIXES
from .loading import REQUEST_SUFFIX as REQUEST_SUFFIX
from .loading import RULE_SUFFIX as RULE_SUFFIX
from .loading import bundled_examples_dir as bundled_examples_dir
from .loading import bundled_rules_dir as bundled_rules_dir
from .loading import bundled_ruleset_files as bundled_ruleset_files
from .loading import bundled_rulesets as bundled_rulesets
from .loading import declaration_files as declaration_files
from .loading import display_path as display_path
from .loading import load_rulesets as load_rulesets
from .loading import load_sources as load_sources
from .loading import parse_date as parse_date
from .loading import read_source as read_source
from .loading import read_sources as read_sources
from .loading import rule_files as rule_files

#: The names ``--engine`` accepts: ``auto`` and every back-end of the registry.
ENGINE_NAMES: tuple[str, ...] = ("auto", *backend_names())
EngineName = str

__all__ = [
    "ENGINE_NAMES",
    "FORMATS",
    "Engine",
    "evaluate",
    "load_rulesets",
    "load_sources",
    "bundled_rules_dir",
    "parse_date",
]
