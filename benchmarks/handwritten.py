"""The national-2022 verdicts written by hand: the floor the rule engine is measured against.

``verdicts(decl, as_of)`` gives the status of every rule of the national ruleset
(``rules/national/*.gr``) for a validated :class:`govrules.PlaceDeclaration`, by plain attribute
access. No explanations, no facts: only what a careful engineer would write to get the same
statuses. ``tests/test_benchmarks.py`` checks that it agrees with the engine.

The parameters are copied by hand from the rule files; each constant names its parameter. If a
rule file changes a value, change it here too (the agreement test will say which rule).
"""

from __future__ import annotations

import calendar
import datetime as dt

from govrules import PlaceDeclaration

# place-governance.gr
PLACE_GOVERNANCE_DUE = dt.date(2023, 4, 1)  # place_governance_due
UNDATED_EXPECTATIONS_DUE = dt.date(2023, 4, 1)  # undated_expectations_due
SMALL_SYSTEM_MAX_PLACES = 1  # small_system_max_places
ALTERNATIVES_WAIVED_FOR_PLACE_BOARD = True  # alternatives_waived_for_place_board
SOCIAL_CARE_TIERS = frozenset({"upper", "unitary"})  # social_care_tiers
ACCEPTED_SAP_FORMS = frozenset({"dual_role", "lead_of_place_arrangement"})  # accepted_sap_forms
COUNTED_BUDGET_KINDS = frozenset({"pooled", "aligned"})  # counted_budget_kinds
# outcomes-and-pooling.gr
SHARED_OUTCOMES_LIVE = dt.date(2023, 4, 1)  # shared_outcomes_live
FIRST_OUTCOMES_REPORT_DUE = dt.date(2024, 3, 31)  # first_outcomes_report_due
OUTCOMES_REPORT_MAX_AGE_MONTHS = 15  # outcomes_report_max_age
PLACE_SPEND_TARGET_YEAR = 2026  # place_spend_target_year
PLACE_SPEND_INCLUSION_DUE = dt.date(2026, 3, 31)  # place_spend_inclusion_due
POOLING_INSTRUMENTS = frozenset({"section_75", "better_care_fund"})  # pooling_instruments
# digital.gr
SHARED_CARE_RECORD_DUE = dt.date(2024, 12, 31)  # shared_care_record_due
SOCIAL_CARE_RECORDS_DUE = dt.date(2024, 3, 31)  # social_care_records_due
SOCIAL_CARE_RECORDS_SHARE = 0.80  # social_care_records_share
POPULATION_HEALTH_PLATFORM_DUE = dt.date(2025, 12, 31)  # population_health_platform_due
DIGITAL_INVESTMENT_PLAN_DUE = dt.date(2022, 6, 30)  # digital_investment_plan_due

ALTERNATIVES = ("PLAN-1", "OUT-1", "POOL-1", "RISK-1", "DISP-1", "DEC-1")


def _key(text: str) -> str:
    """Names match ignoring case and surrounding or repeated whitespace, "&" as "and"."""
    return " ".join(text.replace("&", " and ").split()).casefold()


def _months_before(date: dt.date, months: int) -> dt.date:
    """``date`` moved back by whole months, a missing day becoming the month's last."""
    year, month0 = divmod(date.year * 12 + date.month - 1 - months, 12)
    return date.replace(
        year=year, month=month0 + 1, day=min(date.day, calendar.monthrange(year, month0 + 1)[1])
    )


