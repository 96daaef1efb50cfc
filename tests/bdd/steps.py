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
from support import add_good_practice

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
    if key == "expansion plan":
        case.doc.get("finance", {}).pop("expansion_plan", None)
        return
    if key == "workforce plan":
        case.doc.setdefault("workforce", {})["place_workforce_plan"] = False
        return
    known = [*BLOCKS, "written decision-making structure", "expansion plan", "workforce plan"]
    assert key in BLOCKS, f"unknown part '{block}'; known: {', '.join(known)}"
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


# ------------------------------------------------- Given: shared outcomes (OUT-*)


@given(parsers.parse("the shared outcomes went live on {date}"))
def outcomes_live(case: Case, date: str) -> None:
    case.doc["shared_outcomes"]["live_from"] = _date(date).isoformat()


@given(parsers.re(r"every shared outcome is a (?P<priority>national|local) priority"))
def outcomes_priority(case: Case, priority: str) -> None:
    for outcome in case.doc["shared_outcomes"]["outcomes"]:
        outcome["priority"] = priority


@given("no report against the shared outcomes has been submitted")
def no_reports(case: Case) -> None:
    case.doc["shared_outcomes"]["reports"] = []


@given(parsers.parse("the place reported on the shared outcomes for the period to {end} on {sent}"))
def one_report(case: Case, end: str, sent: str) -> None:
    case.doc["shared_outcomes"]["reports"] = [
        {"period_end": _date(end).isoformat(), "submitted_on": _date(sent).isoformat()}
    ]


@given(
    parsers.parse(
        "the place also reported on the shared outcomes for the period to {end} on {sent}"
    )
)
def another_report(case: Case, end: str, sent: str) -> None:
    case.doc["shared_outcomes"]["reports"].append(
        {"period_end": _date(end).isoformat(), "submitted_on": _date(sent).isoformat()}
    )


# ------------------------------------------------- Given: pooled and aligned budgets (POOL-*)

INSTRUMENTS = {
    "a section 75 agreement": "section_75",
    "the better care fund": "better_care_fund",
    "another instrument": "other",
    "no legal instrument": "none",
}


def _budget_line(case: Case, name: str) -> dict[str, Any]:
    lines = case.doc.get("finance", {}).get("budget_lines", [])
    for line in lines:
        if line["name"].casefold() == name.strip().casefold():
            return line
    known = ", ".join(f'"{line["name"]}"' for line in lines) or "none"
    raise AssertionError(f'no budget line "{name}"; the place declares: {known}')


@given(parsers.parse("the expansion plan was published on {date}"))
def expansion_published(case: Case, date: str) -> None:
    case.doc["finance"]["expansion_plan"]["published_on"] = _date(date).isoformat()


@given(parsers.parse("the expansion plan reaches its full scope in {year:d}"))
def expansion_target(case: Case, year: int) -> None:
    case.doc["finance"]["expansion_plan"]["target_year"] = year


@given(parsers.parse('the "{line}" budget line is pooled under {instrument}'))
def line_pooled(case: Case, line: str, instrument: str) -> None:
    key = instrument.strip().lower()
    assert key in INSTRUMENTS, f"unknown instrument '{instrument}'; known: {', '.join(INSTRUMENTS)}"
    budget = _budget_line(case, line)
    budget["kind"] = "pooled"
    budget["instrument"] = INSTRUMENTS[key]


@given(parsers.parse('the "{line}" budget line is aligned'))
def line_aligned(case: Case, line: str) -> None:
    _budget_line(case, line)["kind"] = "aligned"


@given(parsers.parse('the "{line}" budget line holds {amount}'))
def line_amount(case: Case, line: str, amount: str) -> None:
    _budget_line(case, line)["amount"] = _money(amount)


@given(parsers.parse('contributions to the "{line}" budget line were agreed by {parties}'))
def line_agreed_by(case: Case, line: str, parties: str) -> None:
    _budget_line(case, line)["contributions_agreed_by"] = _parties(case, parties)


