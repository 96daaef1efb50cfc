"""Loading: rule files and folders, bundled rulesets by name, and the evaluation date.

The first stage of the pipeline. Everything that reads rule files from disk, finds the bundled
rulesets and examples (in a checkout or an installed package), or turns a date given by a
person into an evaluation date, is here; declarations are read by :mod:`govrules.declaration`.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import re
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path

from .checker import Program
from .checker import check_program
from .errors import Diagnostic
from .errors import RuleError
from .errors import RuleSyntaxError
from .errors import UsageError
from .errors import internal_error
from .errors import make_diagnostic
from .formats import REGISTRY
from .source import Source
from .source import Span
from .syntax import parse_module

RULE_SUFFIX = ".gr"


def bundled_rules_dir() -> Path:
    """The rulesets shipped with the package (or, in a checkout, the top-level ``rules/``)."""
    packaged = importlib.resources.files("govrules") / "rules"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "rules"


def bundled_examples_dir() -> Path:
    """The example declarations shipped with the package (or, in a checkout, ``examples/``)."""
    packaged = importlib.resources.files("govrules") / "examples"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "examples"


DECLARATION_SUFFIXES = (".yaml", ".yml", ".json")
#: HTTP request bodies kept beside the examples (``{"declaration": …}``), not declarations.
REQUEST_SUFFIX = ".request.json"


def _expand(
    paths: Iterable[str | Path], accept: Callable[[Path], bool], what: str, pattern: str
) -> list[Path]:
    """Files named by ``paths``: files as given, folders searched recursively, sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and accept(f))
            if not found:
                raise UsageError(f"{p}: no {what}s ({pattern}) in this folder")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise UsageError(f"{p}: no such {what} or folder")
    return out


def declaration_files(paths: Iterable[str | Path]) -> list[Path]:
    """Declaration files named by ``paths``: files as given, folders searched recursively."""
    return _expand(
        paths,
        lambda f: f.suffix in DECLARATION_SUFFIXES and not f.name.endswith(REQUEST_SUFFIX),
        "declaration",
        "*.yaml, *.json",
    )


def rule_files(paths: Iterable[str | Path]) -> list[Path]:
    """Rule files named by ``paths``: files as given, folders searched for ``*.gr`` in order,
    and the name of a bundled ruleset (``national-2022``) for its files, wherever the package
    is installed (a file or folder of that name in the current folder comes first)."""
    out: list[Path] = []
    for raw in paths:
        named = None if Path(raw).exists() else bundled_ruleset_files(str(raw))
        if named:
            out.extend(named)
        else:
            out.extend(
                _expand([raw], lambda f: f.suffix == RULE_SUFFIX, "rule file", f"*{RULE_SUFFIX}")
            )
    return out


def bundled_rulesets() -> dict[str, list[Path]]:
    """The bundled rulesets by name, each with its files in load order (headers only read)."""
    found: dict[str, list[Path]] = {}
    for path in sorted(bundled_rules_dir().rglob(f"*{RULE_SUFFIX}")):
        header = _HEADER.search(path.read_text(encoding="utf-8"))
        if header:
            found.setdefault(header.group(1), []).append(path)
    return found


_HEADER = re.compile(r'^\s*ruleset\s+"([^"\\\n]*)"', re.MULTILINE)


def bundled_ruleset_files(name: str) -> list[Path] | None:
    """The files of the bundled ruleset called ``name``, or None if there is none."""
    return bundled_rulesets().get(name)


def display_path(path: str | Path) -> str:
    """Bundled rule files by their place in the package (``rules/national/…``), wherever it is
    installed; other files as given."""
    try:
        bundled = bundled_rules_dir().resolve()
        rel = Path(path).resolve().relative_to(bundled)
    except (ValueError, OSError):
        return str(path)
    return f"{bundled.name}/{rel.as_posix()}"


def read_source(path: Path, name: str | None = None) -> Source:
    """A rule file as a :class:`Source`.

    Raises:
        RuleSyntaxError: the file is not UTF-8 text (``not_utf8``, at the first bad byte).
        UsageError: the file cannot be read at all.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"{path}: cannot read ({err.strerror})") from None
    name = name or display_path(path)
    try:
        return Source(data.decode("utf-8"), name)
    except UnicodeDecodeError as err:
        before = data[: err.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        shown = Source(data.decode("utf-8", "replace"), name)
        raise RuleSyntaxError(
            [
                make_diagnostic(
                    shown,
                    Span.point(line, column),
                    "not_utf8",
                    f"byte 0x{data[err.start]:02x} is not UTF-8 text ({err.reason})",
                    hint="save the rule file as UTF-8",
                )
            ]
        ) from None


def load_sources(
    sources: Iterable[Source],
    diagnostics: Iterable[Diagnostic] = (),
    *,
    cache: bool = True,
    deadline: float | None = None,
) -> Program:
    """Parse and check rule texts in order; every problem of every file is reported together
    (with ``diagnostics`` already found, such as files that are not UTF-8).

    A failure of govrules itself while reading a text is reported as an ``internal_error``
    diagnostic located in that text, never as a traceback.
    """
    modules = []
    found: list[Diagnostic] = list(diagnostics)
    for source in sources:
        try:
            modules.append((source, parse_module(source, cache=cache)))
        except RuleError as err:
            found.extend(err.diagnostics)
        except Exception as err:  # a bug of ours: say where, and what
            found.append(internal_error(source, Span.point(1, 1), err))
    if found:
        raise RuleSyntaxError(found)
    return check_program(
        modules, formats=REGISTRY.models(), default_format=REGISTRY.default, deadline=deadline
    )


def read_sources(paths: Iterable[Path]) -> tuple[list[Source], list[Diagnostic]]:
    """Read rule files; the ones that are not UTF-8 text become diagnostics."""
    sources: list[Source] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            sources.append(read_source(path))
        except RuleError as err:
            problems.extend(err.diagnostics)
    return sources, problems


def load_rulesets(paths: Iterable[str | Path] | None = None) -> Program:
    """Load rule files (or folders of them); ``None`` loads the bundled rulesets.

    Raises:
        RuleSyntaxError: a file does not parse, or is not UTF-8 text.
        RuleCompileError: the files parse but have errors.
        UsageError: a path does not exist or cannot be read.
    """
    chosen = [bundled_rules_dir()] if paths is None else list(paths)
    return load_sources(*read_sources(rule_files(chosen)))


def parse_date(value: str | dt.date | None) -> dt.date:
    """An evaluation date from ISO text, a date, or ``None`` (today)."""
    if value is None:
        return dt.date.today()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"'{value}' is not a date; write YYYY-MM-DD, e.g. 2023-09-30") from None
