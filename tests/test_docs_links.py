"""The documentation stands alone: every link resolves inside the repository.

Markdown links in the README and ``docs/`` (and the READMEs beside the examples, features and
benchmarks) must point to a file of the repository, and to a heading that exists when they name
an anchor; nothing refers to the specification files that are not part of the repository. Every
AMB code and source key the rules use is explained in ``docs/decisions.md``, under the anchor
reports link to (``docs/decisions.md#amb-3``, ``#source-004``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govrules.api.reference import heading_anchors
from govrules.api.reference import markdown
from govrules.api.reference import slug

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = sorted(
    [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    + [ROOT / d / "README.md" for d in ("examples", "features", "benchmarks")]
)
RULE_FILES = sorted((ROOT / "rules").rglob("*.gr"))
DECISIONS = ROOT / "docs" / "decisions.md"
#: Files of the specification that the repository does not hold. (``decisions.md`` is in the
#: repository now, as ``docs/decisions.md``: outside ``docs/`` it must be named so.)
OUTSIDE = re.compile(r"spec/|\.\./shared|\binterfaces\.md|\bcriteria\.md")
BARE_DECISIONS = re.compile(r"(?<!docs/)\bdecisions\.md")


def _anchors(path: Path) -> set[str]:
    return set(heading_anchors(markdown().parse(path.read_text(encoding="utf-8"))))


def _links(path: Path) -> list[str]:
    hrefs = []
    for token in markdown().parse(path.read_text(encoding="utf-8")):
        for child in token.children or ():
            if child.type == "link_open":
                hrefs.append(str(child.attrGet("href")))
            elif child.type == "image":
                hrefs.append(str(child.attrGet("src")))
    return hrefs


def test_the_anchor_scheme() -> None:
    assert slug("AMB-3") == "amb-3"
    assert slug("Source 004") == "source-004"
    assert slug("Tiers and the declaration format") == "tiers-and-the-declaration-format"
    assert slug("1. Format v1 — the contract") == "1-format-v1--the-contract"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_resolves_inside_the_repository(document: Path) -> None:
    assert document.is_file(), document
    problems = []
    for href in _links(document):
        if href.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = href.partition("#")
        target = (document.parent / path).resolve() if path else document
        if not target.is_relative_to(ROOT):
            problems.append(f"{href}: outside the repository")
        elif not target.exists():
            problems.append(f"{href}: no such file")
        elif anchor and target.suffix == ".md" and anchor not in _anchors(target):
            problems.append(f"{href}: no heading with this anchor in {target.name}")
    assert problems == []


@pytest.mark.parametrize("path", DOCUMENTS + RULE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_refers_to_files_outside_the_repository(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".gr":  # comments are what people read in a rule file
        text = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    found = [m.group(0) for m in OUTSIDE.finditer(text)]
    if path.parent.name != "docs":
        found += [m.group(0) for m in BARE_DECISIONS.finditer(text)]
    assert found == []


def test_every_decision_the_rules_name_is_explained() -> None:
    used = {m for f in RULE_FILES for m in re.findall(r"AMB-\d+", f.read_text(encoding="utf-8"))}
    assert len(used) >= 10
    explained = _anchors(DECISIONS)
    assert sorted(code for code in used if code.lower() not in explained) == []


def test_every_source_key_is_explained() -> None:
    keys = {
        m
        for f in RULE_FILES
        for m in re.findall(r'^source "(\d{3})"', f.read_text(encoding="utf-8"), re.M)
    }
    assert keys >= {"000", "004"}
    explained = _anchors(DECISIONS)
    assert sorted(k for k in keys if f"source-{k}" not in explained) == []


def test_the_decisions_page_is_served_with_the_same_anchors() -> None:
    from fastapi.testclient import TestClient

    from govrules.api import Settings
    from govrules.api import create_app

    with TestClient(create_app(Settings(engine="python"))) as client:
        page = client.get("/reference/decisions")
        assert page.status_code == 200, page.text
        for anchor in ("amb-1", "amb-29", "source-000", "tiers-and-the-declaration-format"):
            assert f'id="{anchor}"' in page.text
        # Links between documents become links between pages.
        assert 'href="/reference/declaration-format"' in page.text
        assert client.get("/reference/no-such-page").status_code == 404
        assert client.get("/reference/..%2Fpyproject").status_code == 404
