"""Rule tests: YAML files beside the rules that say what the rules must conclude.

A test file (``rules/national/place-governance.test.yaml``) holds cases. Each case takes a base
declaration (a file, or a bundled example by name), changes some of its facts, evaluates it on
a date, and states the expected status of some rules, optionally with a phrase the explanation
must contain and whether the criterion was met late::

    base: northshire                  # default for every case (a case may name its own)
    as_of: 2023-09-30
    cases:
      - name: co-chairs are not a single accountable person
        changes:
          accountable_persons[1]: {name: Jo Bloggs, form: dual_role}
          shared_plan: !remove        # `!remove` deletes a field or a list item
        params:                       # optional: parameter values for this case only
          small_system_max_places: 2
        expect:
          SAP-4: fail
          SAP-1: {status: pass, explanation: "in post from", late: false}
    unreachable:                      # coverage points no case can reach, and why
      - {rule: GOV-3, status: fail, why: "an exemption cannot fail"}
      - {rule: GOV-1, condition: "alternatives_waived_for_place_board", way: false, why: "…"}

The rules a file tests are the ``.gr`` files of its folder, or those its ``rules:`` key lists
(paths relative to the file). :func:`load_test_file` reads and checks a file; every problem is
a :class:`TestFileError` located to line and column, like a rule-file error.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import Diagnostic
from .errors import RuleError
from .errors import make_diagnostic
from .evaluator import DECLARATION_SUFFIXES
from .evaluator import REQUEST_SUFFIX
from .evaluator import RULE_SUFFIX
from .evaluator import bundled_examples_dir
from .report import STATUSES
from .source import Source
from .source import Span

#: How a test file's name ends.
TEST_SUFFIX = ".test.yaml"


class TestFileError(RuleError):
    """A test file that cannot be read as tests (every problem, located)."""

    __test__ = False  # not a pytest class
    code = "invalid_test_file"


class _Remove:
    """The value of ``!remove``: delete this field or list item."""

    def __repr__(self) -> str:
        return "!remove"


REMOVE = _Remove()


class _Loader(yaml.SafeLoader):
    """YAML with ``!remove``."""


_Loader.add_constructor("!remove", lambda loader, node: REMOVE)


@dataclass(frozen=True, slots=True)
class Expectation:
    """What one case expects of one rule."""

    rule: str
    status: str | None
    explanation: str | None
    late: bool | None
    span: Span


@dataclass(frozen=True, slots=True)
class Change:
    """Set (or, with :data:`REMOVE`, delete) the fact at ``path``."""

    path: str
    value: Any
    span: Span


@dataclass(frozen=True, slots=True)
class Case:
    """One test case."""

    name: str
    base: Path
    as_of: dt.date
    changes: tuple[Change, ...]
    params: tuple[tuple[str, Any, Span], ...]
    expect: tuple[Expectation, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Excuse:
    """A coverage point the file declares unreachable: a status, or one way of an operand."""

    rule: str
    status: str | None
    condition: str | None
    way: bool | None
    why: str
    span: Span


@dataclass(frozen=True, slots=True)
class TestFile:
    """A checked test file."""

    __test__ = False

    path: Path
    source: Source
    rule_files: tuple[Path, ...]
    cases: tuple[Case, ...]
    excuses: tuple[Excuse, ...]


def test_files(paths: list[Path]) -> list[Path]:
    """Test files named by ``paths``: files as given, folders searched recursively."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*" + TEST_SUFFIX) if f.is_file()))
        else:
            out.append(p)
    return out


def folder_rules(folder: Path) -> tuple[Path, ...]:
    """The rule files of a folder (not of its subfolders), in name order."""
    return tuple(sorted(f for f in folder.glob("*" + RULE_SUFFIX) if f.is_file()))


def example_path(name: str) -> Path | None:
    """The bundled example declaration called ``name`` (``northshire``), if there is one."""
    for f in sorted(bundled_examples_dir().rglob("*")):
        if f.suffix in DECLARATION_SUFFIXES and not f.name.endswith(REQUEST_SUFFIX):
            if f.stem == name:
                return f
    return None


def example_names() -> list[str]:
    """The names of the bundled example declarations."""
    return sorted(
        f.stem
        for f in bundled_examples_dir().rglob("*")
        if f.suffix in DECLARATION_SUFFIXES and not f.name.endswith(REQUEST_SUFFIX)
    )


# ---------------------------------------------------------------- reading YAML with positions

