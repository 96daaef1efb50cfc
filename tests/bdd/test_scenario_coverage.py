"""Every criterion of the bundled rulesets is shown both met and not met by some scenario.

The feature files are read with pytest-bdd's own parser; a Scenario Outline counts once for each
row of its Examples tables. A criterion is covered when at least one scenario says it ``is met``
and at least one says it ``is not met``. The only criteria that may show ``is not applicable``
instead of ``is not met`` are the exemptions listed in EXEMPTIONS, each with its reason: an
exemption is either in force (met) or does not apply, and cannot fail. "Not yet due" verdicts
do not count either way: a deadline says nothing about whether the rule can be met.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pytest
from pytest_bdd.feature import get_features
from pytest_bdd.parser import Feature
from pytest_bdd.parser import Scenario

from govrules import load_rulesets

FEATURES = Path(__file__).resolve().parents[2] / "features"

#: Criteria that never fail, and why; for them "not applicable" stands in for "not met".
EXEMPTIONS = {
    "GOV-3": "the single-place exemption: in force (met) in a single-place system, otherwise "
    "not applicable; it never fails (AMB-2)",
}

VERDICT = re.compile(
    r"criterion (?P<rule>[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+) is "
    r"(?P<verdict>met|not met|not applicable|not yet due)$"
)


def _scenarios(feature: Feature) -> Iterable[Scenario]:
    """Every scenario of a feature; an outline once for each row of its Examples."""
    for template in feature.scenarios.values():
        contexts = [ctx for examples in template.examples for ctx in examples.as_contexts()]
        for context in contexts or [{}]:
            yield template.render(context)


def verdicts(paths: Iterable[Path]) -> dict[str, dict[str, list[str]]]:
    """Rule ID -> verdict -> the scenarios ("file: name") that state it."""
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for feature in get_features([str(p) for p in paths]):
        for scenario in _scenarios(feature):
            for step in scenario.steps:
                match = VERDICT.match(step.name) if step.type == "then" else None
                if match:
                    where = f"{feature.rel_filename}: {scenario.name}"
                    found[match["rule"]][match["verdict"]].append(where)
    return found


def gaps(found: dict[str, dict[str, list[str]]], rule_ids: Iterable[str]) -> dict[str, list[str]]:
    """Rule ID -> what it lacks ("met", "not met"), for every rule lacking either."""
    missing: dict[str, list[str]] = {}
    for rule in rule_ids:
        seen = found.get(rule, {})
        lacks = []
        if not seen.get("met"):
            lacks.append("met")
        negative = seen.get("not met") or (rule in EXEMPTIONS and seen.get("not applicable"))
        if not negative:
            lacks.append("not applicable (exemption)" if rule in EXEMPTIONS else "not met")
        if lacks:
            missing[rule] = lacks
    return missing


def report(missing: dict[str, list[str]]) -> str:
    lines = [
        f"  {rule}: no scenario where it is {' and none where it is '.join(lacks)}"
        for rule, lacks in sorted(missing.items())
    ]
    return (
        f"{len(missing)} criteria lack a scenario where they are met or one where they are "
        "not met:\n" + "\n".join(lines) + "\nAdd scenarios to features/ (see features/README.md)."
    )


FEATURE_FILES = sorted(FEATURES.glob("*.feature"))
RULES = [r.id for r in load_rulesets().rules]


def test_every_criterion_is_shown_met_and_not_met() -> None:
    missing = gaps(verdicts(FEATURE_FILES), RULES)
    assert not missing, report(missing)


def test_every_criterion_named_in_a_feature_exists() -> None:
    unknown = sorted(set(verdicts(FEATURE_FILES)) - set(RULES))
    assert not unknown, f"scenarios name criteria that no ruleset has: {unknown}"


def test_exemptions_are_real_criteria() -> None:
    assert set(EXEMPTIONS) <= set(RULES)


def test_the_check_names_every_criterion_that_lacks_coverage() -> None:
    only_sap = verdicts([FEATURES / "single-accountable-person.feature"])
    missing = gaps(only_sap, RULES)
    message = report(missing)
    assert "SAP-1" not in missing
    for rule in ("PC-1", "DIG-1", "GOV-3", "CHK-COM-5"):
        assert rule in missing and f"  {rule}: no scenario where it is met" in message
    assert len(missing) == len(RULES) - 5  # SAP-1..5 are covered by that file alone


def test_not_yet_due_and_not_applicable_do_not_count_as_not_met(tmp_path: Path) -> None:
    feature = tmp_path / "partial.feature"
    feature.write_text(
        "Feature: partial\n"
        "  Scenario Outline: o\n"
        "    Given a place that meets every national expectation\n"
        "    When its arrangements are assessed on 30 September 2023\n"
        "    Then criterion <id> is <verdict>\n\n"
        "    Examples:\n"
        "      | id    | verdict        |\n"
        "      | DIG-1 | met            |\n"
        "      | DIG-1 | not yet due    |\n"
        "      | GOV-2 | met            |\n"
        "      | GOV-2 | not applicable |\n"
        "      | GOV-3 | met            |\n"
        "      | GOV-3 | not applicable |\n"
    )
    missing = gaps(verdicts([feature]), ["DIG-1", "GOV-2", "GOV-3"])
    assert missing == {"DIG-1": ["not met"], "GOV-2": ["not met"]}


@pytest.mark.parametrize("rule", sorted(EXEMPTIONS))
def test_an_exemption_still_needs_its_not_applicable_scenario(rule: str) -> None:
    assert gaps({rule: {"met": ["x"]}}, [rule]) == {rule: ["not applicable (exemption)"]}
