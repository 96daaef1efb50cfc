"""The assessment page in headless Chromium (Debian's ``chromium``, driven by Playwright).

An officer starts from the example or pastes or uploads a declaration, and reads the page: the
must verdict, the counts of each tier, the failing must criteria, findings folded by tier and
status, explanations, remedies and citations; downloads the report as JSON and HTML; prints it.
axe-core (``tests/a11y``, installed by ``npm ci``) checks the page's accessibility, and
screenshots at a desktop and a phone width are taken. Skipped, with the reason, only where no
Chromium binary or Playwright package is installed (``.ci/run`` installs both), or, for the
accessibility check alone, where axe-core is not installed.
"""

from __future__ import annotations

import json
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
from .conftest import ROOT
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
AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
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
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(base_url=base_url, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def check(page: Any, example: str, as_of: str = "2023-09-30") -> None:
    """Paste a bundled example into the form and check it."""
    page.goto("/")
    page.fill("#declaration", (EXAMPLES / f"{example}.yaml").read_text())
    page.fill("#as_of", as_of)
    page.click("#check")
    page.wait_for_selector("#report")


def count(page: Any, cell: str) -> int:
    """A number from the table of counts by tier and status (``must-fail``)."""
    return int(page.locator(f'#tier-counts [data-count="{cell}"]').inner_text())


def findings(page: Any, selector: str = "") -> int:
    return int(page.locator(f".finding{selector}").count())


def test_pasting_the_compliant_example(page: Any) -> None:
    page.goto("/")
    assert page.title() == "govrules assessment"
    check(page, "northshire")
    verdict = page.locator("#verdict")
    assert verdict.inner_text() == "Compliant: no must criterion fails"
    assert verdict.get_attribute("data-compliant") == "true"
    assert findings(page) > 0
    # Compliant: no criterion of severity "must" fails (a "should" may), and the page says the
    # should failures apart, as advice.
    assert findings(page, '[data-status="fail"][data-severity="must"]') == 0
    assert count(page, "must-fail") == 0
    should_fails = findings(page, '[data-status="fail"][data-severity="should"]')
    assert count(page, "should-fail") == should_fails > 0
    advisory = page.locator("#advisory").inner_text()
    assert f"{should_fails} good-practice (should) criteria are not met" in advisory
    assert "do not affect compliance" in advisory
    assert page.locator("#failing-must").count() == 0
    sap1 = page.locator("#finding-SAP-1")
    assert sap1.get_attribute("data-status") == "pass"
    # Inside a folded group: present, not shown (text_content, not inner_text).
    assert (sap1.locator(".badge.status-pass").text_content() or "").lower() == "pass"
    assert (sap1.locator(".tier-badge").text_content() or "").lower() == "must"
    assert (sap1.locator(".citation").text_content() or "").strip()
    assert "Northshire" in page.title()
    # The expansion plan was published after its due date: met, but late, said in words.
    pool4 = page.locator("#finding-POOL-4")
    assert pool4.get_attribute("data-status") == "pass"
    assert "met late" in (pool4.locator(".badge.status-late").text_content() or "").lower()
    assert "2023-05-01" in (pool4.locator(".met-on").text_content() or "")
    assert "Met late, on 1 May 2023, after its due date of 1 April 2023" in (
        pool4.locator(".explanation").text_content() or ""
    )


def test_uploading_the_failing_example(page: Any) -> None:
    page.goto("/")
    page.set_input_files("#file", str(EXAMPLES / "riverside.yaml"))
    page.fill("#as_of", "2023-09-30")
    page.click("#check")
    page.wait_for_selector("#report")
    must_fails = findings(page, '[data-status="fail"][data-severity="must"]')
    assert must_fails >= 1
    assert count(page, "must-fail") == must_fails
    # The headline is the must verdict with the number of must failures, not all failures.
    assert page.locator("#verdict").inner_text() == (
        f"Not compliant: {must_fails} must criteria fail"
    )
    assert "riverside.yaml" in page.locator("#report h2").inner_text()
    # The failing must criteria are listed first, each linking to its finding, which is open.
    links = page.locator("#failing-must a")
    assert links.count() == must_fails
    for i in range(must_fails):
        target = page.locator(str(links.nth(i).get_attribute("href")))
        assert target.get_attribute("data-status") == "fail"
        assert target.get_attribute("data-severity") == "must"
        assert target.get_attribute("open") is not None
    first = page.locator('.finding[data-status="fail"][data-severity="must"]').first
    assert first.locator(".badge.status-fail").inner_text().lower() == "fail"
    assert first.locator(".tier-badge.must").is_visible()
    for part in (".explanation", ".remedy", ".citation"):
        assert first.locator(part).inner_text().strip()
    # The date and the upload survive in the form for the next check.
    assert page.input_value("#as_of") == "2023-09-30"
    assert "format: govrules/place/v1" in page.input_value("#declaration")


def test_findings_are_grouped_by_tier_and_folded_by_status(page: Any) -> None:
    check(page, "riverside")
    # Must before should, each tier with its own heading.
    tiers = page.locator("section.tier")
    assert [tiers.nth(i).get_attribute("id") for i in range(tiers.count())] == [
        "tier-must",
        "tier-should",
    ]
    groups = page.locator("details.status-group")
    seen = []
    for i in range(groups.count()):
        group = groups.nth(i)
        tier, status = group.get_attribute("data-tier"), group.get_attribute("data-status")
        seen.append((tier, status))
        # Failing ones open, the rest folded.
        assert (group.get_attribute("open") is not None) == (status == "fail"), (tier, status)
        inside = group.locator(".finding")
        assert inside.count() == count(page, f"{tier}-{status}")
        assert inside.count() == inside.and_(page.locator(f'[data-status="{status}"]')).count()
    assert seen[0] == ("must", "fail")
    assert seen.index(("must", "pass")) < seen.index(("should", "fail"))
    # A folded finding shows its title only; a failing must finding shows everything.
    passing = page.locator('.finding[data-status="pass"][data-severity="must"]').first
    assert not passing.locator(".citation").is_visible()
    page.locator('details.status-group[data-tier="must"][data-status="pass"] > summary').click()
    assert passing.locator("summary .rule-id").is_visible()
    assert not passing.locator(".citation").is_visible()
    passing.locator("summary").click()
    assert passing.locator(".citation").is_visible()
    # Advisory failures are listed open, each folded to one line.
    advisory = page.locator('.finding[data-status="fail"][data-severity="should"]').first
    assert advisory.locator("summary").is_visible()
    assert advisory.get_attribute("open") is None
    # The tiers look different: solid must badges, dashed should ones.
    must_style = page.locator(".tier-badge.must").first.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderStyle]"
    )
    should_style = page.locator(".tier-badge.should").first.evaluate(
        "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).borderStyle]"
    )
    assert must_style[0] != should_style[0] and should_style[1] == "dashed"
    # Folded, the failing example fits in far less than the 21,000 px the unfolded page took.
    page.set_viewport_size({"width": 1280, "height": 900})
    check(page, "riverside")
    assert page.evaluate("document.documentElement.scrollHeight") < 10_000


