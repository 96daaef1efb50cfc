"""The criteria handbook: content per rule, well-formed HTML, Markdown, files by suffix."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from govrules.checker import Program
from govrules.errors import DeclarationError
from govrules.errors import UsageError
from govrules.evaluator import load_rulesets
from govrules.evaluator import load_sources
from govrules.handbook import Handbook
from govrules.handbook import build_handbook
from govrules.handbook import example_reports
from govrules.handbook import handbook_format
from govrules.handbook import shorten
from govrules.handbook import write_handbook
from govrules.report import Report
from govrules.report import rule_sort_key
from govrules.source import Source
from support import HEADER
from support import ROOT
from support import rule

AS_OF = dt.date(2023, 9, 30)
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "area", "base", "source"}


class _Checker(HTMLParser):
    """Tags balance, no scripts, no external references; collects ids and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.text: list[str] = []
        self.pre: list[str] = []
        self._in_pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "img", "link"):
            self.errors.append(f"<{tag}> is not allowed")
        for name, value in attrs:
            if name == "id" and value:
                self.ids.append(value)
            if name == "href" and value:
                self.hrefs.append(value)
            if name.startswith("on") or name == "src":
                self.errors.append(f"attribute {name} on <{tag}>")
        if tag == "pre":
            self._in_pre += 1
            self.pre.append("")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "pre":
            self._in_pre -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_pre:
            self.pre[-1] += data


def _parse(page: str) -> _Checker:
    p = _Checker()
    p.feed(page)
    p.close()
    assert not p.errors, p.errors[:5]
    assert not p.stack, f"unclosed: {p.stack}"
    return p


def _sections(page: str) -> dict[str, str]:
    """The HTML of each rule's article, by rule ID."""
    found = re.findall(r"<article class='rule' id='([^']+)'>(.*?)</article>", page, re.S)
    return dict(found)


@pytest.fixture(scope="module")
def program() -> Program:
    return load_rulesets()


@pytest.fixture(scope="module")
def examples(program: Program) -> list[tuple[str, Report]]:
    assert EXAMPLES, "examples/*.yaml are missing"
    return example_reports(program, EXAMPLES, AS_OF)


@pytest.fixture(scope="module")
def handbook(program: Program, examples: list[tuple[str, Report]]) -> Handbook:
    return build_handbook(program, examples)


# ---------------------------------------------------------------------------- bundled rules


def test_html_is_well_formed_and_standalone(handbook: Handbook) -> None:
    page = handbook.to_html()
    assert page.startswith("<!doctype html>")
    checked = _parse(page)
    assert all(h.startswith("#") for h in checked.hrefs), "only links inside the page"
    assert len(checked.ids) == len(set(checked.ids)), "anchor ids are unique"
    missing = {h[1:] for h in checked.hrefs} - set(checked.ids)
    assert not missing, f"links to nowhere: {sorted(missing)}"


def test_every_rule_has_an_anchor_and_its_text(program: Program, handbook: Handbook) -> None:
    page = handbook.to_html()
    checked = _parse(page)
    pres = "\n".join(checked.pre)
    sections = _sections(page)
    for r in program.rules:
        assert r.id in checked.ids
        assert f"href='#{r.id}'" in page, f"{r.id} is in the contents"
        assert r.id in sections
        # the rule as written, line for line, inside a <pre> block
        for line in r.rule.text.strip().splitlines():
            assert line.rstrip() in pres
        assert f"rule {r.id} {{" in pres
        body = sections[r.id]
        for decision in r.rule.decisions:
            assert decision in body
        if r.due is not None:
            assert r.due.isoformat() in body
        if r.due_param is not None:
            assert r.due_param in body
        for dep in r.depends_on:
            assert f"href='#{dep}'" in body
        assert r.rule.citation is not None
        assert html.escape(r.rule.citation.section) in body


