"""The register's pages in headless Chromium (Debian's ``chromium``, driven by Playwright).

An ICB officer logs in with a token, reads the systems and places, the system matrix and its
checks, a place's history and the calendar, after an assessor submitted declarations through the
API. Skipped, with the reason, only where no Chromium or Playwright is installed (``.ci/run``
installs both).
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
from govrules.register import Register

from . import server
from .conftest import place

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
_PERSON = place()["accountable_persons"][0]
CO_CHAIRS = [_PERSON, {**_PERSON, "name": "Alex Jones"}]
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium browser installed (apt-get install chromium)"
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A server on a register into which an assessor submitted, over HTTP, three places of one
    system (one of them twice) and one of another."""
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'register.sqlite3'}"
    register = Register.open(url)
    tokens = {
        name: register.create_token(name, role, system, actor="setup")[1]
        for name, role, system in [
            ("officer", "reader", None),
            ("assessor", "assessor", None),
            ("coast-reader", "reader", "northshire-and-coast-ics"),
        ]
    }
    register.close()
    port = server.free_port()
    app = create_app(Settings(engine="python", db=url))
    config = uvicorn.Config(app, host=server.HOST, port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    base = f"http://{server.HOST}:{port}"
    submissions = [
        ("northshire", place(), "2023-09-30"),
        ("coastal", place(place_id="coastal", accountable_persons=[]), "2023-09-30"),
        ("riverside", place("riverside"), "2023-09-30"),
        ("northshire", place(accountable_persons=CO_CHAIRS), "2023-10-31"),
    ]
    import json
    import urllib.request

    for place_id, doc, as_of in submissions:
        request = urllib.request.Request(
            f"{base}/v1/places/{place_id}/declarations",
            data=json.dumps({"declaration": doc, "as_of": as_of}).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {tokens['assessor']}",
            },
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status == 201
    yield {"base": base, **tokens}
    running.should_exit = True
    thread.join(timeout=10)
    app.state.register.close()


@pytest.fixture(scope="module")
def browser(site: dict[str, str]) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield chromium
        chromium.close()


def _tab(browser: Any, site: dict[str, str], token: str | None) -> Any:
    context = browser.new_context(base_url=site["base"])
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    if token is not None:
        tab.goto("/register/login")
        tab.fill("#token", token)
        tab.click("#login")
        tab.wait_for_url("**/register")
    return tab


def test_logging_in_and_the_places(browser: Any, site: dict[str, str]) -> None:
    tab = _tab(browser, site, None)
    tab.goto("/register/systems/northshire-and-coast-ics")
    assert "/register/login" in tab.url  # no token yet: asked for one
    tab.fill("#token", "grt_000000000000_" + "x" * 43)
    tab.click("#login")
    assert "not valid" in tab.locator("#login-error").inner_text()
    tab.fill("#token", site["officer"])
    tab.click("#login")
    tab.wait_for_url("**/register/systems/northshire-and-coast-ics")
    tab.goto("/register")
    assert "officer (reader)" in tab.locator("#who").inner_text()
    places = tab.locator("tr.place")
    assert places.count() == 3
    assert tab.locator('tr.place[data-place="riverside"] .badge').inner_text() == "NOT COMPLIANT"
    tab.click("#logout")
    tab.wait_for_url("**/register/login")
    tab.goto("/register")
    assert "/register/login" in tab.url
    tab.context.close()


def test_the_system_matrix_and_its_checks(browser: Any, site: dict[str, str]) -> None:
    tab = _tab(browser, site, site["officer"])
    tab.click("text=Northshire and Coast ICS")
    tab.wait_for_selector("#matrix")
    assert tab.locator("#system-name").inner_text() == "Northshire and Coast ICS"
    rows = tab.locator("#matrix tr.place")
    assert rows.count() == 2
    north = tab.locator('#matrix tr.place[data-place="northshire"]')
    assert north.locator('td[data-rule="SAP-1"]').get_attribute("data-status") == "pass"
    coastal = tab.locator('#matrix tr.place[data-place="coastal"]')
    assert coastal.get_attribute("data-compliant") == "false"
    assert coastal.locator('td[data-rule="SAP-4"]').get_attribute("data-status") == "fail"
    sap7 = tab.locator('.check[data-check="SAP-7"]')
    assert sap7.get_attribute("data-status") == "fail"
    text = sap7.locator(".explanation").inner_text()
    assert "coastal names no accountable person" in text and "system.places is 3" in text
    assert tab.locator('.check[data-check="system-facts"]').get_attribute("data-status") == "pass"
    # Must criteria come before should ones in the columns.
    tiers = tab.locator("#matrix th.rule").evaluate_all("els => els.map(e => e.classList[1])")
    assert tiers == sorted(tiers, key=lambda t: t != "must") and "should" in tiers
    tab.context.close()


def test_a_place_history(browser: Any, site: dict[str, str]) -> None:
    tab = _tab(browser, site, site["officer"])
    tab.goto("/register/places/northshire")
    assert tab.locator("#place-name").inner_text() == "Northshire"
    assert tab.locator("#verdict").get_attribute("data-compliant") == "false"
    rows = tab.locator("#history tr.assessment")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-version") == "2"
    changes = rows.nth(0).locator(".change")
    assert rows.nth(0).locator('.change[data-rule="SAP-4"]').inner_text() == "SAP-4: pass → fail"
    assert changes.count() >= 1
    assert "first assessment" in rows.nth(1).inner_text()
    assert "good-practice (should) criteria fail" in tab.locator("#advisory").inner_text()
    assert tab.locator('#failing .finding[data-rule="SAP-4"]').get_attribute("data-severity") == (
        "must"
    )
    tab.context.close()


def test_the_calendar(browser: Any, site: dict[str, str]) -> None:
    tab = _tab(browser, site, site["officer"])
    tab.goto("/register/calendar")
    tab.fill("#as_of", "2023-09-30")
    tab.fill("#months", "18")
    tab.click("#show")
    tab.wait_for_selector("#calendar")
    due = tab.locator("#calendar tr.due")
    assert due.count() > 0
    dates = [due.nth(i).get_attribute("data-due") for i in range(due.count())]
    assert dates == sorted(dates) and all("2023-09-30" < d <= "2025-03-30" for d in dates)
    river = tab.locator('#calendar tr.due[data-place="riverside"][data-rule="DIG-2"]')
    assert river.get_attribute("data-would-pass") == "false"
    assert "would fail" in river.inner_text().lower()
    tab.context.close()


def test_a_system_limited_token_sees_its_own_system_only(
    browser: Any, site: dict[str, str]
) -> None:
    tab = _tab(browser, site, site["coast-reader"])
    assert tab.locator("tr.place").count() == 2
    answer = tab.goto("/register/places/riverside")
    assert answer.status == 403
    assert "limited to system" in tab.locator("#errors").inner_text()
    tab.context.close()