_FILE_KEYS = ("rules", "base", "as_of", "params", "cases", "unreachable")
_CASE_KEYS = ("name", "base", "as_of", "params", "changes", "expect")
_EXPECT_KEYS = ("status", "explanation", "late")
_EXCUSE_KEYS = ("rule", "status", "condition", "way", "why")


class _Reader:
    """Walks the YAML node tree, collecting located problems instead of stopping."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.problems: list[Diagnostic] = []
        self.loader = _Loader(source.text)

    def span(self, node: yaml.Node) -> Span:
        m, e = node.start_mark, node.end_mark
        end_col = e.column + 1 if e.line == m.line else m.column + 2
        return Span(m.line + 1, m.column + 1, m.line + 1, max(end_col, m.column + 2))

    def error(self, node: yaml.Node | Span, message: str, hint: str | None = None) -> None:
        span = node if isinstance(node, Span) else self.span(node)
        self.problems.append(make_diagnostic(self.source, span, "invalid_test_file", message, hint))

    def value(self, node: yaml.Node) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as err:
            self.error(node, f"cannot read this value: {getattr(err, 'problem', err)}")
            return None

    def mapping(
        self, node: yaml.Node, what: str, keys: tuple[str, ...] | None
    ) -> Iterator[tuple[str, yaml.Node, yaml.Node]]:
        """The entries of a mapping node; unknown keys are reported (with "did you mean")."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} should be a mapping of keys to values")
            return
        try:
            self.loader.flatten_mapping(node)  # YAML merge keys (<<: *anchor)
        except yaml.YAMLError as err:
            self.error(node, f"cannot merge here: {getattr(err, 'problem', err)}")
            return
        for key_node, value_node in node.value:
            key = str(self.value(key_node))
            if keys is not None and key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = f"did you mean '{close[0]}'?" if close else "known: " + ", ".join(keys)
                self.error(key_node, f"unknown key '{key}' in {what}", hint)
                continue
            yield key, key_node, value_node

    def text(self, node: yaml.Node, what: str) -> str | None:
        v = self.value(node)
        if isinstance(v, str) and v.strip():
            return v
        self.error(node, f"{what} should be a text")
        return None

    def date(self, node: yaml.Node, what: str) -> dt.date | None:
        v = self.value(node)
        if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
            return v
        if isinstance(v, str):
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                pass
        self.error(node, f"{what} should be a date", "write YYYY-MM-DD, e.g. 2023-09-30")
        return None


_PATH = re.compile(r"[a-z_][a-z0-9_]*|\[\d+\]")


def split_path(path: str) -> list[str | int] | None:
    """A fact path as keys and indexes, or ``None`` when it is not one.

    Examples:
        >>> split_path("accountable_persons[1].agreed_by")
        ['accountable_persons', 1, 'agreed_by']
        >>> split_path("place..name") is None
        True
    """
    out: list[str | int] = []
    pos = 0
    while pos < len(path):
        if out and path[pos] == "." and not path.startswith("[", pos + 1):
            pos += 1
        m = _PATH.match(path, pos)
        if m is None or (not out and m.group().startswith("[")):
            return None
        word = m.group()
        out.append(int(word[1:-1]) if word.startswith("[") else word)
        pos = m.end()
    return out or None


def apply_change(doc: dict[str, Any], steps: list[str | int], value: Any) -> str | None:
    """Set or remove the fact at ``steps`` in a plain document; a problem in words, or None."""
    here: Any = doc
    for n, step in enumerate(steps[:-1]):
        nxt = steps[n + 1]
        if isinstance(step, int):
            if not isinstance(here, list) or step >= len(here):
                return f"there is no item [{step}] to change"
            here = here[step]
            continue
        if not isinstance(here, dict):
            return f"'{step}' is not a field of a group of facts"
        if here.get(step) is None:
            if isinstance(nxt, int) or value is REMOVE:
                return f"there is no '{step}' to change inside"
            here[step] = {}  # a new group of facts, filled by the next steps
        here = here[step]
    last = steps[-1]
    if isinstance(last, int):
        if not isinstance(here, list):
            return "an index needs a list"
        if value is REMOVE:
            if last >= len(here):
                return f"there is no item [{last}] to remove (the list has {len(here)})"
            del here[last]
        elif last < len(here):
            here[last] = copy.deepcopy(value)
        elif last == len(here):
            here.append(copy.deepcopy(value))
        else:
            return f"item [{last}] is past the end: the list has {len(here)}; use [{len(here)}]"
        return None
    if not isinstance(here, dict):
        return f"'{last}' is not a field of a group of facts"
    if value is REMOVE:
        if last not in here:
            return f"there is no '{last}' to remove"
        del here[last]
    else:
        here[last] = copy.deepcopy(value)
    return None