def verdicts(decl: PlaceDeclaration, as_of: dt.date) -> dict[str, str]:
    """The status of every national-2022 rule: pass, fail, not_yet_due or not_applicable."""
    out: dict[str, str] = {}

    def status(rule: str, met: bool, due: dt.date, applies: bool = True) -> None:
        if not applies:
            out[rule] = "not_applicable"
        elif due > as_of:
            out[rule] = "not_yet_due"
        else:
            out[rule] = "pass" if met else "fail"

    system = decl.system
    gov = decl.governance
    persons = decl.accountable_persons
    outcomes = decl.shared_outcomes
    finance = decl.finance
    council_keys = [
        _key(la.name) for la in decl.local_authorities if la.tier in SOCIAL_CARE_TIERS
    ]
    required = {_key(system.icb), *council_keys}

    # digital.gr
    digital = system.digital
    scr = digital.shared_care_record if digital else None
    status(
        "DIG-1",
        scr is not None
        and scr.operating
        and scr.providers_total >= 1
        and scr.providers_connected == scr.providers_total,
        SHARED_CARE_RECORD_DUE,
    )
    scp = digital.social_care_providers if digital else None
    status(
        "DIG-2",
        scp is not None
        and scp.total >= 1
        and scp.with_digital_record / scp.total >= SOCIAL_CARE_RECORDS_SHARE,
        SOCIAL_CARE_RECORDS_DUE,
    )
    php = digital.population_health_platform if digital else None
    status(
        "DIG-3",
        php is not None
        and php.live_on <= as_of
        and php.care_coordination,
        POPULATION_HEALTH_PLATFORM_DUE,
    )
    plan_on = digital.digital_investment_plan_on if digital else None
    status("DIG-5", plan_on is not None and plan_on <= as_of, DIGITAL_INVESTMENT_PLAN_DUE)

    # outcomes-and-pooling.gr
    if outcomes is not None:
        live = outcomes.live_from <= as_of and len(outcomes.outcomes) >= 1
        priorities = {o.priority for o in outcomes.outcomes} if live else set()
        oldest = _months_before(as_of, OUTCOMES_REPORT_MAX_AGE_MONTHS)
        reported = any(
            r.period_end <= r.submitted_on <= as_of
            and r.period_end >= outcomes.live_from
            and r.period_end >= oldest
            for r in outcomes.reports
        )
        status("OUT-2", "national" in priorities and "local" in priorities, SHARED_OUTCOMES_LIVE)
        status("OUT-3", live, SHARED_OUTCOMES_LIVE)
        status("OUT-4", reported, FIRST_OUTCOMES_REPORT_DUE)
    else:
        live = reported = False
        status("OUT-2", False, SHARED_OUTCOMES_LIVE)
        status("OUT-3", False, SHARED_OUTCOMES_LIVE)
        status("OUT-4", False, FIRST_OUTCOMES_REPORT_DUE)
    expansion = finance.expansion_plan if finance else None
    status(
        "POOL-4",
        expansion is not None and expansion.published_on <= as_of,
        UNDATED_EXPECTATIONS_DUE,
    )
    status(
        "POOL-5",
        expansion is not None
        and expansion.published_on <= as_of
        and expansion.target_year <= PLACE_SPEND_TARGET_YEAR,
        PLACE_SPEND_INCLUSION_DUE,
    )
    pooled = [b for b in finance.budget_lines if b.kind == "pooled"] if finance else []
    icb = _key(system.icb)
    pool8 = True
    for b in pooled:
        agreed = {_key(n) for n in b.contributions_agreed_by}
        if icb not in agreed or not any(c in agreed for c in council_keys):
            pool8 = False
            break
    status("POOL-8", pool8, UNDATED_EXPECTATIONS_DUE, bool(pooled))
    status(
        "POOL-9",
        all(b.instrument in POOLING_INSTRUMENTS for b in pooled),
        UNDATED_EXPECTATIONS_DUE,
        bool(pooled),
    )

    # place-governance.gr: the single accountable person
    named = len(persons) >= 1
    status(
        "SAP-1",
        any(p.in_post_from is not None and p.in_post_from <= as_of for p in persons),
        PLACE_GOVERNANCE_DUE,
    )
    status(
        "SAP-2",
        named
        and bool(council_keys)
        and all(required <= {_key(n) for n in p.agreed_by} for p in persons),
        PLACE_GOVERNANCE_DUE,
    )
    status(
        "SAP-3", named and all(p.form in ACCEPTED_SAP_FORMS for p in persons), PLACE_GOVERNANCE_DUE
    )
    status("SAP-4", len(persons) == 1, PLACE_GOVERNANCE_DUE)
    status(
        "SAP-5",
        named and all(p.remit_covers_shared_outcomes is True for p in persons),
        PLACE_GOVERNANCE_DUE,
    )

    # place-governance.gr: the place board or its equivalent
    several = system.places > SMALL_SYSTEM_MAX_PLACES
    board = gov.model == "place_board"
    status("GOV-3", not several, PLACE_GOVERNANCE_DUE, not several)
    delegated = gov.delegated_by_icb
    gov2 = delegated is not None and delegated.functions and delegated.budget
    status("GOV-2", gov2, PLACE_GOVERNANCE_DUE, board and several)
    gov2_met = gov2 and board and several

    alternatives = several and (not board or not ALTERNATIVES_WAIVED_FOR_PLACE_BOARD)
    dm = gov.decision_making
    documented = dm is not None and dm.documented
    if alternatives:
        plan = decl.shared_plan
        declared = {_key(o.name) for o in outcomes.outcomes} if outcomes else set()
        met = {
            "PLAN-1": plan is not None
            and plan.published_on <= as_of
            and bool(council_keys)
            and required <= {_key(n) for n in plan.agreed_by},
            "OUT-1": live and (as_of < FIRST_OUTCOMES_REPORT_DUE or reported),
            "POOL-1": finance is not None
            and any(
                b.kind in COUNTED_BUDGET_KINDS
                and b.amount > 0
                and any(_key(o) in declared for o in b.underpins_outcomes)
                for b in finance.budget_lines
            ),
            "RISK-1": decl.risk_management is not None and decl.risk_management.agreed_on <= as_of,
            "DISP-1": decl.disagreement_resolution is not None
            and decl.disagreement_resolution.agreed_on <= as_of,
            "DEC-1": documented,
        }
        for rule in ALTERNATIVES:
            status(rule, met[rule], PLACE_GOVERNANCE_DUE)
        all_met = all(met.values())
    else:
        for rule in ALTERNATIVES:
            out[rule] = "not_applicable"
        all_met = False
    status("GOV-5", all_met, PLACE_GOVERNANCE_DUE, alternatives)
    if board:
        gov1 = gov2_met and (ALTERNATIVES_WAIVED_FOR_PLACE_BOARD or all_met)
    else:
        gov1 = all_met
    status("GOV-1", gov1, PLACE_GOVERNANCE_DUE, several)

    rel = gov.relationships_documented
    status(
        "GOV-7",
        documented and rel is not None and rel.system and rel.councils,
        UNDATED_EXPECTATIONS_DUE,
    )

    # workforce.gr
    wf = decl.workforce
    status("WF-1", wf is not None and wf.place_workforce_plan, UNDATED_EXPECTATIONS_DUE)
    return out
