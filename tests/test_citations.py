"""Every citation names sections that really are headings of the source it cites.

A rule's ``cite "004" section "Key points; Governance: The single accountable person" "…"``
names one or more parts separated by "; ". Each part must be a heading of the cited source
as printed there, or a path of such headings joined by ": " (a heading, then one inside
it), so that a reader can find the passage by its heading. Parameters with a ``cite`` basis
are held to the same standard. The paraphrase is ours: it may share short phrases and terms
with its source, but not a run of more than 8 words.

The source texts are not part of the repository: CI keeps them in ``shared/sources`` beside
the checkout (``<checkout>/../shared/sources/NNN_*.txt``, the key is the 3-digit prefix).
Without that folder the tests that need them are skipped.

What counts as a heading
------------------------
Texts are compared after normalising: curly quotes and dashes made plain, markdown markup
(leading ``#``, ``*``, ``_``, backticks) removed, a final ``:`` dropped, runs of whitespace
made one space, case ignored. A leading one-digit section number ("5 Integration
checklist", "1. Culture and behaviours") may be left out.

* A **markdown** source (one with any line starting ``#`` and a space; here 002 and 004):
  exactly its ``#`` heading lines. In a path each later heading lies inside the section of
  the one before it (before the next heading of the same or a higher level).
* A **plain-text** source (000, 001, 003):

  - the title, i.e. the first non-blank line, and, when it reads "Kind / Title" (001's
    "Comment / Everything in its place"), the part after the last " / ";
  - any other line of at most 12 words that begins with a capital letter (after an optional
    one-digit section number), holds no web address, does not end with ".", "," or ";", and
    ends with ":" only if it is a label of at most 3 words (000's "Local level:").
    A heading wrapped over several lines (003 is extracted from a PDF) takes each following
    line that begins in lower case, has at most 4 words, holds no web address and does not
    end with ".", ",", ";" or ":", while the whole stays within 12 words ("Information
    sharing and" / "information technology"). To tell headings from the short lines of
    wrapped paragraphs, the line before a heading must be blank, end a sentence (. ? ! : or
    a closing quote or bracket), be a web address (003's footnotes), a page number or
    another heading, or the heading must start a page (003 indents a page's first line);
    and the line after it must not go on in lower case.

  In a path each later heading is the first of its name after the one before it, with no
  heading of the earlier one's name (a later section of the same name) and no numbered
  section heading ("4 Key themes…", "5 Integration checklist") between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from govrules import load_rulesets
from govrules.ast import Citation

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
MAX_HEADING_WORDS = 12
MAX_CONTINUATION_WORDS = 4
MAX_LABEL_WORDS = 3
MAX_COPIED_WORDS = 8  # a paraphrase may share at most this many words in a row with its source

needs_sources = pytest.mark.skipif(
    not SOURCES.is_dir(),
    reason=f"the cited source texts are not beside the checkout ({SOURCES} is missing); "
    "CI provides them, a plain clone need not",
)

_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)
_SECTION_NUMBER = re.compile(r"^\d\.?\s+")
_HEADING_START = re.compile(r"^(?:\d\.?\s+)?[A-Z]")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+\S")
_SENTENCE_END = re.compile(r"""[.?!:]['"\u2019\u201d)]*$|['"\u2019\u201d)]$""")


def normalise(text: str) -> str:
    """A heading or section part as compared: plain quotes, no markup, one case."""
    text = text.translate(_PLAIN).strip()
    text = re.sub(r"^#+\s*", "", text)
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text.rstrip(":").strip().casefold()


@dataclass(frozen=True)
class Heading:
    line: int  # 1-based line of the source where the heading starts
    text: str  # as printed (joined when wrapped)
    level: int  # markdown: number of '#'; plain text: 1 numbered section, 2 any other

    def names(self) -> set[str]:
        """The normalised forms a citation may use: with or without a section number."""
        n = normalise(self.text)
        return {n, _SECTION_NUMBER.sub("", n)}


def markdown_headings(lines: list[str]) -> list[Heading]:
    out = []
    for i, line in enumerate(lines):
        m = _MARKDOWN_HEADING.match(line)
        if m:
            out.append(Heading(i + 1, line.strip(), len(m.group(1))))
    return out


def _words(text: str) -> int:
    return len(text.split())


def _is_address(text: str) -> bool:
    return "www." in text or "://" in text


def _may_be_heading(text: str) -> bool:
    if not text or _words(text) > MAX_HEADING_WORDS or not _HEADING_START.match(text):
        return False
    if _is_address(text):
        return False
    if text[-1] in ".,;":
        return False
    return not (text.endswith(":") and _words(text) > MAX_LABEL_WORDS)