def test_examples_are_named_under_each_rule(
    program: Program, examples: list[tuple[str, Report]], handbook: Handbook
) -> None:
    sections = _sections(handbook.to_html())
    labels = [label for label, _ in examples]
    assert labels == [p.name for p in EXAMPLES]
    for r in program.rules:
        body = sections[r.id]
        assert "Examples" in body
        for label, report in examples:
            if any(f.rule == r.id for f in report.findings):
                assert label in body, f"{label} under {r.id}"
    # a failing example carries (a possibly shortened) explanation under its rule
    fails = [(label, f) for label, rep in examples for f in rep.findings if f.status == "fail"]
    assert fails, "the examples include a failing declaration"
    label, finding = fails[0]
    first_words = " ".join(finding.explanation.split()[:4])
    assert html.escape(first_words) in sections[finding.rule]


def test_rules_without_a_pass_or_fail_say_so(handbook: Handbook) -> None:
    page = handbook.to_html()
    sections = _sections(page)
    for r in handbook.rules:
        body = sections[r.id]
        if not r.with_status("pass"):
            assert "No example declaration passes this rule." in body or not r.outcomes
        if not r.with_status("fail"):
            assert "No example declaration fails this rule." in body or not r.outcomes


def test_contents_are_in_natural_order_per_ruleset(handbook: Handbook) -> None:
    for rs in handbook.rulesets:
        ids = [r.id for r in handbook.rules_of(rs.name)]
        assert ids == sorted(ids, key=rule_sort_key)
        assert ids == list(rs.rule_ids)


def test_title_page_lists_rulesets_and_parameters(program: Program, handbook: Handbook) -> None:
    page = handbook.to_html()
    for info in program.rulesets:
        assert info.name in page and info.version in page and info.digest in page
        for title in info.sources.values():
            assert html.escape(title) in page
    for p in program.params.values():
        assert f"id='param-{p.name}'" in page
        if p.reason:
            assert html.escape(p.reason) in page
    for label, _ in handbook_examples(handbook):
        assert label in page


def handbook_examples(hb: Handbook) -> list[tuple[str, str]]:
    return [(e.label, e.name) for e in hb.examples]


def test_markdown_has_a_heading_and_anchor_per_rule(program: Program, handbook: Handbook) -> None:
    md = handbook.to_markdown()
    assert md.startswith("# govrules criteria handbook\n")
    for r in program.rules:
        assert re.search(rf"^### {re.escape(r.id)}: ", md, re.M), r.id
        assert f'<a id="{r.id}"></a>' in md
        assert f"rule {r.id} {{" in md
    assert md.count("```\nrule ") == len(program.rules)
    for p in EXAMPLES:
        assert p.name in md


def test_output_is_deterministic(program: Program) -> None:
    one = build_handbook(program, example_reports(program, EXAMPLES, AS_OF))
    two = build_handbook(load_rulesets(), example_reports(program, EXAMPLES, AS_OF))
    assert one == two
    assert one.to_html() == two.to_html()
    assert one.to_markdown() == two.to_markdown()
    assert dt.date.today().isoformat() not in one.to_html(), "no timestamp"


def test_not_yet_due_examples_say_whether_they_would_pass(program: Program) -> None:
    hb = build_handbook(program, example_reports(program, EXAMPLES, "2022-01-01"))
    md = hb.to_markdown()
    assert "**Not yet due** on" in md
    assert "would pass today" in md or "would not pass today" in md


# ---------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("name", "kind"),
    [("h.html", "html"), ("h.HTM", "html"), ("h.md", "markdown"), ("h.markdown", "markdown")],
)
def test_write_by_suffix(
    tmp_path: Path,
    program: Program,
    examples: list[tuple[str, Report]],
    name: str,
    kind: str,
) -> None:
    target = tmp_path / name
    assert handbook_format(target) == kind
    write_handbook(program, examples, target)
    text = target.read_text(encoding="utf-8")
    if kind == "html":
        _parse(text)
        assert text == build_handbook(program, examples).to_html()
    else:
        assert text == build_handbook(program, examples).to_markdown()
    assert [p.name for p in tmp_path.iterdir()] == [name], "no temporary file left behind"


def test_write_replaces_an_existing_file(
    tmp_path: Path, program: Program, examples: list[tuple[str, Report]]
) -> None:
    target = tmp_path / "handbook.md"
    target.write_text("old")
    write_handbook(program, examples, target)
    assert target.read_text().startswith("# ")


