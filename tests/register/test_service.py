"""The register's service on SQLite and PostgreSQL: versions, hashes, assessments, history,
systems, the calendar, re-assessment and the audit log."""

from __future__ import annotations

import datetime as dt
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from govrules import Engine
from govrules import load_rulesets
from govrules.declaration import validate_declaration
from govrules.register import NotInRegister
from govrules.register import Register
from govrules.register.identity import content_hash
from govrules.register.service import Evaluate

from .conftest import ROOT
from .conftest import Submit
from .conftest import place


def evaluator(engine: Engine) -> Evaluate:
    def evaluate(model: Any, as_of: dt.date, source: str | None) -> dict[str, Any]:
        return engine.evaluate(model, as_of, source=source).to_json()

    return evaluate


def test_versions_hashes_and_identical_content(register: Register, submit: Submit) -> None:
    first = submit(place())
    assert (first.place, first.version, first.created) == ("northshire", 1, True)
    assert first.sha256 == content_hash(place())
    again = submit(place())
    assert (again.version, again.created, again.sha256) == (1, False, first.sha256)
    assert again.report == first.report  # nothing was written: a safe retry
    # Key order and formatting are not content; a value is.
    reordered = dict(reversed(list(place().items())))
    assert submit(reordered).version == 1
    changed = submit(place(**{"place.population": 320001}))
    assert (changed.version, changed.created) == (2, True)
    # Going back to the first content is a change of the place's declaration: a new version.
    back = submit(place())
    assert (back.version, back.created, back.sha256) == (3, True, first.sha256)
    assert register.declaration("northshire", 1) == place()
    assert register.declaration("northshire")["place"]["population"] == 320000
    entry = register.place("northshire")
    assert entry["version"] == 3
    assert [h["version"] for h in entry["history"]] == [3, 2, 1]


def test_same_content_on_another_date_is_a_new_assessment_of_the_same_version(
    register: Register, submit: Submit
) -> None:
    submit(place(), as_of="2023-09-30")
    later = submit(place(), as_of="2025-06-30")
    assert (later.version, later.created) == (1, False)
    assert later.report["as_of"] == "2025-06-30"
    history = register.place("northshire")["history"]
    assert [(h["version"], h["as_of"], h["kind"]) for h in history] == [
        (1, "2025-06-30", "assessment"),
        (1, "2023-09-30", "submission"),
    ]
    # The newest entry says which criteria changed between the two dates.
    assert history[0]["changes"], history[0]
    assert all(set(c) == {"rule", "from", "to"} for c in history[0]["changes"])
    assert history[1]["changes"] == []


def test_every_assessment_keeps_its_rules_engine_date_and_author(
    register: Register, submit: Submit
) -> None:
    submit(place(), actor="northshire-assessor")
    [h] = register.place("northshire")["history"]
    assert h["assessed_by"] == "northshire-assessor" and h["engine"] == "python"
    names = {r["name"] for r in h["rulesets"]}
    assert "national-2022" in names
    assert all(r["digest"].startswith("sha256:") for r in h["rulesets"])
    report = register.report("northshire")
    assert report["format"] == "govrules/report/v1" and report["as_of"] == "2023-09-30"
    must = h["by_severity"]["must"]
    assert sum(must.values()) == sum(1 for f in report["findings"] if f["severity"] == "must")
    assert must["fail"] == sum(
        1 for f in report["findings"] if f["severity"] == "must" and f["status"] == "fail"
    )


def test_places_and_systems(register: Register, submit: Submit) -> None:
    submit(place())
    submit(place("riverside"))
    submit(place(place_id="coastal", **{"place.population": 120000}))
    entries = register.places()
    assert [e["place"] for e in entries] == ["coastal", "northshire", "riverside"]
    assert set(entries[0]) == {"place", "name", "system", "version", "compliant", "assessed_at"}
    assert entries[1]["compliant"] is True and entries[2]["compliant"] is False
    systems = register.systems()
    assert [s["system"] for s in systems] == [
        "broadwater-and-downs-ics",
        "northshire-and-coast-ics",
    ]
    assert systems[1]["places"] == ["coastal", "northshire"]
    assert [e["place"] for e in register.places(system="broadwater-and-downs-ics")] == ["riverside"]
    with pytest.raises(NotInRegister):
        register.place("nowhere")
    with pytest.raises(NotInRegister):
        register.system("nowhere-ics")