def _money(text: str) -> int:
    match = re.fullmatch(r"£?\s*([\d.,]+)\s*(m|million)?", text.strip())
    assert match, f"'{text}' is not an amount; write it like £72m"
    value = float(match.group(1).replace(",", ""))
    return int(value * 1_000_000) if match.group(2) else int(value)


@given(
    parsers.re(
        r"in (?P<year>\d{4}/\d{2}) the place pooled (?P<pooled>\S+) and aligned (?P<aligned>\S+) "
        r"of (?P<spend>\S+) spent at place"
    )
)
def finance_year(case: Case, year: str, pooled: str, aligned: str, spend: str) -> None:
    years = case.doc["finance"].setdefault("years", [])
    entry = next((y for y in years if y["year"] == year), None)
    if entry is None:
        entry = {"year": year}
        years.append(entry)
    entry.update(place_spend=_money(spend), pooled=_money(pooled), aligned=_money(aligned))


# ------------------------------------------------- Given: digital (DIG-*)


def _digital(case: Case) -> dict[str, Any]:
    return case.doc["system"].setdefault("digital", {})


@given(parsers.parse("the shared care record connects {connected:d} of {total:d} providers"))
def scr_connected(case: Case, connected: int, total: int) -> None:
    _digital(case)["shared_care_record"] = {
        "operating": True,
        "providers_total": total,
        "providers_connected": connected,
    }


@given("the system operates no shared care record")
def scr_off(case: Case) -> None:
    _digital(case).setdefault("shared_care_record", {})["operating"] = False


@given(parsers.parse("{with_record:d} of {total:d} social care providers use a digital record"))
def social_care_records(case: Case, with_record: int, total: int) -> None:
    _digital(case)["social_care_providers"] = {"total": total, "with_digital_record": with_record}


@given(parsers.re(r"the population health platform (?:went|goes) live on (?P<date>.+)"))
def platform_live(case: Case, date: str) -> None:
    _digital(case).setdefault("population_health_platform", {})["live_on"] = _date(date).isoformat()


@given("the population health platform has no care coordination")
def platform_without_coordination(case: Case) -> None:
    _digital(case).setdefault("population_health_platform", {})["care_coordination"] = False


@given(parsers.parse("the system's fully costed digital investment plan is dated {date}"))
def investment_plan(case: Case, date: str) -> None:
    _digital(case)["digital_investment_plan_on"] = _date(date).isoformat()


# ------------------------------------------------- Given: governance and workforce


@given(
    parsers.re(r"the place has not documented its relationship with (?P<whom>the ICS|its councils)")
)
def relationship_undocumented(case: Case, whom: str) -> None:
    key = "system" if whom == "the ICS" else "councils"
    case.doc["governance"].setdefault("relationships_documented", {})[key] = False


@given("workforce planning is not co-produced with social care")
def not_co_produced(case: Case) -> None:
    case.doc.setdefault("workforce", {})["co_produced_with_social_care"] = False


# ------------------------------------------------- Given: good practice (the should tier)

