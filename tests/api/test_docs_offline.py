"""``/docs`` works offline: the Swagger UI's page refers only to this server's own assets.

FastAPI's default page loads its script and style sheet from a CDN and is blank on a network
without one; the page is now built from the fastapi-offline package's copies, served under
``/docs/assets``. (Its rendering in Chromium with every other origin blocked is in
``test_page.py``.)
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

from govrules.api.app import DOCS_ASSETS_URL


class _References(HTMLParser):
    """Every URL a page refers to in ``src`` and ``href`` attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v is not None]


def references(html: str) -> list[str]:
    parser = _References()
    parser.feed(html)
    return parser.urls


def test_docs_refers_only_to_same_origin_assets(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200, page.text
    urls = references(page.text)
    assert len(urls) >= 3  # the script, the style sheet and the icon
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
    # Nor does the inline script that starts the UI name another origin.
    assert not re.search(r"https?://", page.text), "the page names another origin"
    assert "url: '/openapi.json'" in page.text


def test_the_assets_of_docs_are_served(client: TestClient) -> None:
    urls = references(client.get("/docs").text)
    kinds = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    served = set()
    for url in urls:
        assert url.startswith(DOCS_ASSETS_URL + "/"), url
        answer = client.get(url)
        assert answer.status_code == 200, url
        suffix = url[url.rindex(".") :]
        assert answer.headers["content-type"].startswith(kinds[suffix]), url
        assert len(answer.content) > 1000, url
        assert answer.headers["x-content-type-options"] == "nosniff"
        served.add(suffix)
    assert served == set(kinds)
    assert "SwaggerUIBundle" in client.get(f"{DOCS_ASSETS_URL}/swagger-ui-bundle.js").text


def test_the_policy_of_docs_allows_this_server_alone(client: TestClient) -> None:
    policy = client.get("/docs").headers["content-security-policy"]
    assert "http" not in policy and "*" not in policy
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self' 'unsafe-inline'"
    assert directives["connect-src"] == "'self'"  # the UI reads /openapi.json, nothing else
    # The assessment page keeps its stricter policy: no script at all.
    page_policy = client.get("/").headers["content-security-policy"]
    assert "script-src" not in page_policy and "default-src 'none'" in page_policy


def test_the_openapi_document_leaves_the_assets_out(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [p for p in paths if p.startswith("/docs") or p.startswith("/reference")]