def test_system_view_checks_name_each_problem(register: Register, submit: Submit) -> None:
    submit(place())
    submit(place(place_id="coastal"))
    view = register.system("northshire-and-coast-ics")
    assert set(view["matrix"]) == {"coastal", "northshire"}
    assert view["matrix"]["northshire"]["SAP-1"] == "pass"
    sap7, facts = view["checks"]
    # system.places is 3 and two places are in the register: SAP-7 cannot be shown.
    assert sap7["check"] == "SAP-7" and sap7["status"] == "fail"
    assert "system.places is 3" in sap7["explanation"]
    assert facts["check"] == "system-facts" and facts["status"] == "pass"

    persons = place()["accountable_persons"]
    co_chairs = [persons[0], {**persons[0], "name": "Alex Jones"}]
    submit(
        place(
            place_id="inland",
            accountable_persons=co_chairs,
            **{
                "system.digital.shared_care_record.providers_connected": 120,
                "system.icb": "NHS  northshire & coast integrated care board",
            },
        )
    )
    sap7, facts = register.system("northshire-and-coast-ics")["checks"]
    assert sap7["status"] == "fail"
    assert "inland names 2 accountable persons" in sap7["explanation"]
    assert "system.places" not in sap7["explanation"]  # three of three are registered now
    assert facts["status"] == "fail"
    assert facts["explanation"] == (
        "system.digital.shared_care_record.providers_connected: 140 in coastal, northshire; "
        "120 in inland"
    )  # the ICB's name differs only in case, spaces and '&': not a disagreement
    [disagreement] = facts["disagreements"]
    assert disagreement["values"] == [
        {"value": 140, "places": ["coastal", "northshire"]},
        {"value": 120, "places": ["inland"]},
    ]


def test_a_fact_one_place_leaves_out_is_a_disagreement(register: Register, submit: Submit) -> None:
    submit(place())
    doc = place(place_id="coastal")
    del doc["system"]["digital"]["population_health_platform"]
    submit(doc)
    facts = register.system("northshire-and-coast-ics")["checks"][1]
    assert facts["status"] == "fail"
    assert (
        "system.digital.population_health_platform.live_on: not declared in coastal; "
        "'2023-07-03' in northshire"
    ) in facts["explanation"]


def test_calendar_lists_what_comes_due_and_would_it_pass(
    register: Register, submit: Submit, engine: Engine
) -> None:
    submit(place())
    submit(place("riverside"))
    items = register.calendar(evaluator(engine), as_of=dt.date(2023, 9, 30), months=15)
    assert items == sorted(items, key=lambda i: (i["due"], i["place"], i["rule"]))
    assert all("2023-09-30" < i["due"] <= "2024-12-30" for i in items)
    found = {(i["place"], i["rule"]): i for i in items}
    assert ("northshire", "DIG-1") not in found  # due 2024-12-31: 15 months end on 12-30
    assert found[("northshire", "DIG-2")]["would_pass"] is True
    assert found[("riverside", "DIG-2")]["would_pass"] is False
    assert {i["place"] for i in items} == {"northshire", "riverside"}
    wider = register.calendar(evaluator(engine), as_of=dt.date(2023, 9, 30), months=16)
    assert ("northshire", "DIG-1") in {(i["place"], i["rule"]) for i in wider}
    assert register.calendar(
        evaluator(engine), as_of=dt.date(2023, 9, 30), months=15, system="northshire-and-coast-ics"
    ) == [i for i in items if i["place"] == "northshire"]


