"""The project's documents as pages: ``GET /reference/{name}`` renders ``docs/{name}.md``.

The assessment page links to the declaration format reference and to the decisions behind the
rules (``docs/decisions.md``) without sending anyone outside the server: the Markdown files of
``docs/`` are shipped inside the package (or read from the checkout) and rendered here. Headings
get GitHub's anchors (:func:`slug`), so ``/reference/decisions#amb-3`` and
``docs/decisions.md#amb-3`` name the same place. Links between documents are rewritten to their
pages; links to files that are not served become plain text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..decisions import docs_dir as docs_dir
from .problems import ApiError
from .routers.pages import templates

router = APIRouter(include_in_schema=False)

#: Names a document may have: ``declaration-format`` for ``docs/declaration-format.md``.
_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_PUNCTUATION = re.compile(r"[^\w\- ]", re.UNICODE)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens.

    Examples:
        >>> slug("AMB-3")
        'amb-3'
        >>> slug("Source 000: CIPFA, *Integrating care*")
        'source-000-cipfa-integrating-care'
        >>> slug("1. Format v1 — the contract")
        '1-format-v1--the-contract'
    """
    return _PUNCTUATION.sub("", heading.strip().lower()).replace(" ", "-")


def heading_anchors(tokens: list[Token]) -> list[str]:
    """The anchors of the headings in parsed Markdown, numbered as GitHub does when repeated."""
    seen: dict[str, int] = {}
    anchors = []
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[i + 1]
        text = "".join(
            child.content
            for child in inline.children or ()
            if child.type in ("text", "code_inline", "html_inline")
        )
        base = slug(text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        anchors.append(base if count == 0 else f"{base}-{count}")
    return anchors


def markdown() -> MarkdownIt:
    """The Markdown parser used for the documents (CommonMark and tables, raw HTML off)."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def _link_target(href: str, served: set[str]) -> str | None:
    """Where a link in a document points on the server, or None to show it as plain text."""
    if href.startswith(("http://", "https://", "mailto:")):
        return href
    if href.startswith("#"):
        return href
    path, _, anchor = href.partition("#")
    name = Path(path).name
    if path.endswith(".md") and "/" not in path.removeprefix("./") and name[:-3] in served:
        return f"/reference/{name[:-3]}" + (f"#{anchor}" if anchor else "")
    return None


def render_document(text: str, served: set[str]) -> tuple[str, str]:
    """The title (first heading) and HTML body of a Markdown document."""
    md = markdown()
    tokens = md.parse(text)
    anchors = iter(heading_anchors(tokens))
    title = ""
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            token.attrSet("id", next(anchors))
            if not title:
                title = tokens[i + 1].content
        for child in token.children or ():
            if child.type != "link_open":
                continue
            target = _link_target(str(child.attrGet("href") or ""), served)
            if target is None:
                child.attrs.pop("href", None)  # an <a> without href is plain text
            else:
                child.attrSet("href", target)
    return title, md.renderer.render(tokens, md.options, {})


@lru_cache(maxsize=16)
def _page(name: str) -> str:
    folder = docs_dir()
    served = {p.stem for p in folder.glob("*.md")}
    title, body = render_document((folder / f"{name}.md").read_text(encoding="utf-8"), served)
    context: dict[str, Any] = {"title": title, "body": body, "name": name}
    return templates().get_template("reference.html").render(**context)


@router.get("/reference/{name}", response_class=HTMLResponse)
def reference(name: str) -> HTMLResponse:
    """A document of ``docs/`` as a page (404 for any other name)."""
    if not _NAME.fullmatch(name) or not (docs_dir() / f"{name}.md").is_file():
        raise ApiError(404, "not_found", f"there is no document called {name!r}")
    return HTMLResponse(_page(name))