#: The 2018 integration checklist items (good_practice.checklist), in words.
CHECKLIST_ITEMS = {
    "vision aligned with the system": "vision_aligned_with_system",
    "plan to shift care into the community": "shift_to_community_plan",
    "involvement of service users and carers": "user_and_carer_involvement",
    "front-line staff shaping integration": "frontline_staff_mechanisms",
    "transformation funding": "transformation_funding",
    "'I' statement outcomes": "i_statement_outcomes",
    "prevention aligned with the health and wellbeing strategy": (
        "prevention_aligned_with_hwb_strategy"
    ),
    "leadership skills and support": "leadership_skills_and_support",
    "top-level agreements written down": "top_level_agreements_written",
    "accountability to local people": "accountability_to_local_people",
    "training and support for governance roles": "governance_training_and_support",
    "work with colleges and universities": "colleges_and_universities",
    "flexible working agreements": "flexible_working_agreements",
    "new roles agreed with staff and unions": "new_roles_with_staff_and_unions",
    "shared workforce systems": "shared_workforce_systems",
    "integrated commissioning": "integrated_commissioning",
    "system-wide financial modelling": "system_financial_modelling",
    "open books": "open_books",
    "metrics of the shift in spending": "spend_shift_metrics",
    "evaluation and shared learning": "evaluation_and_learning",
    "professionals see and amend records": "professionals_see_and_amend_records",
    "partners analyse and aggregate data": "partners_analyse_aggregate_data",
    "data-sharing protocols": "data_sharing_protocols",
    "people access their own records": "citizen_record_access",
}
CHECKLIST_STATES = {
    "in place": "in_place",
    "under development": "under_development",
    "absent": "absent",
}
INTEGRATION_RISKS = [
    "culture and power",
    "complexity and duplication",
    "resource constraints",
    "measuring integration",
    "integration fatigue",
]
BOARD_SEATS = {
    "elected members": "elected_members",
    "clinical and professional members": "clinical_and_professional_members",
    "members who use services or are carers": "people_who_use_services_and_carers",
}
PARTNER_KINDS = {
    "NHS trust": "nhs_trust",
    "primary care network": "primary_care_network",
    "social care provider": "social_care_provider",
    "voluntary or community organisation": "vcse",
    "housing organisation": "housing",
    "public health team": "public_health",
    "Healthwatch": "healthwatch",
}
PROVIDER_COLLABORATIVE = "Northshire and Coast Acute Provider Collaborative"


def _good_practice_place() -> dict[str, Any]:
    """The compliant example plus every good-practice fact, stated favourably."""
    return add_good_practice(_load("examples/northshire.yaml"), PROVIDER_COLLABORATIVE)


@given("a place that follows every good practice")
def good_practice_place(case: Case) -> None:
    case.doc = _good_practice_place()


@given(parsers.parse('the checklist item "{item}" is {state}'))
def checklist_item(case: Case, item: str, state: str) -> None:
    words = {k.casefold(): v for k, v in CHECKLIST_ITEMS.items()}
    key = words.get(item.strip().casefold(), item.strip())
    assert key in CHECKLIST_ITEMS.values(), (
        f"unknown checklist item '{item}'; known: {', '.join(CHECKLIST_ITEMS)}"
    )
    assert state in CHECKLIST_STATES, f"write one of: {', '.join(CHECKLIST_STATES)}"
    checklist = case.doc.setdefault("good_practice", {}).setdefault("checklist", {})
    checklist[key] = CHECKLIST_STATES[state]


@given(parsers.parse("the plans do not address the risk of {risk}"))
def risk_not_addressed(case: Case, risk: str) -> None:
    assert risk in INTEGRATION_RISKS, (
        f"unknown risk '{risk}'; known: {', '.join(INTEGRATION_RISKS)}"
    )
    addressed = case.doc["good_practice"]["integration_risks_addressed"]
    case.doc["good_practice"]["integration_risks_addressed"] = [
        r for r in addressed if r != risk.replace(" ", "_")
    ]


@given(parsers.parse("the place board has {n:d} {seats}"))
def board_seats(case: Case, n: int, seats: str) -> None:
    assert seats in BOARD_SEATS, f"write one of: {', '.join(BOARD_SEATS)}"
    membership = case.doc.setdefault("good_practice", {}).setdefault("board_membership", {})
    membership[BOARD_SEATS[seats]] = n


@given(parsers.parse("no {kind} is among the place's partners"))
def no_partner_of_kind(case: Case, kind: str) -> None:
    assert kind in PARTNER_KINDS, f"write one of: {', '.join(PARTNER_KINDS)}"
    case.doc["partners"] = [p for p in case.doc["partners"] if p["kind"] != PARTNER_KINDS[kind]]


@given("the councils are partners of the place and sit on the integrated care partnership")
def councils_engaged(case: Case) -> None:
    names = [la["name"] for la in case.doc["local_authorities"]]
    partners = case.doc.setdefault("partners", [])
    for name in names:
        if all(p["name"].casefold() != name.casefold() for p in partners):
            partners.append({"name": name, "kind": "local_authority"})
    case.doc.setdefault("good_practice", {})["councils_in_icp"] = names