def load_test_file(path: Path) -> TestFile:
    """Read and check a test file.

    Raises:
        TestFileError: every problem, each with file, line, column and a caret.
    """
    try:
        source = Source(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError) as err:
        raise TestFileError(
            [
                Diagnostic(
                    "invalid_test_file",
                    f"cannot read the test file ({err})",
                    str(path),
                    Span(1, 1, 1, 2),
                )
            ]
        ) from None
    r = _Reader(source)
    try:
        root = r.loader.get_single_node()
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        at = Span.point(mark.line + 1, mark.column + 1) if mark else Span(1, 1, 1, 2)
        raise TestFileError(
            [make_diagnostic(source, at, "invalid_test_file", f"not valid YAML: {err}")]
        ) from None
    if root is None:
        raise TestFileError(
            [make_diagnostic(source, Span(1, 1, 1, 2), "invalid_test_file", "the file is empty")]
        )
    defaults: dict[str, Any] = {"base": None, "as_of": None, "params": ()}
    rule_paths: tuple[Path, ...] = folder_rules(path.parent)
    cases_node: yaml.Node | None = None
    excuses_node: yaml.Node | None = None
    for key, _, node in r.mapping(root, "a test file", _FILE_KEYS):
        if key == "rules":
            listed = r.value(node)
            items = listed if isinstance(listed, list) else [listed]
            rule_paths = tuple(_rule_paths(r, node, path.parent, items))
        elif key == "base":
            defaults["base"] = _base(r, node, path.parent)
        elif key == "as_of":
            defaults["as_of"] = r.date(node, "as_of")
        elif key == "params":
            defaults["params"] = tuple(_params(r, node))
        elif key == "cases":
            cases_node = node
        else:
            excuses_node = node
    if cases_node is None:
        r.error(root, "a test file needs 'cases:', a list of test cases")
    cases = tuple(_cases(r, cases_node, path.parent, defaults)) if cases_node else ()
    excuses = tuple(_excuses(r, excuses_node)) if excuses_node else ()
    if r.problems:
        raise TestFileError(r.problems)
    return TestFile(path, source, rule_paths, cases, excuses)


def _rule_paths(r: _Reader, node: yaml.Node, folder: Path, items: list[Any]) -> Iterator[Path]:
    for item in items:
        p = Path(os.path.normpath(folder / str(item)))  # one name per file: no "x/../"
        if p.is_dir():
            yield from sorted(p.rglob("*" + RULE_SUFFIX))
        elif p.is_file():
            yield p
        else:
            r.error(node, f"no rule file or folder '{item}' (paths are relative to this file)")