def test_reassessment_under_a_changed_parameter(
    register: Register, submit: Submit, tmp_path: Any
) -> None:
    submit(place("riverside"))
    submit(place())
    later = tmp_path / "later.gr"
    later.write_text(
        'ruleset "later" version "1"\n'
        "override param place_governance_due: date = 2024-04-01\n"
        '    because "the ICB board agreed a later date"\n'
    )
    changed = Engine(load_rulesets([ROOT / "rules", later]), "python")
    outcome = register.reassess(evaluator(changed), actor="admin")
    assert outcome.assessed == 2 and outcome.unchanged == 0
    moved = {(c["place"], c["rule"]): (c["from"], c["to"]) for c in outcome.changes}
    assert moved[("riverside", "SAP-2")] == ("fail", "not_yet_due")
    assert moved[("northshire", "SAP-1")] == ("pass", "not_yet_due")
    for verdict in outcome.verdicts:
        assert register.place(verdict["place"])["compliant"] is verdict["to"] is not verdict["from"]
    assert register.place("northshire")["compliant"] is True
    history = register.place("riverside")["history"]
    assert history[0]["kind"] == "reassessment"
    assert {r["name"] for r in history[0]["rulesets"]} >= {"national-2022", "later"}
    assert history[0]["as_of"] == "2023-09-30"  # the date is kept: the change is the rules'
    # The same rules again change nothing and store nothing.
    again = register.reassess(evaluator(changed), actor="admin")
    assert (again.assessed, again.unchanged, again.changes) == (0, 2, [])
    assert len(register.place("riverside")["history"]) == 2
    audit = register.audit_log()
    assert audit[0]["action"] == "reassess" and audit[0]["actor"] == "admin"
    assert audit[0]["detail"]["changes"] == len(outcome.changes)


def test_audit_log_is_newest_first_and_append_only(register: Register, submit: Submit) -> None:
    submit(place(), actor="alice")
    submit(place(**{"place.population": 1}), actor="bob")
    log = register.audit_log()
    assert [(e["actor"], e["action"], e["detail"]["version"]) for e in log] == [
        ("bob", "declaration.add", 2),
        ("alice", "declaration.add", 1),
    ]
    assert log[0]["place"] == "northshire" and log[0]["system"] == "northshire-and-coast-ics"
    for statement in (
        "UPDATE audit SET actor = 'mallory'",
        "DELETE FROM audit",
        "UPDATE declarations SET document = '{}'",
        "DELETE FROM assessments",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            with register.engine.begin() as conn:
                conn.execute(text(statement))
    assert register.audit_log() == log


def test_a_failed_submission_leaves_nothing(
    register: Register, submit: Submit, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(place())
    before = list(register.export_lines())

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(register, "_audit", broken)  # fails after the version was inserted
    with pytest.raises(RuntimeError):
        submit(place(**{"place.population": 5}))
    monkeypatch.undo()
    assert list(register.export_lines()) == before
    assert submit(place(**{"place.population": 5})).version == 2


def test_concurrent_submissions_get_distinct_ordered_versions(
    register: Register, engine: Engine
) -> None:
    docs = [place(**{"place.population": 100000 + i}) for i in range(12)]
    reports = [engine.evaluate(validate_declaration(d), "2023-09-30").to_json() for d in docs]

    def store(i: int) -> tuple[int, int]:
        return i, register.submit(docs[i], reports[i], actor=f"client-{i}").version

    with ThreadPoolExecutor(max_workers=6) as pool:
        got = dict(pool.map(store, range(len(docs))))
    assert sorted(got.values()) == list(range(1, len(docs) + 1))
    for i, version in got.items():
        assert register.declaration("northshire", version) == docs[i]
    history = register.place("northshire")["history"]
    stamps = [h["submitted_at"] for h in sorted(history, key=lambda h: h["version"])]
    assert stamps == sorted(stamps)  # versions follow commit order


def test_only_place_declarations_are_kept(register: Register, engine: Engine) -> None:
    from govrules.errors import UsageError

    with pytest.raises(UsageError, match="place declarations"):
        register.submit({"format": "govrules/provider-collaborative/v1"}, {}, actor="x")


def test_unknown_versions_and_places(register: Register, submit: Submit) -> None:
    submit(place())
    with pytest.raises(NotInRegister):
        register.declaration("northshire", 9)
    with pytest.raises(NotInRegister):
        register.report("northshire", 9)
    with pytest.raises(NotInRegister):
        register.place_system("riverside")
    assert json.loads(json.dumps(register.report("northshire", 1)))["compliant"] is True
