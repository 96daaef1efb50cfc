"""Hostile variants of rule texts and declarations, for the fuzz tests.

Every function takes a :class:`random.Random`, so a failing case is reproduced from its seed.
Rule-text mutations work on the bundled rule files: byte flips, token edits (delete, repeat,
swap), huge numbers, deep nesting in every position (conditions, arithmetic, explanation holes),
control characters, lone surrogates and long runs. Declaration mutations start from the
bundled examples (``benchmarks/mutations.py``) and add hostile values: numbers at and past the
documented bounds, floats an engine cannot read exactly, control characters, surrogates, long
texts and deep nesting.
"""

from __future__ import annotations

import copy
import random
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from mutations import load_example_docs  # noqa: E402
from mutations import mutate as mutate_facts  # noqa: E402

RULE_FILES = sorted((ROOT / "rules").rglob("*.gr"))
RULE_TEXTS = [p.read_text(encoding="utf-8") for p in RULE_FILES]
EXAMPLES = load_example_docs()

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\d{4}-\d{2}-\d{2}|\d+(?:\.\d+)?|[A-Za-z_][\w-]*|\S')
_HOSTILE_TOKENS = [
    "9" * 40,
    "0." + "0" * 30 + "1",
    "1" + "0" * 16,
    "999999999999999",
    "0.00001",
    "99999 days",
    "2023-02-30",
    "9999-12-31",
    "0001-01-01",
    "[" + "1, " * 50 + "1]",
    "partners[999999]",
    '"\\x"',
    '"{' + "x" * 50 + '}"',
    '"{{}}"',
    "as_of - 100000 years",
    "as_of + 99999 months",
    "financial_year(as_of)",
    "met on as_of",
]
_ODD_CHARACTERS = [
    "\x00", "\x01", "\x1b", "\x7f", "\u2028", "\ufeff", "\ud800", "\udfff", "é", "\t",
]  # fmt: skip


def _nest(rng: random.Random) -> str:
    depth = rng.choice([5, 50, 99, 101, 150, 400])
    kind = rng.randrange(4)
    if kind == 0:
        return "not " * depth + "true"
    if kind == 1:
        return "-" * depth + "1"
    if kind == 2:
        return "(" * depth + "1" + ")" * depth
    return "[" * depth + "1" + "]" * depth


def mutate_rule_text(rng: random.Random, text: str | None = None) -> str:
    """``text`` (by default a bundled rule file) with one to four hostile edits."""
    text = rng.choice(RULE_TEXTS) if text is None else text
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(8)
        tokens = list(_TOKEN.finditer(text))
        if not tokens:
            break
        tok = rng.choice(tokens)
        start, end = tok.span()
        if kind == 0:  # flip a character
            at = rng.randrange(len(text))
            text = text[:at] + chr(rng.randrange(32, 0x2FF)) + text[at + 1 :]
        elif kind == 1:  # delete a token
            text = text[:start] + text[end:]
        elif kind == 2:  # repeat a token
            text = text[:end] + " " + tok.group() + text[end:]
        elif kind == 3:  # swap two tokens
            other = rng.choice(tokens)
            a, b = sorted([tok, other], key=lambda t: t.start())
            if a.end() <= b.start():
                text = (
                    text[: a.start()] + b.group() + text[a.end() : b.start()] + a.group()
                    + text[b.end() :]
                )  # fmt: skip
        elif kind == 4:  # a hostile token in place of one
            text = text[:start] + rng.choice(_HOSTILE_TOKENS) + text[end:]
        elif kind == 5:  # deep nesting, in a condition or inside a text hole
            nested = _nest(rng)
            if tok.group().startswith('"') and len(tok.group()) > 2:
                nested = '"{' + nested + "}" + tok.group()[1:]
            text = text[:start] + nested + text[end:]
        elif kind == 6:  # an odd character anywhere
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(_ODD_CHARACTERS) + text[at:]
        else:  # a long run
            text = text[:end] + " " + tok.group() * rng.choice([10, 200]) + text[end:]
    return text


_HOSTILE_VALUES: list[Any] = [
    0,
    -1,
    1_000_000_000,
    1_000_000_001,
    2**53,
    2**53 + 1,
    2**63,
    10**400,
    0.00001,
    1e-300,
    1e15,
    1e16,
    10_000_000_000_000,
    True,
    "",
    " ",
    "x" * 5000,
    "Bad\x00\x01\x1b[2Jname",
    "Lone \ud800",
    "Health & Wellbeing Board",
    "2023-02-30",
    "2023-04-01",
    None,
    [],
    {},
]


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            found.append((*prefix, key))
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found.append((*prefix, i))
            found.extend(_paths(value, (*prefix, i)))
    return found


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def mutate_declaration(rng: random.Random) -> dict[str, Any]:
    """An example with realistic changes, then zero to three hostile values or shapes."""
    doc: dict[str, Any] = mutate_facts(rng.choice(EXAMPLES), rng)
    for _ in range(rng.randint(0, 3)):
        paths = _paths(doc)
        path = rng.choice(paths)
        kind = rng.randrange(4)
        if kind == 0:
            _set(doc, path, copy.deepcopy(rng.choice(_HOSTILE_VALUES)))
        elif kind == 1:  # nesting
            value: Any = 1
            for _ in range(rng.choice([5, 63, 65, 200])):
                value = [value]
            _set(doc, path, value)
        elif kind == 2:  # an unknown key with an odd name
            parent = path[:-1]
            target: Any = doc
            for step in parent:
                target = target[step]
            if isinstance(target, dict):
                target[rng.choice(["colour", "x\x01", "\ud800", "a" * 300])] = 1
        else:  # a removed fact
            parent_path = path[:-1]
            target = doc
            for step in parent_path:
                target = target[step]
            if isinstance(target, dict):
                target.pop(path[-1], None)
            elif isinstance(target, list) and target:
                target.pop()
    return doc