def test_an_invalid_declaration_is_explained_on_the_page(page: Any) -> None:
    page.goto("/")
    page.fill("#declaration", "format: govrules/place/v1\nplace:\n  population: yes\n")
    page.click("#check")
    page.wait_for_selector("#errors")
    text = page.locator("#errors").inner_text()
    assert "place.population" in text and "line 3" in text
    assert page.locator("#report").count() == 0
    assert page.locator("details.form-panel").get_attribute("open") is not None


def test_starting_from_the_example(page: Any) -> None:
    page.goto("/")
    page.click("#start-example")
    page.wait_for_url("**/?example=northshire")
    text = page.input_value("#declaration")
    assert text == (EXAMPLES / "northshire.yaml").read_text()
    page.fill("#as_of", "2023-09-30")
    page.click("#check")
    page.wait_for_selector("#report")
    assert page.locator("#verdict").get_attribute("data-compliant") == "true"


def test_the_format_reference_is_served_here(page: Any, base_url: str) -> None:
    page.goto("/")
    link = page.locator("#format-reference")
    assert link.get_attribute("href") == "/reference/declaration-format"
    link.click()
    page.wait_for_selector("#document")
    assert page.url == f"{base_url}/reference/declaration-format"
    assert "Declaration format reference" in page.locator("h1").inner_text()
    assert page.locator("#document h2").count() >= 2


def test_decisions_named_by_a_finding_link_to_their_explanation(page: Any) -> None:
    check(page, "riverside")
    link = page.locator('#finding-GOV-1 .decisions a[href="/reference/decisions#amb-3"]')
    assert link.inner_text() == "AMB-3"
    link.click()
    page.wait_for_selector("#document")
    assert page.locator("#amb-3").inner_text() == "AMB-3"


