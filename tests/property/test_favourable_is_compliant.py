"""A place that states every v1 fact favourably is compliant on every date from the deadline on.

decisions.md ("The must tier and the declaration format", and corrections v1.1): a declaration
that states every fact of ``govrules/place/v1`` favourably must come out compliant, including on
the day its shared outcomes go live, before any report can exist. The declaration here is the
compliant example with every dated fact moved before ``place_governance_due`` and its outcomes
reported on as a place would: a report for the latest quarter, submitted on the evaluation date.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from govrules import Engine
from govrules import load_rulesets
from govrules.backends.durable_backend import available as durable_available
from govrules.dates import add_months
from support import ROOT

PROGRAM = load_rulesets()
DUE = PROGRAM.params["place_governance_due"].value
LIVE = PROGRAM.params["shared_outcomes_live"].value
assert isinstance(DUE, dt.date) and isinstance(LIVE, dt.date)
BASE = yaml.safe_load((ROOT / "examples" / "northshire.yaml").read_text(encoding="utf-8"))
ENGINES = {"python": Engine(PROGRAM, "python")}
if durable_available()[0]:
    ENGINES["durable"] = Engine(PROGRAM, "durable")


def favourable(as_of: dt.date, model: str) -> dict[str, Any]:
    """Every v1 fact stated favourably, every date on or before the deadline."""
    doc = copy.deepcopy(BASE)
    before = DUE - dt.timedelta(days=31)
    doc["governance"]["model"] = model
    doc["accountable_persons"][0]["in_post_from"] = before
    doc["shared_plan"]["published_on"] = before
    doc["finance"]["expansion_plan"]["published_on"] = before
    doc["system"]["digital"]["population_health_platform"]["live_on"] = before
    doc["shared_outcomes"]["live_from"] = LIVE
    period_end = max(LIVE, add_months(as_of, -3))
    doc["shared_outcomes"]["reports"] = (
        [{"period_end": period_end, "submitted_on": as_of}] if period_end < as_of else []
    )
    return doc


@settings(max_examples=150, deadline=None)
@given(
    as_of=st.dates(DUE, dt.date(2032, 12, 31)),
    model=st.sampled_from(["place_board", "alliance", "joint_committee", "shared_executive"]),
    engine=st.sampled_from(sorted(ENGINES)),
)
def test_a_favourable_declaration_is_compliant_from_the_deadline_on(
    as_of: dt.date, model: str, engine: str
) -> None:
    report = ENGINES[engine].evaluate(favourable(as_of, model), as_of)
    failing = {f.rule: f.explanation for f in report.findings if f.severity == "must"
               and f.status == "fail"}  # fmt: skip
    assert report.compliant, failing


@pytest.mark.parametrize("model", ["place_board", "alliance"])
def test_compliant_on_the_go_live_day_before_any_report(model: str) -> None:
    doc = favourable(LIVE, model)
    assert doc["shared_outcomes"]["reports"] == []
    report = ENGINES["python"].evaluate(doc, LIVE)
    assert report.compliant
    out4 = next(f for f in report.findings if f.rule == "OUT-4")
    assert out4.status == "not_yet_due" and out4.would_pass is False