@given(parsers.parse('"{council}" does not sit on the integrated care partnership'))
def council_not_in_icp(case: Case, council: str) -> None:
    in_icp = case.doc.setdefault("good_practice", {}).get("councils_in_icp", [])
    case.doc["good_practice"]["councils_in_icp"] = [
        n for n in in_icp if n.casefold() != council.casefold()
    ]


@given(parsers.parse("the scheme of delegation was agreed by {parties}"))
def scheme_agreed_by(case: Case, parties: str) -> None:
    good_practice = case.doc.setdefault("good_practice", {})
    good_practice.setdefault("scheme_of_delegation", {})["agreed_by"] = _parties(case, parties)


@given("no shared outcome tackles health inequalities")
def no_inequality_outcome(case: Case) -> None:
    for outcome in case.doc["shared_outcomes"]["outcomes"]:
        outcome["tackles_inequalities"] = False


@given("the local priority outcomes cite no evidence of local need")
def no_evidence_of_need(case: Case) -> None:
    for outcome in case.doc["shared_outcomes"]["outcomes"]:
        outcome.pop("evidence_of_need", None)


# ------------------------------------------------- Given: provider collaboratives (PC-*)

MEMBER_KINDS = [
    "acute trust",
    "mental health trust",
    "community trust",
    "ambulance trust",
    "specialist trust",
    "primary care",
    "independent sector",
    "vcse",
    "local authority",
    "other",
]
AIMS = {
    "reduce unwarranted variation and inequality": "reduce_variation_and_inequality",
    "improve resilience": "improve_resilience",
    "specialise or consolidate services": "specialise_and_consolidate",
}
FUNCTIONS = {
    "clinical services": "clinical_services",
    "clinical support services": "clinical_support_services",
    "mutual aid": "mutual_aid",
    "workforce": "workforce",
    "digital": "digital",
    "back-office services": "back_office",
    "procurement": "procurement",
    "estates": "estates",
}


@given("a provider collaborative that meets every minimum requirement")
def compliant_collaborative(case: Case) -> None:
    case.doc = _load("examples/provider-collaboratives/northshire-coast-acute.yaml")


@given(parsers.parse('the provider collaborative described in "{path}"'))
def collaborative_from_file(case: Case, path: str) -> None:
    case.doc = _load(path)