@pytest.mark.parametrize("name", ["handbook.pdf", "handbook", "handbook.txt"])
def test_unknown_suffix_is_a_usage_error_and_writes_nothing(
    tmp_path: Path, program: Program, examples: list[tuple[str, Report]], name: str
) -> None:
    with pytest.raises(UsageError, match=r"\.html"):
        write_handbook(program, examples, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_folder_is_a_usage_error(
    tmp_path: Path, program: Program, examples: list[tuple[str, Report]]
) -> None:
    with pytest.raises(UsageError, match="cannot write"):
        write_handbook(program, examples, tmp_path / "no" / "such" / "handbook.html")
    assert list(tmp_path.iterdir()) == []


def test_an_invalid_example_raises(
    tmp_path: Path, program: Program, spec_example: dict[str, Any]
) -> None:
    bad = tmp_path / "bad.yaml"
    spec_example["local_authorities"][0]["tier"] = "county"
    bad.write_text(yaml.safe_dump(spec_example, sort_keys=False))
    with pytest.raises(DeclarationError):
        example_reports(program, [EXAMPLES[0], bad], AS_OF)
    with pytest.raises(DeclarationError):
        example_reports(program, [tmp_path / "missing.yaml"], AS_OF)


def test_same_file_names_are_labelled_by_path(tmp_path: Path, program: Program) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / "x.yaml").write_bytes(EXAMPLES[0].read_bytes())
    got = example_reports(program, [tmp_path / "a" / "x.yaml", tmp_path / "b" / "x.yaml"], AS_OF)
    assert [label for label, _ in got] == [
        str(tmp_path / "a" / "x.yaml"),
        str(tmp_path / "b" / "x.yaml"),
    ]


# ---------------------------------------------------------------------------- small rule files


def _program(text: str, *more: str) -> Program:
    return load_sources(
        [Source(text, "one.gr"), *(Source(t, f"more{i}.gr") for i, t in enumerate(more))]
    )


def test_text_from_rule_files_is_escaped() -> None:
    hostile = (
        HEADER
        + 'param limit: number = 2 because "a <b>bold</b> | `tick` *claim*"\n'
        + rule("T-1", "count(accountable_persons) <= limit").replace(
            '"T-1 title"', '"<script>alert(1)</script> & | `x` *y*"'
        )
    )
    hb = build_handbook(_program(hostile), [])
    page = hb.to_html()
    _parse(page)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    md = hb.to_markdown()
    # outside fenced code blocks (where text is literal) nothing can become markup
    prose = re.sub(r"^```.*?^```$", "", md, flags=re.S | re.M)
    assert "<script>" not in prose and "<b>" not in prose
    assert '    title "<script>alert(1)</script>' in md, "the rule text is kept as written"
    assert r"\*y\*" in md
    # a pipe inside a parameter's reason does not break the table row
    row = next(line for line in md.splitlines() if line.startswith('| <a id="param-limit"'))
    assert row.count("|") - row.count(r"\|") == 5


def test_no_examples_and_literal_due_dates_are_stated_plainly() -> None:
    hb = build_handbook(_program(HEADER + rule("T-1", "count(accountable_persons) == 1")), [])
    page = hb.to_html()
    assert "No example declarations were given." in page
    assert "No example declaration is checked by this rule." in page
    assert "2023-04-01 (a date written in the rule)" in page
    assert "This ruleset has no parameters." in page


def test_overrides_and_parameter_citations_are_shown() -> None:
    base = (
        HEADER
        + 'param d: date = 2023-04-01 cite "004" section "Timing" "by spring 2023"\n'
        + rule("T-1", "count(accountable_persons) == 1", due="d")
    )
    later = HEADER + 'override param d: date = 2024-01-01 because "local extension"\n'
    hb = build_handbook(_program(base, later), [])
    page = hb.to_html()
    assert "2024-01-01" in page
    assert "overridden in more0.gr:3; was 2023-04-01 in one.gr" in page
    assert "local extension" in page
    first = build_handbook(_program(base), []).to_html()
    assert "NHS Providers briefing, Timing: by spring 2023" in first
    (t1,) = hb.rules
    assert t1.due is not None and t1.due.param == "d" and t1.due.reason == "local extension"


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short text") == "short text"
    long = "word " * 200
    cut = shorten(long, 50)
    assert len(cut) <= 50 and cut.endswith("…") and not cut.endswith(" …")
    assert shorten("a\n  b") == "a b"
