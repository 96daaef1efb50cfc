"""The assessment page in headless Chromium (Debian's ``chromium``, driven by Playwright).

An officer pastes the compliant example, uploads the failing one, and reads the page: verdict,
status badges, explanations, remedies and citations. Skipped, with the reason, only where no
Chromium binary or Playwright package is installed (``.ci/run`` installs both).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from govrules.api import Settings
from govrules.api import create_app

from .conftest import EXAMPLES
from .conftest import free_port

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is missing")

CHROMIUM = os.environ.get("GOVRULES_CHROMIUM") or next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium browser installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The application on a uvicorn server in a thread, on a free loopback port."""
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(engine="python")), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        context = browser.new_context(base_url=base_url)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        yield tab
        context.close()
        browser.close()


def test_pasting_the_compliant_example(page: Any) -> None:
    page.goto("/")
    assert page.title() == "govrules assessment"
    page.fill("#declaration", (EXAMPLES / "northshire.yaml").read_text())
    page.fill("#as_of", "2023-09-30")
    page.click("#check")
    page.wait_for_selector("#report")
    verdict = page.locator("#verdict")
    assert verdict.inner_text() == "Compliant"
    assert verdict.get_attribute("data-compliant") == "true"
    assert page.locator(".finding").count() > 0
    # Compliant: no criterion of severity "must" fails (a "should" may).
    assert page.locator('.finding[data-status="fail"][data-severity="must"]').count() == 0
    fails = page.locator('.finding[data-status="fail"]').count()
    assert page.locator('[data-count="fail"]').inner_text() == str(fails)
    sap1 = page.locator("#finding-SAP-1")
    assert sap1.get_attribute("data-status") == "pass"
    assert sap1.locator(".badge").inner_text().lower() == "pass"
    assert sap1.locator(".citation").inner_text().strip()
    assert "northshire" in page.title().lower() or "Northshire" in page.title()
    # The expansion plan was published after its due date: met, but late, said in words.
    pool4 = page.locator("#finding-POOL-4")
    assert pool4.get_attribute("data-status") == "pass"
    assert "met late" in pool4.locator(".badge.status-late").inner_text().lower()
    assert "2023-05-01" in pool4.locator(".met-on").inner_text()
    assert (
        "Met late, on 1 May 2023, after its due date of 1 April 2023"
        in pool4.locator(".explanation").inner_text()
    )


def test_uploading_the_failing_example(page: Any) -> None:
    page.goto("/")
    page.set_input_files("#file", str(EXAMPLES / "riverside.yaml"))
    page.fill("#as_of", "2023-09-30")
    page.click("#check")
    page.wait_for_selector("#report")
    assert page.locator("#verdict").inner_text() == "Not compliant"
    assert "riverside.yaml" in page.locator("#report h2").inner_text()
    failing = page.locator('.finding[data-status="fail"][data-severity="must"]')
    assert failing.count() >= 1
    first = failing.first
    assert first.locator(".badge").inner_text().lower() == "fail"
    assert first.locator(".explanation").inner_text().strip()
    assert first.locator(".remedy").inner_text().strip()
    assert first.locator(".citation").inner_text().strip()
    count = int(page.locator('[data-count="fail"]').inner_text())
    assert count == page.locator('.finding[data-status="fail"]').count()
    # The date and the upload survive in the form for the next check.
    assert page.input_value("#as_of") == "2023-09-30"


def test_an_invalid_declaration_is_explained_on_the_page(page: Any) -> None:
    page.goto("/")
    page.fill("#declaration", "format: govrules/place/v1\nplace:\n  population: yes\n")
    page.click("#check")
    page.wait_for_selector("#errors")
    text = page.locator("#errors").inner_text()
    assert "place.population" in text and "line 3" in text
    assert page.locator("#report").count() == 0