@given("the collaborative's members are:")
def members(case: Case, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    cols = [h.strip().lower() for h in header]
    found = []
    for row in rows:
        kind = row[cols.index("kind")].strip().lower()
        assert kind in MEMBER_KINDS, f"unknown kind '{kind}'; known: {', '.join(MEMBER_KINDS)}"
        member: dict[str, Any] = {"name": row[cols.index("name")], "kind": kind.replace(" ", "_")}
        if "joined on" in cols and row[cols.index("joined on")].strip():
            member["joined_on"] = _date(row[cols.index("joined on")]).isoformat()
        found.append(member)
    case.doc["members"] = found


@given(parsers.re(r"the collaborative works (?:only )?in (?P<places>.+)"))
def places_covered(case: Case, places: str) -> None:
    names = re.findall(r'"([^"]+)"', places)
    assert names, 'name the places in double quotes, e.g. "Northshire"'
    case.doc["places_covered"] = [{"name": n} for n in names]


@given(parsers.parse("the shared purpose was agreed by {parties}"))
def purpose_agreed_by(case: Case, parties: str) -> None:
    case.doc["shared_purpose"]["agreed_by"] = re.findall(r'"([^"]+)"', parties)


@given(parsers.parse("the shared purpose was agreed on {date}"))
def purpose_agreed_on(case: Case, date: str) -> None:
    case.doc["shared_purpose"]["agreed_on"] = _date(date).isoformat()


@given("the joint decision-making arrangements are not written down")
def decisions_unwritten(case: Case) -> None:
    case.doc["decision_making"]["documented"] = False


@given(parsers.parse("the joint decision-making arrangements were agreed on {date}"))
def decisions_agreed_on(case: Case, date: str) -> None:
    case.doc["decision_making"]["agreed_on"] = _date(date).isoformat()


@given(parsers.parse('"{member}" takes no part in the joint decisions'))
def left_out_of_decisions(case: Case, member: str) -> None:
    parties = case.doc["decision_making"]["parties"]
    case.doc["decision_making"]["parties"] = [p for p in parties if p != member]


@given(parsers.parse("the collaborative states no aim to {aim}"))
def no_aim(case: Case, aim: str) -> None:
    assert aim in AIMS, f"write one of: {', '.join(AIMS)}"
    case.doc["aims"] = [a for a in case.doc.get("aims", []) if a["kind"] != AIMS[aim]]


@given(parsers.parse("the members work together only on {functions}"))
def scope(case: Case, functions: str) -> None:
    words = [w.strip() for w in re.split(r",| and ", functions) if w.strip()]
    unknown = [w for w in words if w not in FUNCTIONS]
    assert not unknown, f"unknown function(s) {unknown}; known: {', '.join(FUNCTIONS)}"
    case.doc["scope"] = [FUNCTIONS[w] for w in words]


@given(parsers.parse('"{trust}" is in no other formal collaborative'))
def trust_not_engaged(case: Case, trust: str) -> None:
    for entry in case.doc["system_trusts"]:
        if entry["name"] == trust:
            entry["other_collaboratives"] = []
            return
    known = ", ".join(t["name"] for t in case.doc["system_trusts"])
    raise AssertionError(f'"{trust}" is not a trust of the system; trusts: {known}')


@given("how the collaborative relates to the places is not written down")
def places_relationship_unwritten(case: Case) -> None:
    case.doc.setdefault("relationships", {})["with_places_documented"] = False


@given("the collaborative is not part of the ICB's scheme of delegation")
def not_in_scheme(case: Case) -> None:
    case.doc.setdefault("relationships", {})["in_scheme_of_delegation"] = False


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


@then(
    parsers.re(
        r"criterion (?P<rule_id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) was met late, on (?P<date>.+)$"
    )
)
def met_late(case: Case, rule_id: str, date: str) -> None:
    f = case.finding(rule_id)
    assert f.status in ("pass", "not_yet_due") and f.late, (
        f"criterion {rule_id} is {f.status}, late: {f.late}, met on {f.met_on}: {f.explanation}"
    )
    assert f.met_on == _date(date), f"criterion {rule_id} was met on {f.met_on}: {f.explanation}"


@then(parsers.re(r"criterion (?P<rule_id>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) was met on time$"))
def met_on_time(case: Case, rule_id: str) -> None:
    f = case.finding(rule_id)
    assert f.status in ("pass", "not_yet_due") and not f.late, (
        f"criterion {rule_id} is {f.status}, late: {f.late}, met on {f.met_on}: {f.explanation}"
    )


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


@then(parsers.re(r"the (?P<who>place|collaborative) is (?P<neg>not )?compliant"))
def compliance(case: Case, who: str, neg: str | None) -> None:
    assert case.report is not None
    failing = [f.rule for f in case.report.findings if f.severity == "must" and f.status == "fail"]
    assert case.report.compliant is (not neg), (
        f"the {who} is {'not ' if failing else ''}compliant; must criteria not met: "
        f"{', '.join(failing) or 'none'}"
    )


#: One example of every step, as listed in features/README.md (a test keeps the two in step,
#: and another checks that every step definition has an example here and no example is ambiguous).
KNOWN_STEPS = [
    # the place
    "Given a place that meets every national expectation",
    'Given the place described in "examples/riverside.yaml"',
    'Given the place is called "Northshire"',
    "Given the place's councils are:",
    "Given the place uses the alliance model",
    "Given its system has 1 place",
    # the single accountable person
    'Given its accountable person was agreed by the ICB but not by "Northshire County Council"',
    'Given the place names co-chairs "Asha Rao" and "Ben Cole" as accountable',
    "Given no accountable person is named",
    "Given the accountable person holds another role",
    "Given the accountable person took up post on 1 March 2023",
    "Given the accountable person's remit does not cover the shared outcomes",
    # governance
    "Given the ICB delegated functions but not budget to the place",
    "Given the place has no risk management mechanism",
    "Given the place has not documented its relationship with the ICS",
    'Given the shared plan was agreed by "Northshire County Council"',
    # shared outcomes
    "Given the shared outcomes went live on 1 June 2023",
    "Given every shared outcome is a local priority",
    "Given no report against the shared outcomes has been submitted",
    "Given the place reported on the shared outcomes for the period to 30 June 2023 "
    "on 21 July 2023",
    "Given the place also reported on the shared outcomes for the period to 31 March 2024 "
    "on 30 April 2024",
    # pooled and aligned budgets
    "Given no budget line underpins a shared outcome",
    "Given the expansion plan was published on 1 November 2023",
    "Given the expansion plan reaches its full scope in 2027",
    'Given the "Better Care Fund" budget line is pooled under another instrument',
    'Given the "Better Care Fund" budget line is aligned',
    'Given the "Better Care Fund" budget line holds £0',
    'Given contributions to the "Better Care Fund" budget line were agreed by the ICB',
    "Given in 2023/24 the place pooled £20m and aligned £55m of £640m spent at place",
    # digital
    "Given the shared care record connects 131 of 140 providers",
    "Given the system operates no shared care record",
    "Given 246 of 300 social care providers use a digital record",
    "Given the population health platform goes live on 1 March 2026",
    "Given the population health platform has no care coordination",
    "Given the system's fully costed digital investment plan is dated 30 May 2022",
    # workforce
    "Given workforce planning is not co-produced with social care",
    # good practice
    "Given a place that follows every good practice",
    'Given the checklist item "open books" is under development',
    "Given the plans do not address the risk of integration fatigue",
    "Given the place board has 0 elected members",
    "Given no housing organisation is among the place's partners",
    "Given the councils are partners of the place and sit on the integrated care partnership",
    'Given "Northshire Vale District Council" does not sit on the integrated care partnership',
    'Given the scheme of delegation was agreed by the ICB and "Northshire County Council"',
    "Given no shared outcome tackles health inequalities",
    "Given the local priority outcomes cite no evidence of local need",
    # provider collaboratives
    "Given a provider collaborative that meets every minimum requirement",
    'Given the provider collaborative described in "examples/provider-collaboratives/'
    'broadwater-corporate-services.yaml"',
    "Given the collaborative's members are:",
    'Given the collaborative works only in "Northshire"',
    'Given the shared purpose was agreed by "Northshire Hospitals NHS Foundation Trust"',
    "Given the shared purpose was agreed on 1 November 2023",
    "Given the joint decision-making arrangements are not written down",
    "Given the joint decision-making arrangements were agreed on 1 November 2023",
    'Given "Coast and Marram Hospitals NHS Trust" takes no part in the joint decisions',
    "Given the collaborative states no aim to improve resilience",
    "Given the members work together only on back-office services and procurement",
    'Given "Coastal Community Health NHS Trust" is in no other formal collaborative',
    "Given how the collaborative relates to the places is not written down",
    "Given the collaborative is not part of the ICB's scheme of delegation",
    # any fact
    'Given the declaration states "system.digital.shared_care_record.operating" is false',
    'Given the declaration does not state "workforce.place_workforce_plan"',
    # assessing
    "When its arrangements are assessed on 30 September 2023",
    # the verdict
    "Then criterion SAP-2 is not met",
    "Then criterion DIG-1 is not yet due and would not be met today",
    "Then criterion DIG-3 was met late, on 15 January 2026",
    "Then criterion SAP-1 was met on time",
    'Then the explanation names "Northshire County Council"',
    'Then the remedy names "Northshire County Council"',
    "Then the place is not compliant",
    "Then the collaborative is compliant",
]