def plain_headings(lines: list[str]) -> list[Heading]:
    stripped = [x.strip() for x in lines]
    first = next((i for i, x in enumerate(stripped) if x), None)
    if first is None:
        return []
    out = [Heading(first + 1, stripped[first], 2)]
    parts = re.split(r"\s/\s", stripped[first].translate(_PLAIN))
    if len(parts) > 1:
        out.append(Heading(first + 1, parts[-1].strip(), 2))
    heading_lines = {first}
    i = first + 1
    while i < len(stripped):
        text = stripped[i]
        if not _may_be_heading(text):
            i += 1
            continue
        before = stripped[i - 1] if i > 0 else ""
        opens = (
            not before
            or (i - 1) in heading_lines
            or _SENTENCE_END.search(before) is not None
            or _is_address(before)
            or before.isdigit()
            or lines[i][:1].isspace()
        )
        last = i
        while last + 1 < len(stripped):
            following = stripped[last + 1]
            if not (
                following[:1].islower()
                and _words(following) <= MAX_CONTINUATION_WORDS
                and following[-1] not in ".,;:"
                and not _is_address(following)
                and _words(text) + _words(following) <= MAX_HEADING_WORDS
            ):
                break
            text, last = f"{text} {following}", last + 1
        after = stripped[last + 1] if last + 1 < len(stripped) else ""
        if opens and not after[:1].islower():
            level = 1 if _SECTION_NUMBER.match(text) else 2
            out.append(Heading(i + 1, text, level))
            heading_lines.update(range(i, last + 1))
            i = last + 1
        else:
            i += 1
    return out


def headings_of(text: str) -> tuple[bool, list[Heading]]:
    """(is markdown, headings in document order) of a source text."""
    lines = text.splitlines()
    if any(_MARKDOWN_HEADING.match(x) for x in lines):
        return True, markdown_headings(lines)
    return False, plain_headings(lines)


def _inside(headings: list[Heading], markdown: bool, outer: int, inner: int) -> bool:
    """Whether heading index ``inner`` may follow ``outer`` in a path."""
    if inner <= outer:
        return False
    between = headings[outer + 1 : inner]
    if markdown:
        return all(h.level > headings[outer].level for h in between)
    outer_names, inner_names = headings[outer].names(), headings[inner].names()
    return not any(
        h.level == 1 or h.names() & outer_names or h.names() & inner_names for h in between
    )


def part_is_heading(part: str, markdown: bool, headings: list[Heading]) -> bool:
    """A section part names one heading, or a path of headings joined by ': '.

    A heading may itself contain ': ' (004's "Governance: The single accountable person"),
    so every way of grouping the pieces into headings is tried.
    """
    pieces = [normalise(s) for s in part.split(": ")]
    # (pieces used so far, index of the heading the path has reached)
    reached: set[tuple[int, int | None]] = {(0, None)}
    done: set[tuple[int, int | None]] = set()
    while reached:
        used, at = reached.pop()
        done.add((used, at))
        if used == len(pieces):
            return True
        for end in range(used + 1, len(pieces) + 1):
            name = ": ".join(pieces[used:end])
            for j, h in enumerate(headings):
                if name in h.names() and (at is None or _inside(headings, markdown, at, j)):
                    if (end, j) not in done:
                        reached.add((end, j))
    return False


def section_problems(citation: Citation, where: str) -> list[str]:
    """What is wrong with one citation's section, as lines naming the place and the part."""
    files = sorted(SOURCES.glob(f"{citation.source}_*.txt"))
    if len(files) != 1:
        return [f"{where}: cites source {citation.source}, which has no single file in {SOURCES}"]
    markdown, headings = _source(files[0])
    return [
        f"{where}: section part '{part}' is not a heading of source {citation.source} "
        f"({files[0].name})"
        for part in citation.section.split("; ")
        if not part_is_heading(part, markdown, headings)
    ]


@cache
def _source(path: Path) -> tuple[bool, list[Heading]]:
    return headings_of(path.read_text(encoding="utf-8"))


def _shown(file: str) -> str:
    """A rule file's path relative to the checkout when it lies inside it."""
    path = Path(file)
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else file


@cache
def _all_citations() -> tuple[tuple[str, Citation], ...]:
    """Every citation of the bundled rulesets, with the rule or parameter and file:line."""
    program = load_rulesets()
    found = [
        (f"rule {r.id} ({_shown(r.source.name)}:{r.rule.citation.span.line})", r.rule.citation)
        for r in program.rules
    ]
    found += [
        (f"param {name} ({_shown(p.source)}:{p.citation.span.line})", p.citation)
        for name, p in program.params.items()
        if p.citation is not None
    ]
    return tuple(found)


# ---------------------------------------------------------------- the bundled rulesets


@needs_sources
def test_every_cited_section_is_a_heading_of_its_source() -> None:
    citations = _all_citations()
    assert len(citations) > 90, "the bundled rulesets should have a citation per rule"
    problems = [p for where, c in citations for p in section_problems(c, where)]
    assert not problems, "citations name sections their sources do not have:\n" + "\n".join(
        problems
    )


