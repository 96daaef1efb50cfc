"""What the language server shows, without the protocol: hovers on overridden parameters, the
files a document is checked with, fields through lets and loops."""

from __future__ import annotations

from pathlib import Path

from govrules.evaluator import load_rulesets
from govrules.lsp import index
from support import ROOT

LOCAL = """ruleset "northshire-local" version "1"
override param place_governance_due: date = 2023-06-30
    because "the ICB board agreed a later date"
"""


def test_a_parameter_hover_names_its_override_and_the_value_it_replaced(tmp_path: Path) -> None:
    local = tmp_path / "local.gr"
    local.write_text(LOCAL, encoding="utf-8")
    program = load_rulesets([ROOT / "rules" / "national", local])
    text = index.param_markdown(program, "place_governance_due")
    assert text is not None
    assert "`2023-06-30`" in text and "the ICB board agreed a later date" in text
    assert "Overridden in local.gr:2 (was `2023-04-01` in place-governance.gr)" in text
    assert index.param_markdown(program, "no_such_param") is None


def test_a_local_file_is_checked_after_the_rules_the_editor_names(tmp_path: Path) -> None:
    local = tmp_path / "local.gr"
    local.write_text(LOCAL, encoding="utf-8")
    alone = index.Workspace()
    diagnostics, _ = alone.check(str(local))
    assert [d.code for d in diagnostics] == ["nothing_to_override"]
    national = index.Workspace([str(ROOT / "rules" / "national")])
    diagnostics, program = national.check(str(local))
    assert diagnostics == [] and program is not None
    assert program.params["place_governance_due"].reason == "the ICB board agreed a later date"
    # The editor's unsaved text counts, not the file's.
    national.open[str(local.resolve())] = LOCAL.replace("2023-06-30", "2023-13-30")
    diagnostics, _ = national.check(str(local))
    assert [d.code for d in diagnostics] == ["bad_date"]


def test_fields_are_found_through_lets_and_loop_variables() -> None:
    text = (ROOT / "rules" / "national" / "place-governance.gr").read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if "la.tier in social_care_tiers" in line)
    found = index.resolve_path("la.tier", text, at)
    assert found is not None and found[0].choices == ("upper", "lower", "unitary")
    assert index.resolve_path("la.nope", text, at) is None
    names = [n for n, _, _ in index.field_completions("accountable_persons[0]", text, at)]
    assert names[:3] == ["name", "role", "form"]
    scr = next(i for i, line in enumerate(lines) if "rule GOV-2" in line)
    assert index.resolve_path("governance.delegated_by_icb.budget", text, scr) is not None


def test_definitions_are_found_in_text_that_does_not_parse() -> None:
    found = index.definitions("x.gr", 'ruleset "x" version "1"\nrule AB-1 {\n  require (\n')
    assert [(d.kind, d.name, d.location.line, d.location.start) for d in found] == [
        ("rule", "AB-1", 1, 5)
    ]
