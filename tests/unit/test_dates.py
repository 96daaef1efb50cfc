"""Dates and durations in the rule language: the month-end rule, types, both engines."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govrules.backends.durable_backend import available as durable_available
from govrules.checker import Program
from govrules.dates import Duration
from govrules.dates import add_months
from govrules.dates import in_words
from govrules.dates import shift
from govrules.errors import RuleError
from govrules.evaluator import evaluate
from govrules.interpreter import financial_year
from support import rule

DATES = st.dates(dt.date(1900, 1, 1), dt.date(2200, 12, 31))
MONTHS = st.integers(-1200, 1200)
needs_durable = pytest.mark.skipif(not durable_available()[0], reason="durable_rules unavailable")


# ---------------------------------------------------------------- the month-end rule


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        ("2023-01-31", Duration(1, "month"), "2023-02-28"),
        ("2024-01-31", Duration(1, "month"), "2024-02-29"),
        ("2024-02-29", Duration(1, "year"), "2025-02-28"),
        ("2024-02-29", Duration(4, "year"), "2028-02-29"),
        ("2023-03-31", Duration(-1, "month"), "2023-02-28"),
        ("2023-12-31", Duration(1, "day"), "2024-01-01"),
        ("2023-12-15", Duration(1, "month"), "2024-01-15"),
        ("2024-01-15", Duration(-1, "month"), "2023-12-15"),
        ("2024-06-30", Duration(-15, "month"), "2023-03-30"),
        ("2024-05-31", Duration(-15, "month"), "2023-02-28"),
        ("2023-12-25", Duration(2, "week"), "2024-01-08"),
        ("2023-08-31", Duration(6, "month"), "2024-02-29"),
    ],
)
def test_month_end_rule(start: str, duration: Duration, expected: str) -> None:
    assert shift(dt.date.fromisoformat(start), duration) == dt.date.fromisoformat(expected)


@given(DATES, MONTHS)
def test_adding_months_moves_the_month_and_keeps_or_clamps_the_day(d: dt.date, n: int) -> None:
    out = add_months(d, n)
    assert (out.year * 12 + out.month) - (d.year * 12 + d.month) == n
    last = calendar.monthrange(out.year, out.month)[1]
    assert out.day == min(d.day, last)


@given(DATES, MONTHS)
def test_months_are_reversible_up_to_the_28th(d: dt.date, n: int) -> None:
    if d.day <= 28:
        assert add_months(add_months(d, n), -n) == d


@given(DATES, DATES, MONTHS)
def test_adding_months_keeps_the_order_of_dates(a: dt.date, b: dt.date, n: int) -> None:
    if a <= b:
        assert add_months(a, n) <= add_months(b, n)


@given(DATES, st.integers(-10_000, 10_000))
def test_days_and_weeks_are_exact(d: dt.date, n: int) -> None:
    assert shift(shift(d, Duration(n, "day")), Duration(-n, "day")) == d
    assert shift(d, Duration(n, "week")) == d + dt.timedelta(days=7 * n)


@given(DATES, st.integers(-100, 100))
def test_a_year_is_twelve_months(d: dt.date, n: int) -> None:
    assert shift(d, Duration(n, "year")) == shift(d, Duration(12 * n, "month"))


def test_leaving_the_calendar_is_an_overflow() -> None:
    with pytest.raises(OverflowError):
        add_months(dt.date(9999, 12, 1), 1)
    with pytest.raises(OverflowError):
        shift(dt.date(1, 1, 1), Duration(-1, "day"))


def test_durations_read_and_print_as_written() -> None:
    assert Duration.parse("15 months") == Duration(15, "month")
    assert Duration.parse("1year") == Duration(1, "year")
    assert str(Duration(1, "week")) == "1 week" and str(Duration(2, "week")) == "2 weeks"
    with pytest.raises(ValueError):
        Duration.parse("15 fortnights")


def test_dates_in_words() -> None:
    assert in_words(dt.date(2025, 12, 31)) == "31 December 2025"
    assert in_words(dt.date(2024, 2, 9)) == "9 February 2024"


@pytest.mark.parametrize(
    ("day", "label"),
    [("2024-03-31", "2023/24"), ("2024-04-01", "2024/25"), ("2099-06-01", "2099/00")],
)
def test_financial_years_start_on_1_april(day: str, label: str) -> None:
    assert financial_year(dt.date.fromisoformat(day)) == label


# ---------------------------------------------------------------- in rules


def _status(
    program_of: Callable[[str], Program],
    doc: dict[str, Any],
    require: str,
    as_of: str = "2023-09-30",
    *,
    extra: str = "",
    engine: str = "python",
) -> str:
    program = program_of(rule("T-1", require, extra=extra))
    report = evaluate(program, doc, as_of, engine=engine)  # type: ignore[arg-type]
    return report.findings[0].status


DATE_CASES = [
    # shared_plan.published_on is 2023-03-20 in the spec example
    ("shared_plan.published_on + 6 months == 2023-09-20", "pass"),
    ("shared_plan.published_on - 1 year == 2022-03-20", "pass"),
    ("1 week + shared_plan.published_on == 2023-03-27", "pass"),
    ("as_of - shared_plan.published_on == 194", "pass"),
    ("shared_plan.published_on >= as_of - 6 months", "fail"),
    ("shared_plan.published_on >= as_of - 7 months", "pass"),
    ("2023-01-31 + 1 month == 2023-02-28", "pass"),
    ("as_of + 90 days > 2023-12-28", "pass"),
    ("risk_management.agreed_on + 1 day <= as_of", "fail"),  # missing: unknown, so not met
    ('financial_year(as_of) == "2023/24"', "pass"),
    ('financial_year(as_of - 1 year) == "2022/23"', "pass"),
    ("max([shared_plan.published_on, risk_management.agreed_on]) <= as_of", "fail"),
]


@pytest.mark.parametrize(("require", "status"), DATE_CASES)
def test_date_arithmetic_in_rules(
    program_of: Callable[[str], Program],
    spec_example: dict[str, Any],
    require: str,
    status: str,
) -> None:
    spec_example.pop("risk_management", None)
    assert _status(program_of, spec_example, require) == status


@needs_durable
@pytest.mark.parametrize(("require", "status"), DATE_CASES)
def test_date_arithmetic_on_durable(
    program_of: Callable[[str], Program],
    spec_example: dict[str, Any],
    require: str,
    status: str,
) -> None:
    spec_example.pop("risk_management", None)
    assert _status(program_of, spec_example, require, engine="durable") == status


def test_a_duration_parameter(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    params = 'param max_age: duration = 15 months because "annual reports plus a quarter"\n'
    program = program_of(params + rule("T-1", "shared_plan.published_on >= as_of - max_age"))
    assert program.params["max_age"].value == Duration(15, "month")
    doc = spec_example
    assert evaluate(program, doc, "2024-06-20", engine="python").findings[0].status == "pass"
    assert evaluate(program, doc, "2024-06-21", engine="python").findings[0].status == "fail"


def test_an_override_of_a_duration_is_shown_as_written(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    from govrules.evaluator import load_sources
    from govrules.source import Source
    from support import HEADER

    base = HEADER + 'param max_age: duration = 15 months because "x"\n'
    local = 'ruleset "t" version "1"\noverride param max_age: duration = 2 years because "y"\n'
    program = load_sources(
        [Source(base + rule("T-1", "as_of - max_age < as_of"), "a.gr"), Source(local, "b.gr")]
    )
    report = evaluate(program, spec_example, "2023-09-30", engine="python")
    (override,) = report.to_json()["rulesets"][0]["overrides"]
    assert (override["value"], override["previous"]) == ("2 years", "15 months")


@pytest.mark.parametrize(
    ("require", "code", "words"),
    [
        ("shared_plan.published_on + 30 > as_of", "type_error", "needs a duration"),
        ("as_of - 3 < shared_plan.published_on", "type_error", "needs a duration"),
        ("15 months < 2 years", "type_error", "durations are not compared"),
        ("count(partners) + 3 days > 1", "type_error", "'+' needs numbers"),
        ("-(3 months) > 0", "type_error", "cannot negate"),
        ('financial_year("2023") == "2023/24"', "type_error", "financial_year() needs a date"),
        ("max([1 month]) > 2023-01-01", "type_error", "numbers or dates"),
    ],
)
def test_calendar_type_errors_are_located_with_a_hint(
    program_of: Callable[[str], Program], require: str, code: str, words: str
) -> None:
    with pytest.raises(RuleError) as err:
        program_of(rule("T-1", require))
    (diag,) = [d for d in err.value.diagnostics if d.code == code]
    assert words in diag.message
    assert diag.span.line == 5


def test_met_on_needs_a_date(program_of: Callable[[str], Program]) -> None:
    with pytest.raises(RuleError) as err:
        program_of(rule("T-1", "true", extra="    met on count(partners)\n"))
    (diag,) = err.value.diagnostics
    assert diag.code == "type_error" and "'met on' needs a date" in diag.message


def test_a_duration_too_long_is_refused(program_of: Callable[[str], Program]) -> None:
    with pytest.raises(RuleError) as err:
        program_of(rule("T-1", "as_of - 1000000 days < as_of"))
    assert err.value.diagnostics[0].code == "number_too_large"


def test_fields_named_like_units_still_read() -> None:
    # "years" is a unit after a number, and an ordinary field name after a dot.
    from govrules.syntax import parse_expression

    expr = parse_expression("count(finance.years) >= 2 and as_of - 2 years < as_of")
    assert "years" in repr(expr)


# ---------------------------------------------------------------- met on, late


@pytest.mark.parametrize("engine", ["python", pytest.param("durable", marks=needs_durable)])
@pytest.mark.parametrize(
    ("published", "as_of", "status", "met_on", "late"),
    [
        ("2023-03-31", "2023-09-30", "pass", "2023-03-31", False),
        ("2023-04-01", "2023-09-30", "pass", "2023-04-01", False),
        ("2023-04-02", "2023-09-30", "pass", "2023-04-02", True),
        ("2023-10-01", "2023-09-30", "fail", None, False),
        ("2023-03-01", "2023-03-15", "not_yet_due", "2023-03-01", False),
    ],
)
def test_met_on_and_late(
    program_of: Callable[[str], Program],
    spec_example: dict[str, Any],
    engine: str,
    published: str,
    as_of: str,
    status: str,
    met_on: str | None,
    late: bool,
) -> None:
    spec_example["shared_plan"]["published_on"] = published
    program = program_of(
        rule(
            "T-1",
            "shared_plan.published_on <= as_of",
            extra="    met on shared_plan.published_on\n",
        )
    )
    finding = evaluate(program, spec_example, as_of, engine=engine).findings[0]  # type: ignore[arg-type]
    out = finding.to_json()
    assert (out["status"], out["met_on"], out["late"]) == (status, met_on, late)
    if late:
        assert (
            "Met late, on 2 April 2023, after its due date of 1 April 2023." in out["explanation"]
        )
    else:
        assert "Met late" not in out["explanation"]


def test_a_rule_without_met_on_reports_no_date(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    out = evaluate(program_of(rule("T-1", "true")), spec_example, "2023-09-30").findings[0]
    assert (out.met_on, out.late) == (None, False)


def test_a_met_on_date_after_the_evaluation_date_is_not_reported(
    program_of: Callable[[str], Program], spec_example: dict[str, Any]
) -> None:
    program = program_of(rule("T-1", "true", extra="    met on as_of + 1 day\n"))
    out = evaluate(program, spec_example, "2023-09-30", engine="python").findings[0]
    assert (out.status, out.met_on, out.late) == ("pass", None, False)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "written",
    ["Health & Wellbeing Board", "health &  wellbeing board", "HEALTH AND WELLBEING BOARD"],
)
def test_ampersand_reads_as_and(
    program_of: Callable[[str], Program], spec_example: dict[str, Any], written: str
) -> None:
    spec_example["governance"]["builds_on"] = [written]
    program = program_of(rule("T-1", '"health and wellbeing board" in governance.builds_on'))
    assert evaluate(program, spec_example, "2023-09-30").findings[0].status == "pass"
