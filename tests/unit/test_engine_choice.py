"""Choosing the back-end: durable_rules where it imports, the Python engine otherwise."""

from __future__ import annotations

import pytest

from govrules import Engine
from govrules import load_rulesets
from govrules.backends import durable_backend
from govrules.errors import UsageError

PROGRAM = load_rulesets()


def test_without_durable_rules_auto_falls_back_with_one_warning_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As on Python 3.13, where durable_rules 2.0.28 does not import.
    monkeypatch.setattr(durable_backend, "available", lambda: (False, "no module durable"))
    engine = Engine(PROGRAM, "auto")
    assert engine.name == "python"
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "durable unavailable" in err
    report = engine.evaluate(
        {
            "format": "govrules/place/v1",
            "place": {"id": "x", "name": "X", "footprint": "other"},
            "system": {"name": "S", "icb": "I", "places": 2},
            "local_authorities": [{"name": "C", "tier": "unitary"}],
            "governance": {"model": "alliance"},
            "accountable_persons": [],
        },
        "2023-09-30",
    )
    assert report.engine == "python" and not report.compliant


def test_asking_for_durable_where_it_is_missing_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(durable_backend, "available", lambda: (False, "no module durable"))
    with pytest.raises(UsageError, match="not available"):
        Engine(PROGRAM, "durable")
