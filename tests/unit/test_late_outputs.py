"""Every output says in words when a criterion was met late, and only then."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from functools import cache

from govrules import Report
from govrules import evaluate
from govrules import load_declaration
from govrules import load_rulesets
from govrules.render import to_html
from govrules.render import to_json
from govrules.render import to_junit
from govrules.render import to_text
from support import ROOT

WORDS = "Met late, on 1 May 2023, after its due date of 1 April 2023"


@cache
def northshire() -> Report:
    """Northshire on 2023-09-30: POOL-4 (expansion plan published 1 May 2023) is met late."""
    decl = load_declaration(ROOT / "examples" / "northshire.yaml")
    return evaluate(load_rulesets(), decl, "2023-09-30", engine="python")


def test_json_carries_met_on_and_late_on_every_finding() -> None:
    doc = json.loads(to_json([northshire()], single=True))
    assert all("met_on" in f and "late" in f for f in doc["findings"])
    pool4 = next(f for f in doc["findings"] if f["rule"] == "POOL-4")
    assert (pool4["status"], pool4["met_on"], pool4["late"]) == ("pass", "2023-05-01", True)
    assert WORDS in pool4["explanation"]
    sap1 = next(f for f in doc["findings"] if f["rule"] == "SAP-1")
    assert (sap1["met_on"], sap1["late"]) == ("2023-03-01", False)
    assert [f["rule"] for f in doc["findings"] if f["late"]] == ["POOL-4"]


def test_by_severity_counts_each_tier() -> None:
    doc = northshire().to_json()
    by = doc["by_severity"]
    assert set(by) == {"must", "should"}
    for status, n in doc["summary"].items():
        assert by["must"][status] + by["should"][status] == n
    assert by["must"]["fail"] == 0 and by["should"]["fail"] > 0 and doc["compliant"]


def test_text_says_met_late_under_the_finding() -> None:
    text = to_text([northshire()], color=False, width=200)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "POOL-4" in line)
    assert lines[at].startswith("PASS")
    assert WORDS in lines[at + 1]
    assert text.count("Met late") == 1


def test_html_marks_the_late_finding() -> None:
    page = to_html([northshire()])
    row = page[page.index("<tr id='POOL-4'>") :]
    row = row[: row.index("</tr>")]
    assert "met late" in row and WORDS in row
    assert page.count("badge late") == 1


def test_junit_records_late_as_properties_and_words() -> None:
    root = ET.fromstring(to_junit([northshire()]))
    case = next(c for c in root.iter("testcase") if c.get("name", "").startswith("POOL-4 "))
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props == {
        "severity": "must",
        "status": "pass",
        "late": "true",
        "met_on": "2023-05-01",
    }
    assert case.findtext("system-out") == WORDS
    assert case.find("failure") is None
