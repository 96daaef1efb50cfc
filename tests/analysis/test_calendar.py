"""The solver's calendar is the engine's: ordinals, month shifts with month ends, financial
years, for every date the analysis can meet."""

from __future__ import annotations

import datetime as dt

import z3
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from govrules.analysis.calendar import Decomposition
from govrules.analysis.calendar import add_months
from govrules.analysis.calendar import financial_year_start
from govrules.analysis.calendar import ordinal
from govrules.dates import add_months as engine_add_months
from govrules.interpreter import financial_year

DAYS = st.dates(dt.date(1900, 1, 1), dt.date(2199, 12, 31))


@settings(max_examples=300)
@given(DAYS)
def test_ordinal_is_toordinal(day: dt.date) -> None:
    got = z3.simplify(ordinal(z3.IntVal(day.year), z3.IntVal(day.month), z3.IntVal(day.day)))
    assert got.as_long() == day.toordinal()


@settings(max_examples=40, deadline=None)
@given(DAYS, st.integers(-12 * 200, 12 * 200))
def test_month_shifts_and_financial_years_match_the_engine(day: dt.date, months: int) -> None:
    parts = Decomposition(z3.IntVal(day.toordinal()))
    moved, _ = add_months(parts, months)
    solver = z3.Solver()
    solver.add(*parts.constraints)
    assert solver.check() == z3.sat
    m = solver.model()
    assert m.eval(moved).as_long() == engine_add_months(day, months).toordinal()
    start = m.eval(financial_year_start(parts)).as_long()
    assert financial_year(day) == f"{start}/{(start + 1) % 100:02d}"
