"""The corpus of malformed rule files: each names its error code and line:col on line 1."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from govrules.errors import RuleError
from govrules.evaluator import load_sources
from govrules.source import Source

CORPUS = sorted((Path(__file__).parent.parent / "bad_rules").glob("*.gr"))


def test_corpus_is_not_empty() -> None:
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_bad_rule_file_is_reported_where_it_is_wrong(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"# expect: (\w+) (\d+):(\d+)", text)
    assert m, f"{path.name} lacks its '# expect: code line:col' header"
    code, line, column = m.group(1), int(m.group(2)), int(m.group(3))
    with pytest.raises(RuleError) as info:
        load_sources([Source(text, path.name)])
    found = [(d.code, d.span.line, d.span.column) for d in info.value.diagnostics]
    assert (code, line, column) in found, info.value.render()
    rendered = info.value.render()
    assert f"{path.name}:{line}:{column}: {code}:" in rendered
    assert "^" in rendered  # a caret under the source line


def test_rule_errors_survive_pickling() -> None:
    text = CORPUS[0].read_text(encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_sources([Source(text, "x.gr")])
    again = pickle.loads(pickle.dumps(info.value))
    assert again.diagnostics == info.value.diagnostics
    assert str(again) == str(info.value)


def test_all_problems_of_a_file_are_reported_together() -> None:
    text = "\n".join(
        [
            'ruleset "t" version "1"',
            'source "004" "briefing"',
            "rule SAP-1 {",
            "    due nowhere_due",
            '    require accountable_persons[0].nam == "x" and SAP-9 is met',
            '    title "x" severity must',
            '    cite "004" section "s" "t" explain "e" remedy "r"',
            "}",
        ]
    )
    with pytest.raises(RuleError) as info:
        load_sources([Source(text, "many.gr")])
    codes = [d.code for d in info.value.diagnostics]
    assert codes == ["unknown_parameter", "unknown_field", "unknown_rule"]
    assert info.value.render().startswith("3 errors occurred:")
    assert "did you mean 'name'?" in info.value.render()