def test_downloading_the_report_as_json_and_html(page: Any) -> None:
    page.goto("/")
    page.set_input_files("#file", str(EXAMPLES / "riverside.yaml"))
    page.fill("#as_of", "2023-09-30")
    page.click("#check")
    page.wait_for_selector("#report")
    with page.expect_download() as got:
        page.click("#download-json")
    download = got.value
    assert download.suggested_filename == "riverside-2023-09-30.json"
    report = json.loads(open(download.path(), encoding="utf-8").read())
    assert report["format"] == "govrules/report/v1"
    assert report["declaration"]["source"] == "riverside.yaml"
    assert report["as_of"] == "2023-09-30" and report["compliant"] is False
    assert report["by_severity"]["must"]["fail"] == count(page, "must-fail")
    with page.expect_download() as got:
        page.click("#download-html")
    download = got.value
    assert download.suggested_filename == "riverside-2023-09-30.html"
    html = open(download.path(), encoding="utf-8").read()
    assert html.lower().startswith("<!doctype html")
    assert "Riverside" in html and "Not compliant" in html
    # The page is still there after both downloads.
    assert page.locator("#verdict").is_visible()


def test_printing_leaves_out_the_form_and_shows_every_finding(page: Any) -> None:
    check(page, "riverside")
    page.emulate_media(media="print")
    try:
        for part in ("details.form-panel", "#downloads", "#start-example"):
            assert not page.locator(part).is_visible(), part
        assert page.locator("#verdict").is_visible()
        folded = page.locator('.finding[data-status="pass"][data-severity="should"]').first
        assert folded.get_attribute("open") is None
        assert folded.locator(".citation").is_visible()
    finally:
        page.emulate_media(media="screen")


def test_the_api_docs_render_with_every_other_origin_blocked(browser: Any, base_url: str) -> None:
    context = browser.new_context(base_url=base_url)
    elsewhere: list[str] = []

    def only_here(route: Any) -> None:
        if route.request.url.startswith(base_url + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    try:
        context.route("**/*", only_here)
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        tab.goto("/docs")
        tab.wait_for_selector(".opblock")
        assert "/v1/assessments" in tab.locator("#swagger-ui").inner_text()
        assert elsewhere == []
    finally:
        context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations axe-core finds on the page as it is."""
    if not AXE.is_file():
        pytest.skip("axe-core is not installed (npm ci --prefix tests/a11y)")
    # Evaluated over the DevTools protocol: the page's CSP, which forbids every script, does
    # not apply to it, and the page itself stays as served.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => { const r = await axe.run(document);"
        " return {passes: r.passes.length, violations: r.violations.map(v => ({id: v.id,"
        " impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))}; }"
    )
    assert result["passes"] >= 10, "axe-core checked almost nothing: did it run on the page?"
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_the_accessibility_check_finds_violations(page: Any) -> None:
    # The check itself: an image without a text alternative and a nameless button are found.
    page.set_content(
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button>'
        "</main></body></html>"
    )
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "button-name"} <= found


def test_the_empty_page_is_accessible(page: Any) -> None:
    page.goto("/")
    assert axe_violations(page) == []


@pytest.mark.parametrize("example", ["northshire", "riverside"])
def test_a_page_with_a_report_is_accessible(page: Any, example: str) -> None:
    check(page, example)
    assert axe_violations(page) == []


def test_an_error_and_the_format_reference_are_accessible(page: Any) -> None:
    page.goto("/")
    page.fill("#declaration", "format: govrules/place/v1\nplace: 3\n")
    page.click("#check")
    page.wait_for_selector("#errors")
    assert axe_violations(page) == []
    page.goto("/reference/declaration-format")
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_at_desktop_and_phone_widths(
    browser: Any, base_url: str, tmp_path: Any, width: int
) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
    try:
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        for name in ("empty", "riverside"):
            if name == "empty":
                tab.goto("/")
            else:
                check(tab, name)
            shot = tmp_path / f"{name}-{width}.png"
            tab.screenshot(path=str(shot), full_page=True)
            assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
            # Nothing is wider than the screen: no sideways scrolling, even on a phone.
            scroll = tab.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, (name, scroll)
    finally:
        context.close()
