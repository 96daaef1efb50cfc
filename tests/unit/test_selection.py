"""Choosing the findings a report shows: the verdict and counts never change."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from govrules.render import to_html
from govrules.render import to_junit
from govrules.report import STATUSES
from govrules.report import Finding
from govrules.report import Report
from govrules.selection import ONLY_CHOICES
from govrules.selection import SEVERITY_CHOICES
from govrules.selection import SelectedReport
from govrules.selection import Selection
from govrules.selection import left_out_note
from govrules.selection import note_html
from govrules.selection import note_junit
from govrules.selection import select


def finding(n: int, severity: str, status: str) -> Finding:
    return Finding(
        f"R-{n}",
        f"rule {n}",
        severity,
        status,
        None,
        "cite",
        "why",
        {},
        None,
        "rs",  # type: ignore[arg-type]
    )


def report(*findings: Finding) -> Report:
    return Report(dt.date(2023, 9, 30), "p", "Place", "p.yaml", (), findings, "python")


findings_st = st.lists(
    st.tuples(st.sampled_from(["must", "should"]), st.sampled_from(STATUSES)), max_size=12
).map(lambda pairs: tuple(finding(i, sev, status) for i, (sev, status) in enumerate(pairs)))
selections = st.builds(Selection, st.sampled_from(SEVERITY_CHOICES), st.sampled_from(ONLY_CHOICES))


@given(findings_st, selections)
def test_selection_keeps_verdict_and_counts_and_shows_a_subset(
    found: tuple[Finding, ...], selection: Selection
) -> None:
    whole = report(*found)
    shown = select(whole, selection)
    assert shown.compliant == whole.compliant
    assert shown.summary == whole.summary
    assert shown.by_severity == whole.by_severity
    assert all(any(f is g for g in found) for f in shown.findings)
    for f in found:
        wanted = (selection.severity in ("all", f.severity)) and (
            selection.only == "all" or f.status == "fail"
        )
        assert any(f is g for g in shown.findings) == wanted
    doc = shown.to_json()
    assert doc["compliant"] == whole.compliant and doc["summary"] == whole.summary
    assert ("shown" in doc) == selection.applied
    if selection.applied:
        assert doc["shown"] == {"severity": selection.severity, "only": selection.only}
        assert list(doc)[-2:] == ["shown", "findings"]
        # Selecting again from a selection starts from the whole assessment.
        again = select(shown, Selection("all", "failing"))
        assert again.summary == whole.summary
        assert {f.rule for f in again.findings} == {f.rule for f in found if f.status == "fail"}


def test_no_filter_gives_the_same_report_and_no_note() -> None:
    whole = report(finding(1, "must", "pass"))
    assert select(whole, Selection()) is whole
    assert left_out_note(whole) is None
    assert "shown" not in whole.to_json()


def test_note_says_what_was_left_out_and_the_whole_counts() -> None:
    whole = report(
        finding(1, "must", "fail"), finding(2, "must", "pass"), finding(3, "should", "fail")
    )
    note = left_out_note(select(whole, Selection("must", "failing")))
    assert note is not None
    assert note.startswith("Shown: must findings that fail; 2 of 3 findings left out")
    assert "(1 must, 1 should)" in note
    assert "must: 1 pass, 1 fail" in note and "should: 0 pass, 1 fail" in note


def test_html_and_junit_carry_the_selection() -> None:
    whole = report(finding(1, "must", "fail"), finding(2, "should", "fail"))
    shown = select(whole, Selection("should"))
    assert isinstance(shown, SelectedReport)
    page = note_html(to_html([shown, whole]), [shown, whole])
    assert page.count("class='small shown'") == 1
    assert "Shown: should findings; 1 of 2 findings left out (1 must)" in page
    assert "Not compliant" in page  # the must failure that is not shown still decides
    root = ET.fromstring(note_junit(to_junit([shown, whole]), [shown, whole]))
    first, second = root.iter("testsuite")
    props = {p.get("name"): p.get("value") for p in first.iter("property")}
    assert props["shown.severity"] == "should" and props["shown.left_out"] == "1"
    assert props["compliant"] == "false"
    assert [c.get("name") for c in first.iter("testcase")] == ["R-2 rule 2"]
    assert second.find("properties") is None
    json.dumps(shown.to_json())
