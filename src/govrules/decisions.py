"""The decisions behind the rules (``docs/decisions.md``), for reports and the handbook.

A finding names the AMB codes its verdict depends on. A report or handbook written to a file
may be read far from this repository, so the HTML outputs carry, for each code they name, its
heading and explanation, read from ``docs/decisions.md`` (shipped inside the package, or the
top-level ``docs/`` of a checkout). Anchors are those GitHub gives the headings (``#amb-3``).

    >>> entry = decision("AMB-1")
    >>> entry.anchor, entry.headline
    ('amb-1', 'The date place governance is due.')
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_HEADING = re.compile(r"^### (AMB-\d+)\s*$")
_HEADLINE = re.compile(r"^\*\*(.+?)\*\*\s*(.*)$", re.DOTALL)
_MARKUP = re.compile(r"\*\*|`|\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Decision:
    """One AMB code: its anchor, its bold first sentence and the rest of its explanation."""

    code: str
    anchor: str
    headline: str
    text: str


def docs_dir() -> Path:
    """The documents shipped with the package (or, in a checkout, the top-level ``docs/``)."""
    packaged = importlib.resources.files("govrules") / "docs"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "docs"


def _plain(markdown: str) -> str:
    """Markdown emphasis, code marks and links as plain words."""
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or "", markdown).split())


@cache
def decisions() -> dict[str, Decision]:
    """Every AMB code explained in ``docs/decisions.md`` (empty if the file is missing)."""
    path = docs_dir() / "decisions.md"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    out: dict[str, Decision] = {}
    code: str | None = None
    body: list[str] = []

    def close() -> None:
        if code is None:
            return
        paragraph = " ".join(body).strip().split("\n\n")[0]
        match = _HEADLINE.match(paragraph)
        headline, rest = (match.group(1), match.group(2)) if match else ("", paragraph)
        out[code] = Decision(code, code.lower(), _plain(headline), _plain(rest))

    for line in lines:
        heading = _HEADING.match(line)
        if heading or line.startswith("#"):
            close()
            code, body = (heading.group(1), []) if heading else (None, [])
            continue
        if code is not None:
            if not line.strip() and body:
                body.append("\n\n")
            elif line.strip():
                body.append(line.strip())
    close()
    return out


def decision(code: str) -> Decision | None:
    """The explanation of one AMB code, if ``docs/decisions.md`` has it."""
    return decisions().get(code)
