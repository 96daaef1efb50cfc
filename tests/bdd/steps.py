"""The step vocabulary of the feature files, in the words of an ICB assurance team.

Every step here is listed, with an example, in ``features/README.md``; steps call only the
public library API (``govrules.load_rulesets``, ``govrules.Engine``). A scenario builds a
declaration from a compliant place and changes the facts its steps describe.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_bdd import given
from pytest_bdd import parsers
from pytest_bdd import then
from pytest_bdd import when

from govrules import Engine
from govrules import Finding
from govrules import Report
from govrules import load_rulesets

ROOT = Path(__file__).resolve().parents[2]
_ENGINE: Engine | None = None


def engine() -> Engine:
    """The bundled rulesets, compiled once for the whole run (Python back-end, the oracle)."""
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = Engine(load_rulesets(), "python")
    return _ENGINE


class Case:
    """The declaration a scenario builds up, and the report once assessed."""

    def __init__(self) -> None:
        self.doc: dict[str, Any] = {}
        self.report: Report | None = None
        self.last_rule: str | None = None

    def finding(self, rule_id: str) -> Finding:
        assert self.report is not None, "assess the arrangements (a 'When' step) first"
        for f in self.report.findings:
            if f.rule == rule_id:
                self.last_rule = rule_id
                return f
        known = ", ".join(f.rule for f in self.report.findings)
        raise AssertionError(f"no criterion {rule_id} in the report; criteria: {known}")


@pytest.fixture
def case() -> Case:
    return Case()


def _load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _party(case: Case, name: str) -> str:
    return str(case.doc["system"]["icb"]) if name.strip().lower() in ("the icb", "icb") else name


def _parties(case: Case, text: str) -> list[str]:
    names = re.findall(r'"([^"]+)"|(the ICB)', text)
    return [_party(case, a or b) for a, b in names]


def _date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%d %B %Y", "%Y-%m-%d", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise AssertionError(f"'{text}' is not a date; write it like 30 September 2023")


MODELS = {
    "place board": "place_board",
    "shared executive": "shared_executive",
    "single trust delegation": "single_trust_delegation",
    "committee of the icb": "committee_of_icb",
    "joint committee": "joint_committee",
    "alliance": "alliance",
    "other": "other",
}
FORMS = {
    "a dual role across health and care": "dual_role",
    "the lead of the place arrangement": "lead_of_place_arrangement",
    "another role": "other",
}
BLOCKS = {
    "shared plan": "shared_plan",
    "shared outcomes": "shared_outcomes",
    "risk management mechanism": "risk_management",
    "disagreement resolution mechanism": "disagreement_resolution",
    "finance information": "finance",
    "workforce information": "workforce",
    "partners list": "partners",
}


# ---------------------------------------------------------------- Given


@given("a place that meets every national expectation")
def compliant_place(case: Case) -> None:
    case.doc = _load("examples/northshire.yaml")


@given(parsers.parse('the place described in "{path}"'))
def place_from_file(case: Case, path: str) -> None:
    case.doc = _load(path)


@given(parsers.parse('the place is called "{name}"'))
def place_name(case: Case, name: str) -> None:
    case.doc["place"]["name"] = name
    case.doc["place"]["id"] = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "place"


@given("the place's councils are:")
def councils(case: Case, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    cols = [h.strip().lower() for h in header]
    case.doc["local_authorities"] = [
        {"name": row[cols.index("name")], "tier": row[cols.index("tier")].strip().lower()}
        for row in rows
    ]


@given(parsers.parse("the place uses the {model} model"))
def governance_model(case: Case, model: str) -> None:
    key = model.strip().lower()
    assert key in MODELS, f"unknown model '{model}'; known: {', '.join(MODELS)}"
    case.doc["governance"]["model"] = MODELS[key]


@given(parsers.re(r"its system has (?P<n>\d+) places?"))
def system_places(case: Case, n: str) -> None:
    case.doc["system"]["places"] = int(n)


@given(parsers.parse("its accountable person was agreed by {parties}"))
def person_agreed_by(case: Case, parties: str) -> None:
    agreed, _, refused = parties.partition(" but not by ")
    names = _parties(case, agreed)
    not_by = {n.casefold() for n in _parties(case, refused)}
    for person in case.doc["accountable_persons"]:
        person["agreed_by"] = [n for n in names if n.casefold() not in not_by]


@given(parsers.parse('the place names co-chairs "{first}" and "{second}" as accountable'))
def co_chairs(case: Case, first: str, second: str) -> None:
    template = case.doc["accountable_persons"][0]
    case.doc["accountable_persons"] = [
        {**copy.deepcopy(template), "name": first},
        {**copy.deepcopy(template), "name": second},
    ]


@given("no accountable person is named")
def nobody_named(case: Case) -> None:
    case.doc["accountable_persons"] = []


@given(parsers.parse("the accountable person holds {form}"))
def person_form(case: Case, form: str) -> None:
    key = form.strip().lower()
    assert key in FORMS, f"unknown role '{form}'; known: {', '.join(FORMS)}"
    for person in case.doc["accountable_persons"]:
        person["form"] = FORMS[key]


@given(parsers.parse("the accountable person took up post on {date}"))
def in_post_from(case: Case, date: str) -> None:
    for person in case.doc["accountable_persons"]:
        person["in_post_from"] = _date(date).isoformat()


@given(parsers.parse("the accountable person's remit {covers} the shared outcomes"))
def remit(case: Case, covers: str) -> None:
    assert covers in ("covers", "does not cover"), "write 'covers' or 'does not cover'"
    for person in case.doc["accountable_persons"]:
        person["remit_covers_shared_outcomes"] = covers == "covers"


@given(parsers.parse("the ICB delegated {what} to the place"))
def delegation(case: Case, what: str) -> None:
    options = {
        "functions and budget": (True, True),
        "functions but not budget": (True, False),
        "budget but not functions": (False, True),
        "neither functions nor budget": (False, False),
    }
    assert what in options, f"write one of: {', '.join(options)}"
    functions, budget = options[what]
    case.doc["governance"]["delegated_by_icb"] = {"functions": functions, "budget": budget}


@given(parsers.parse("the place has no {block}"))
def no_block(case: Case, block: str) -> None:
    key = block.strip().lower()
    if key == "written decision-making structure":
        case.doc["governance"].setdefault("decision_making", {})["documented"] = False
        return
    assert key in BLOCKS, (
        f"unknown part '{block}'; known: {', '.join(BLOCKS)}, written decision-making structure"
    )
    case.doc.pop(BLOCKS[key], None)


@given(parsers.parse("the shared plan was agreed by {parties}"))
def plan_agreed_by(case: Case, parties: str) -> None:
    case.doc["shared_plan"]["agreed_by"] = _parties(case, parties)


@given("no budget line underpins a shared outcome")
def no_underpinning(case: Case) -> None:
    for line in case.doc.get("finance", {}).get("budget_lines", []):
        line["underpins_outcomes"] = []


@given(parsers.parse('the declaration states "{path}" is {value}'))
def set_fact(case: Case, path: str, value: str) -> None:
    """Escape hatch: set any field by its path (e.g. "system.digital.shared_care_record")."""
    parts = [int(p) if p.isdigit() else p for p in re.split(r"\.|\[|\]\.?", path) if p != ""]
    target: Any = case.doc
    for part in parts[:-1]:
        if isinstance(part, str) and isinstance(target, dict) and part not in target:
            target[part] = {}
        target = target[part]
    target[parts[-1]] = yaml.safe_load(value)


@given(parsers.parse('the declaration does not state "{path}"'))
def remove_fact(case: Case, path: str) -> None:
    parts = [int(p) if p.isdigit() else p for p in re.split(r"\.|\[|\]\.?", path) if p != ""]
    target: Any = case.doc
    for part in parts[:-1]:
        target = target[part]
    target.pop(parts[-1], None)


# ---------------------------------------------------------------- When


@when(parsers.parse("its arrangements are assessed on {date}"))
def assess(case: Case, date: str) -> None:
    case.report = engine().evaluate(case.doc, _date(date))


# ---------------------------------------------------------------- Then

STATUS_WORDS = {
    "met": "pass",
    "not met": "fail",
    "not applicable": "not_applicable",
    "not yet due": "not_yet_due",
}


@then(
    parsers.re(
        r"criterion (?P<rule_id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) is "
        r"(?P<words>met|not met|not applicable|not yet due)$"
    )
)
def criterion_status(case: Case, rule_id: str, words: str) -> None:
    f = case.finding(rule_id)
    want = STATUS_WORDS[words]
    said = {v: k for k, v in STATUS_WORDS.items()}[f.status]
    assert f.status == want, (
        f"criterion {rule_id} is {said} here, but the scenario expects it to be {words}.\n"
        f"Explanation: {f.explanation}"
    )


@then(
    parsers.re(
        r"criterion (?P<rule_id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) is not yet due "
        r"and would (?P<neg>not )?be met today"
    )
)
def not_yet_due_would(case: Case, rule_id: str, neg: str | None) -> None:
    f = case.finding(rule_id)
    assert f.status == "not_yet_due", f"criterion {rule_id} is {f.status}: {f.explanation}"
    assert f.would_pass is (not neg), f"criterion {rule_id}: {f.explanation}"


@then(parsers.parse('the explanation names "{text}"'))
def explanation_names(case: Case, text: str) -> None:
    assert case.last_rule, "name a criterion in an earlier 'Then' step"
    f = case.finding(case.last_rule)
    assert text.casefold() in f.explanation.casefold(), (
        f"the explanation of {f.rule} does not name '{text}': {f.explanation}"
    )


@then(parsers.parse('the remedy names "{text}"'))
def remedy_names(case: Case, text: str) -> None:
    assert case.last_rule, "name a criterion in an earlier 'Then' step"
    f = case.finding(case.last_rule)
    assert f.remedy and text.casefold() in f.remedy.casefold(), (
        f"the remedy of {f.rule} does not name '{text}': {f.remedy}"
    )


@then(parsers.re(r"the place is (?P<neg>not )?compliant"))
def compliance(case: Case, neg: str | None) -> None:
    assert case.report is not None
    failing = [f.rule for f in case.report.findings if f.severity == "must" and f.status == "fail"]
    assert case.report.compliant is (not neg), (
        f"the place is {'not ' if failing else ''}compliant; must criteria not met: "
        f"{', '.join(failing) or 'none'}"
    )


#: One example of every step, as listed in features/README.md (a test keeps the two in step).
KNOWN_STEPS = [
    "Given a place that meets every national expectation",
    'Given the place described in "examples/riverside.yaml"',
    'Given the place is called "Northshire"',
    "Given the place's councils are:",
    "Given the place uses the alliance model",
    "Given its system has 1 place",
    'Given its accountable person was agreed by the ICB but not by "Northshire County Council"',
    'Given the place names co-chairs "Asha Rao" and "Ben Cole" as accountable',
    "Given no accountable person is named",
    "Given the accountable person holds another role",
    "Given the accountable person took up post on 1 March 2023",
    "Given the accountable person's remit does not cover the shared outcomes",
    "Given the ICB delegated functions but not budget to the place",
    "Given the place has no risk management mechanism",
    'Given the shared plan was agreed by "Northshire County Council"',
    "Given no budget line underpins a shared outcome",
    'Given the declaration states "system.digital.shared_care_record.operating" is false',
    'Given the declaration does not state "workforce.place_workforce_plan"',
    "When its arrangements are assessed on 30 September 2023",
    "Then criterion SAP-2 is not met",
    "Then criterion DIG-1 is not yet due and would not be met today",
    'Then the explanation names "Northshire County Council"',
    'Then the remedy names "Northshire County Council"',
    "Then the place is not compliant",
]