@needs_sources
@pytest.mark.parametrize(
    ("source", "section"),
    [
        ("002", "The risks and challenges of place-based working"),  # not 002's wording
        ("003", "Integration checklist: Integrated commissioning"),  # cut short
        ("003", "section 4, Funding and resources"),  # a description, not a heading
        ("003", "Integration checklist: Funding and resources"),  # a section 4 heading
        ("004", "NHS Providers view: Shared outcomes"),  # a heading of the Summary
        ("000", "Shared outcomes: Recommendations: All levels"),  # no such label there
        ("001", "Comment"),
    ],
)
def test_a_section_that_is_not_a_heading_is_reported(source: str, section: str) -> None:
    problems = section_problems(Citation(source, section, "x"), "rule TEST-1 (test.gr:3)")
    assert problems == [
        f"rule TEST-1 (test.gr:3): section part '{section}' is not a heading of source "
        f"{source} ({next(SOURCES.glob(f'{source}_*.txt')).name})"
    ]


@needs_sources
def test_only_the_wrong_part_of_a_section_is_reported() -> None:
    wrong = Citation("004", "Key points; Digital; Health and care workforce", "x")
    problems = section_problems(wrong, "param some_due (test.gr:9)")
    assert len(problems) == 1
    assert "param some_due (test.gr:9): section part 'Health and care workforce'" in problems[0]


@needs_sources
@pytest.mark.parametrize(
    ("source", "section"),
    [
        ("001", "Everything in its place"),
        ("000", "What and why?: Recommendations: Local level"),
        ("000", "Shared outcomes: Recommendations: Local level"),
        ("002", "The risks and challenges for integration at place level"),
        ("002", "Culture and behaviours: Power and scale imbalances across and within sectors"),
        ("003", "Integration checklist: Integrated commissioning and best use of resources"),
        ("003", "Key themes identified in the review: Funding and resources"),
        ("003", "Integration checklist: Outcome-based, person-centred care in community settings"),
        ("004", "NHS Providers view: Governance and accountability"),
        ("004", "Summary: Governance: The single accountable person"),
    ],
)
def test_real_headings_are_accepted(source: str, section: str) -> None:
    assert section_problems(Citation(source, section, "x"), "test") == []


def _words_of(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%']+", text.translate(_PLAIN).casefold())


@cache
def _runs(source: str, length: int) -> frozenset[tuple[str, ...]]:
    words = _words_of(source)
    return frozenset(tuple(words[i : i + length]) for i in range(len(words) - length + 1))


def copied_run(paraphrase: str, source: str, length: int = MAX_COPIED_WORDS + 1) -> str | None:
    """The first run of ``length`` words the paraphrase shares with the source, if any."""
    runs = _runs(source, length)
    words = _words_of(paraphrase)
    for i in range(len(words) - length + 1):
        if tuple(words[i : i + length]) in runs:
            return " ".join(words[i : i + length])
    return None


@needs_sources
def test_paraphrases_do_not_copy_their_sources() -> None:
    """Our own words: short phrases and the sources' terms, never a copied sentence."""
    problems = []
    for where, c in _all_citations():
        files = sorted(SOURCES.glob(f"{c.source}_*.txt"))
        run = copied_run(c.text, files[0].read_text(encoding="utf-8")) if files else None
        if run:
            problems.append(f"{where}: the paraphrase copies '{run}' from source {c.source}")
    assert not problems, "paraphrases copy their sources:\n" + "\n".join(problems)


def test_a_copied_run_is_found() -> None:
    source = "Places are also expected to accelerate the routine pooling and alignment of budgets."
    assert copied_run("they say places are also expected to accelerate the routine pooling", source)
    assert copied_run("places are to pool and align budgets faster, as a routine", source) is None


# ---------------------------------------------------------------- the heading rules


def test_plain_headings_on_a_small_text() -> None:
    text = (
        "Comment\u00a0/ A title\n\n"
        "First part\n\n"
        "A paragraph that wraps onto the next line, which\n"
        "goes on here and ends.\n"
        "Recommendations\n"
        "Local level:\n"
        "- a point.\n"
        "Integrated commissioning and best use\n"
        "of resources\n"
        "Body text follows.\n"
    )
    markdown, headings = headings_of(text)
    assert not markdown
    assert [h.text for h in headings] == [
        "Comment\u00a0/ A title",
        "A title",
        "First part",
        "Recommendations",
        "Local level:",
        "Integrated commissioning and best use of resources",
    ]
    assert part_is_heading("Recommendations: local level", markdown, headings)
    assert part_is_heading("A title", markdown, headings)
    assert not part_is_heading("Integrated commissioning", markdown, headings)
    assert not part_is_heading("A paragraph that wraps onto the next line, which", False, headings)


def test_markdown_headings_follow_nesting() -> None:
    text = "# Title\n## One\n### **Inner**\n## Two\n### *Other*\ntext\n"
    markdown, headings = headings_of(text)
    assert markdown
    assert part_is_heading("One: Inner", markdown, headings)
    assert part_is_heading("Two: Other", markdown, headings)
    assert not part_is_heading("One: Other", markdown, headings)
    assert not part_is_heading("Inner: One", markdown, headings)


def test_normalise_ignores_markup_quotes_dashes_and_case() -> None:
    assert normalise("### **Children and young people\u2019s services**") == (
        "children and young people's services"
    )
    assert normalise("Local level:") == "local level"
    assert normalise("Risk \u2013 sharing") == "risk - sharing"
