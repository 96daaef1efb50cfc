"""Reports on a batch of declarations, some of which may be invalid.

``govrules check a.yaml bad.yaml good.yaml`` assesses every valid file and reports each invalid
one in its place, in every format:

- text: the file's problems, as ``Error:`` lines, where its report would be;
- JSON: an array entry ``{"declaration": {"source": …}, "errors": [{"path", "line", "column",
  "message", "code"}]}`` beside the ``govrules/report/v1`` documents;
- HTML: a section naming the file and listing its problems;
- JUnit: a test suite for the file whose one test case has an ``<error>``.

Reports filtered with ``--severity``/``--only`` say what they leave out
(:mod:`govrules.selection`).
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import DeclarationError
from .render import printable
from .render import to_html
from .render import to_junit
from .render import to_text
from .report import Report
from .selection import left_out_note
from .selection import note_html
from .selection import note_junit


@dataclass(frozen=True, slots=True)
class Invalid:
    """A declaration of the batch that could not be read or validated."""

    source: str
    error: DeclarationError

    def to_json(self) -> dict[str, Any]:
        """The JSON array entry for this file."""
        return {
            "declaration": {"source": self.source},
            "errors": [
                {
                    "path": issue.path,
                    "line": issue.line,
                    "column": issue.column,
                    "message": issue.message,
                    "code": issue.code,
                }
                for issue in self.error.issues
            ],
        }


Entry = Report | Invalid


def exit_code(entries: Sequence[Entry]) -> int:
    """3 if any declaration was invalid, else 1 if any is not compliant, else 0."""
    if any(isinstance(e, Invalid) for e in entries):
        return 3
    return 0 if all(isinstance(e, Report) and e.compliant for e in entries) else 1


def render(entries: Sequence[Entry], fmt: str, *, color: bool, width: int | None) -> str:
    """The batch in ``fmt`` (text, json, html or junit), in argument order."""
    reports = [e for e in entries if isinstance(e, Report)]
    if fmt == "json":
        docs = [e.to_json() for e in entries]
        payload: Any = docs[0] if len(docs) == 1 else docs
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "html":
        return _html(entries, note_html(to_html(reports), reports))
    if fmt == "junit":
        return _junit(entries, note_junit(to_junit(reports), reports))
    parts = []
    for entry in entries:
        if isinstance(entry, Invalid):
            head = f"{printable(entry.source)}: not checked, the declaration is invalid\n"
            parts.append(head + "".join(f"Error: {printable(line)}\n" for line in _lines(entry)))
            continue
        note = left_out_note(entry)
        parts.append(to_text([entry], color=color, width=width) + (f"{note}\n" if note else ""))
    return "\n".join(parts)


def _lines(entry: Invalid) -> list[str]:
    return [issue.render(entry.source) for issue in entry.error.issues]


_SECTION = re.compile(r"<section>.*?</section>", re.DOTALL)


def _html(entries: Sequence[Entry], page: str) -> str:
    """``page`` with a section for each invalid file, in argument order."""
    if all(isinstance(e, Report) for e in entries):
        return page
    sections = iter(_SECTION.findall(page))
    body = []
    for entry in entries:
        if isinstance(entry, Report):
            body.append(next(sections))
            continue
        e = html.escape
        items = "".join(f"<li><code>{e(printable(line))}</code></li>" for line in _lines(entry))
        body.append(
            f"<section class='invalid'><h1>{e(printable(entry.source))}</h1>"
            "<p class='verdict bad'>Not checked: the declaration is invalid</p>"
            f"<ul>{items}</ul></section>"
        )
    start = page.find("<section>")
    end = page.rfind("</section>") + len("</section>")
    if start < 0:  # no valid report: the sections go where the body starts
        start = end = page.find("</body>")
    return page[:start] + "".join(body) + page[end:]


def _junit(entries: Sequence[Entry], xml: str) -> str:
    """``xml`` with a test suite holding one erroring test case for each invalid file."""
    if all(isinstance(e, Report) for e in entries):
        return xml
    root = ET.fromstring(xml)
    for index, entry in enumerate(entries):
        if not isinstance(entry, Invalid):
            continue
        source = printable(entry.source)
        suite = ET.Element(
            "testsuite", name=source, tests="1", failures="0", errors="1", skipped="0"
        )
        case = ET.SubElement(suite, "testcase", classname=source, name="declaration is valid")
        error = ET.SubElement(
            case,
            "error",
            message=f"the declaration is invalid ({len(entry.error.issues)} problem(s))",
            type=entry.error.code,
        )
        error.text = "\n".join(printable(line) for line in _lines(entry))
        root.insert(index, suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
