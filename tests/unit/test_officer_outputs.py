"""What an officer reads: must before should, the failing must criteria first, the trace."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from govrules import evaluate
from govrules import load_declaration
from govrules import load_rulesets
from govrules.render import to_html
from govrules.render import to_junit
from govrules.render import to_text
from govrules.report import Report
from support import ROOT

PROGRAM = load_rulesets()


def report(name: str) -> Report:
    decl = load_declaration(ROOT / "examples" / f"{name}.yaml")
    return evaluate(PROGRAM, decl, "2023-09-30", engine="python")


def test_json_findings_put_must_before_should() -> None:
    severities = [f["severity"] for f in report("riverside").to_json()["findings"]]
    assert severities == sorted(severities, key=lambda s: s != "must")
    assert "must" in severities and "should" in severities


def test_a_compliant_place_is_green_in_junit_despite_advisory_failures() -> None:
    r = report("northshire")
    assert r.compliant and any(f.severity == "should" and f.status == "fail" for f in r.findings)
    suite = ET.fromstring(to_junit([r])).find("testsuite")
    assert suite is not None and suite.get("failures") == "0"
    assert not list(suite.iter("failure"))
    advisory = [s for s in suite.iter("skipped") if "advisory" in (s.get("message") or "")]
    assert advisory  # reported, but not as failures


def test_junit_failures_are_exactly_the_failing_must_criteria() -> None:
    r = report("riverside")
    suite = ET.fromstring(to_junit([r])).find("testsuite")
    assert suite is not None
    failing = {f.rule for f in r.findings if f.severity == "must" and f.status == "fail"}
    assert int(suite.get("failures", "-1")) == len(failing)
    named = {
        c.get("name", "").split()[0]
        for c in suite.iter("testcase")
        if c.find("failure") is not None
    }
    assert named == failing


def test_html_opens_with_the_failing_must_criteria_linked_to_their_findings() -> None:
    r = report("riverside")
    page = to_html([r])
    box = page[page.index("class='summary'") : page.index("</div>", page.index("class='summary'"))]
    failing = [f.rule for f in r.findings if f.severity == "must" and f.status == "fail"]
    assert f"{len(failing)} must criteria not met" in box
    for rule in failing:
        assert f"href='#{rule}'" in box and f"id='{rule}'" in page
    assert page.index("class='summary'") < page.index("<table")
    assert "@media print" in page


def test_html_of_a_compliant_place_says_every_must_criterion_due_is_met() -> None:
    page = to_html([report("northshire")])
    assert "Every must criterion due is met" in page


def test_html_and_text_show_local_parameter_overrides_with_their_reason(tmp_path: Path) -> None:
    local = tmp_path / "local.gr"
    local.write_text(
        'ruleset "local-2023" version "1" for "govrules/place/v1"\n'
        "override param place_governance_due: date = 2023-06-30\n"
        '    because "Our ICB board agreed a later date for local governance"\n',
        encoding="utf-8",
    )
    program = load_rulesets([ROOT / "rules" / "national", local])
    decl = load_declaration(ROOT / "examples" / "riverside.yaml")
    r = evaluate(program, decl, "2023-09-30", engine="python")
    overrides = [o for rs in r.rulesets for o in rs.get("overrides", [])]
    assert overrides and overrides[0]["reason"].startswith("Our ICB board")
    page = to_html([r])
    assert "Local parameters" in page and "Our ICB board agreed a later date" in page
    assert "Our ICB board agreed a later date" in to_text([r], color=False)


def test_the_json_trace_gives_conditions_facts_and_the_rules_read_with_titles() -> None:
    doc = report("riverside").to_json()
    by_rule = {f["rule"]: f for f in doc["findings"]}
    gov1 = by_rule["GOV-1"]["trace"]
    assert gov1["applies"] is True and gov1["requirement"] is False
    refs = {r["rule"]: r for r in gov1["rules"]}
    assert refs["PLAN-1"]["status"] == "fail"
    assert refs["PLAN-1"]["title"] == by_rule["PLAN-1"]["title"]
    risk = by_rule["RISK-1"]["trace"]
    assert {"path": "risk_management", "value": None, "declared": False} in risk["facts"]
    json.dumps(doc)  # plain JSON throughout


def test_text_names_the_rules_a_finding_rests_on() -> None:
    text = to_text([report("riverside")], color=False)
    assert "Rests on: PLAN-1 (fail)" in text


def test_every_decision_a_rule_names_is_explained_in_the_docs() -> None:
    from govrules.decisions import decisions

    named = {d for r in PROGRAM.rules for d in r.rule.decisions}
    explained = decisions()
    assert named and named <= set(explained)
    assert all(explained[code].headline and explained[code].text for code in named)


def test_the_html_report_explains_the_decisions_its_findings_name() -> None:
    r = report("riverside")
    page = to_html([r])
    named = {d for f in r.findings for d in f.decisions}
    for code in named:
        assert f"href='#{code.lower()}'" in page and f"<dt id='{code.lower()}'>" in page
    assert "The date place governance is due." in page  # AMB-1's headline


def test_the_handbook_links_each_decision_to_its_explanation() -> None:
    from govrules.handbook import build_handbook
    from govrules.handbook.html_page import render_html
    from govrules.handbook.markdown import render_markdown

    hb = build_handbook(PROGRAM, [])
    page = render_html(hb)
    assert "href='#amb-3'" in page and "<dt id='amb-3'>" in page
    md = render_markdown(hb)
    assert "[AMB-3](#amb-3)" in md and '<a id="amb-3"></a>' in md


def test_a_filtered_report_still_leads_with_the_whole_verdict() -> None:
    from govrules.selection import Selection
    from govrules.selection import select

    r = report("riverside")
    advisory_only = select(r, Selection("should", "failing"))
    page = to_html([advisory_only])
    failing = [f.rule for f in r.findings if f.severity == "must" and f.status == "fail"]
    assert f"{len(failing)} must criteria not met" in page  # not hidden by the filter
    text = to_text([advisory_only], color=False)
    assert f"expectations (must): 9 pass, {len(failing)} fail" in text
