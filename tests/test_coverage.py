"""Coverage of the national `must` tier by the bundled examples.

Every `must` rule of the national ruleset has to be shown both holding and not holding by the
example declarations in ``examples/`` (the place declarations at the top of that folder), so
that a reviewer can see each rule's verdict both ways in a golden report.

How a rule is counted
---------------------
- The examples are evaluated on the golden date, 2023-09-30 (the date of ``test_golden.py``).
  A ``pass`` counts as the rule holding, a ``fail`` as the rule not holding.
- A rule whose due date is after the golden date (the digital targets DIG-1, DIG-2 and DIG-3,
  due 2024-03-31 to 2025-12-31) is ``not_yet_due`` on that date in every example, whatever
  the facts. For such a rule the examples are evaluated again **on the rule's own due date**,
  the first day it counts, and the ``pass``/``fail`` findings of that date are counted. (The
  golden date's ``would_pass`` flags are not counted: a verdict that can never fail a place on
  the golden date is not evidence that the rule fails when it should.)
- An exemption is never "failed": GOV-3 (the single-place exemption) is counted as holding when
  it passes (a single-place system) and as not holding when it is ``not_applicable`` (a system
  of several places). That is the only rule counted this way, and it is listed by name.

The test fails, naming the rules, when a `must` rule lacks either case, when a rule the issue
requires is missing from the national ruleset, or when the single-place exemption does not
switch off exactly the rules that decisions.md (AMB-2) says it does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from govrules import evaluate
from govrules import load_declaration
from govrules import load_rulesets
from govrules.report import Report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
    p for p in (ROOT / "examples").glob("*.json") if not p.name.endswith(".request.json")
)
GOLDEN_DATE = dt.date(2023, 9, 30)
NATIONAL = "national-2022"

# Rules that are exemptions: counted as holding on `pass`, as not holding on `not_applicable`.
EXEMPTIONS = {"GOV-3"}

# The national `must` tier the issue asks for (issue 3, part 1). A rule missing from the
# bundled ruleset is a failure of this test, not a silent gap in coverage.
REQUIRED_MUST_RULES = {
    "SAP-1", "SAP-2", "SAP-3", "SAP-4", "SAP-5",
    "GOV-1", "GOV-2", "GOV-3", "GOV-5", "GOV-7",
    "PLAN-1", "OUT-1", "POOL-1", "RISK-1", "DISP-1", "DEC-1",
    "OUT-2", "OUT-3", "OUT-4",
    "POOL-4", "POOL-5", "POOL-8", "POOL-9",
    "DIG-1", "DIG-2", "DIG-3", "DIG-5",
    "WF-1",
}  # fmt: skip

# AMB-2 (decisions.md): in a single-place system these are not applicable ...
SWITCHED_OFF_BY_GOV3 = {"GOV-1", "GOV-2", "GOV-5", "PLAN-1", "OUT-1", "POOL-1", "RISK-1",
                        "DISP-1", "DEC-1"}  # fmt: skip
# ... while these still apply (they must never be not_applicable there).
STILL_APPLY_IN_SINGLE_PLACE = {"SAP-1", "SAP-2", "SAP-3", "SAP-4", "SAP-5", "OUT-2", "OUT-3",
                               "OUT-4", "POOL-4", "POOL-5", "DIG-1", "DIG-2", "DIG-3",
                               "DIG-5"}  # fmt: skip

PROGRAM = load_rulesets()
MUST_RULES = {r.id: r for r in PROGRAM.rules if r.ruleset == NATIONAL and r.rule.severity == "must"}


def _reports(as_of: dt.date) -> dict[str, Report]:
    return {
        p.stem: evaluate(
            PROGRAM,
            load_declaration(p),
            as_of,
            engine="python",
            source=str(p.relative_to(ROOT)),
        )
        for p in EXAMPLES
    }


def _cases() -> dict[str, dict[str, set[str]]]:
    """rule id -> {"holds": {examples}, "not": {examples}} over the counting dates."""
    cases: dict[str, dict[str, set[str]]] = defaultdict(lambda: {"holds": set(), "not": set()})
    dates = {GOLDEN_DATE} | {
        r.due for r in MUST_RULES.values() if r.due is not None and r.due > GOLDEN_DATE
    }
    by_date = {d: _reports(d) for d in sorted(dates)}
    for rule_id, rule in MUST_RULES.items():
        counted_on = rule.due if rule.due is not None and rule.due > GOLDEN_DATE else GOLDEN_DATE
        for example, report in by_date[counted_on].items():
            for f in report.findings:
                if f.rule != rule_id or f.ruleset != NATIONAL:
                    continue
                if f.status == "pass":
                    cases[rule_id]["holds"].add(example)
                elif f.status == "fail" or (rule_id in EXEMPTIONS and f.status == "not_applicable"):
                    cases[rule_id]["not"].add(example)
    return cases


def test_enough_examples() -> None:
    assert len(EXAMPLES) >= 8, f"issue 3 asks for at least eight examples; found {len(EXAMPLES)}"


def test_the_national_must_tier_has_every_required_rule() -> None:
    missing = sorted(REQUIRED_MUST_RULES - set(MUST_RULES))
    assert not missing, f"not in the national ruleset as `must` rules: {', '.join(missing)}"


def test_every_must_rule_holds_and_fails_in_some_example() -> None:
    cases = _cases()
    lacking = []
    for rule_id in sorted(MUST_RULES):
        got = cases[rule_id]
        need = []
        if not got["holds"]:
            need.append("a pass")
        if not got["not"]:
            need.append(
                "a not-applicable (exemption not in force)" if rule_id in EXEMPTIONS else "a fail"
            )
        if need:
            lacking.append(f"{rule_id} lacks {' and '.join(need)}")
    assert not lacking, (
        "national `must` rules without coverage in examples/ "
        f"(evaluated on {GOLDEN_DATE}, digital targets on their due dates):\n  "
        + "\n  ".join(lacking)
    )


def test_the_single_place_exemption_switches_off_exactly_the_amb2_rules() -> None:
    reports = _reports(GOLDEN_DATE)
    exempt = [
        name for name, rep in reports.items()
        if any(f.rule == "GOV-3" and f.status == "pass" for f in rep.findings)
    ]  # fmt: skip
    assert exempt, "no example is a single-place system (GOV-3 never passes)"
    problems = []
    for name in exempt:
        status = {f.rule: f.status for f in reports[name].findings if f.ruleset == NATIONAL}
        for rule_id in sorted(SWITCHED_OFF_BY_GOV3):
            if status.get(rule_id) != "not_applicable":
                problems.append(
                    f"{name}: {rule_id} is {status.get(rule_id)}, expected not_applicable"
                )
        for rule_id in sorted(STILL_APPLY_IN_SINGLE_PLACE):
            if status.get(rule_id) in (None, "not_applicable"):
                problems.append(f"{name}: {rule_id} is {status.get(rule_id)}, but it still applies")
    assert not problems, "AMB-2 single-place exemption:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_must_findings_cite_due_dates_and_explain_failures(example: Path) -> None:
    """Every national `must` finding has a due date; every failure names facts and a remedy."""
    report = evaluate(PROGRAM, load_declaration(example), GOLDEN_DATE, engine="python")
    problems = []
    for f in report.findings:
        if f.ruleset != NATIONAL or f.severity != "must":
            continue
        if f.due is None:
            problems.append(f"{f.rule}: no due date")
        if f.status == "fail" and (not f.explanation or not f.remedy):
            problems.append(f"{f.rule}: a failure without explanation or remedy")
    assert not problems, f"{example.name}: " + "; ".join(problems)