def _base(r: _Reader, node: yaml.Node, folder: Path) -> Path | None:
    name = r.text(node, "base")
    if name is None:
        return None
    if "/" in name or name.endswith(DECLARATION_SUFFIXES):
        p = folder / name
        if p.is_file():
            return p
        r.error(node, f"no declaration file '{name}' (paths are relative to this file)")
        return None
    found = example_path(name)
    if found is None:
        close = difflib.get_close_matches(name, example_names(), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "examples: " + ", ".join(example_names())
        r.error(node, f"no example declaration called '{name}'", hint)
    return found


def _params(r: _Reader, node: yaml.Node) -> Iterator[tuple[str, Any, Span]]:
    for key, key_node, value_node in r.mapping(node, "params", None):
        yield key, r.value(value_node), r.span(key_node)


def _cases(r: _Reader, node: yaml.Node, folder: Path, defaults: dict[str, Any]) -> Iterator[Case]:
    if not isinstance(node, yaml.SequenceNode):
        r.error(node, "'cases' should be a list of cases (each starting with '- name: …')")
        return
    names: set[str] = set()
    for item in node.value:
        fields: dict[str, Any] = dict(defaults)
        fields.update(name=None, changes=(), expect=())
        written: set[str] = set()
        for key, _, value_node in r.mapping(item, "a case", _CASE_KEYS):
            written.add(key)
            if key == "name":
                fields["name"] = r.text(value_node, "a case's name")
            elif key == "base":
                fields["base"] = _base(r, value_node, folder)
            elif key == "as_of":
                fields["as_of"] = r.date(value_node, "as_of")
            elif key == "params":
                merged = {k: (v, s) for k, v, s in fields["params"]}
                merged.update({k: (v, s) for k, v, s in _params(r, value_node)})
                fields["params"] = tuple((k, v, s) for k, (v, s) in merged.items())
            elif key == "changes":
                fields["changes"] = tuple(_changes(r, value_node))
            else:
                fields["expect"] = tuple(_expectations(r, value_node))
        span = r.span(item)
        for needed in ("name", "base", "as_of", "expect"):
            if not fields[needed] and needed not in written:  # (a bad value was reported)
                r.error(span, f"this case has no '{needed}'", _NEEDED_HINTS[needed])
        if fields["name"] in names:
            r.error(span, f"a case called '{fields['name']}' is already in this file")
        names.add(fields["name"])
        if all(fields[k] for k in ("name", "base", "as_of", "expect")):
            yield Case(
                fields["name"],
                fields["base"],
                fields["as_of"],
                fields["changes"],
                fields["params"],
                fields["expect"],
                span,
            )


_NEEDED_HINTS = {
    "name": "name it: '- name: what this case shows'",
    "base": "give 'base:' (an example name or a declaration file), here or at the top",
    "as_of": "give 'as_of: YYYY-MM-DD', here or at the top of the file",
    "expect": "say what the rules must conclude, e.g. 'expect: {SAP-1: fail}'",
}


def _changes(r: _Reader, node: yaml.Node) -> Iterator[Change]:
    for key, key_node, value_node in r.mapping(node, "changes", None):
        if split_path(key) is None:
            r.error(
                key_node,
                f"'{key}' is not a path to a fact",
                "write fields with dots and list items with [n]: accountable_persons[0].name",
            )
            continue
        yield Change(key, r.value(value_node), r.span(key_node))


def _expectations(r: _Reader, node: yaml.Node) -> Iterator[Expectation]:
    for rule_id, key_node, value_node in r.mapping(node, "expect", None):
        span = r.span(key_node)
        value = r.value(value_node)
        status, phrase, late = None, None, None
        if isinstance(value, str):
            status = value
        elif isinstance(value_node, yaml.MappingNode):
            for key, _, vn in r.mapping(value_node, f"the expectation of {rule_id}", _EXPECT_KEYS):
                v = r.value(vn)
                if key == "status":
                    status = v
                elif key == "explanation":
                    phrase = r.text(vn, "explanation")
                elif isinstance(v, bool):
                    late = v
                else:
                    r.error(vn, "late should be true or false")
        else:
            r.error(value_node, f"expect a status for {rule_id}: " + ", ".join(STATUSES))
            continue
        if status is not None and status not in STATUSES:
            close = difflib.get_close_matches(str(status), STATUSES, n=1)
            r.error(
                value_node,
                f"'{status}' is not a status",
                f"did you mean '{close[0]}'?" if close else "statuses: " + ", ".join(STATUSES),
            )
            continue
        if status is None and phrase is None and late is None:
            r.error(value_node, f"the expectation of {rule_id} checks nothing")
            continue
        yield Expectation(rule_id, status, phrase, late, span)


def _excuses(r: _Reader, node: yaml.Node) -> Iterator[Excuse]:
    if not isinstance(node, yaml.SequenceNode):
        r.error(node, "'unreachable' should be a list of {rule, status or condition, why}")
        return
    for item in node.value:
        got: dict[str, Any] = {}
        for key, _, vn in r.mapping(item, "an unreachable point", _EXCUSE_KEYS):
            got[key] = r.value(vn)
        span = r.span(item)
        if not isinstance(got.get("rule"), str) or not str(got.get("why", "")).strip():
            r.error(span, "an unreachable point needs 'rule' and 'why' (the reason, in words)")
            continue
        status, condition, way = got.get("status"), got.get("condition"), got.get("way")
        if (status is None) == (condition is None):
            r.error(span, "name either a 'status' or a 'condition' (an operand as written)")
            continue
        if status is not None and status not in STATUSES:
            r.error(span, f"'{status}' is not a status", "statuses: " + ", ".join(STATUSES))
            continue
        if way is not None and not isinstance(way, bool):
            r.error(span, "'way' is true or false (the value the operand never decides)")
            continue
        yield Excuse(got["rule"], status, condition, way, str(got["why"]), span)
