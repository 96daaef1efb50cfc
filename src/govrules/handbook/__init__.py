"""The criteria handbook: every rule as a policy reviewer reads it, in HTML or Markdown.

    >>> from pathlib import Path
    >>> from govrules.evaluator import load_rulesets
    >>> program = load_rulesets()
    >>> examples = example_reports(program, [Path("examples/northshire.yaml")], "2023-09-30")
    >>> page = build_handbook(program, examples).to_html()

For each rule the handbook gives its ID, title, severity, due date and the parameter behind it,
the encoding decisions (AMB-n) it depends on, the citation, the rule's text exactly as written,
the rules it reads, and how it comes out on the example declarations. A title page lists the
rulesets with their digests, source documents and parameters (with the reason for each value,
and any override), and the example declarations.

Output is deterministic: the same rules and examples give the same bytes (no timestamps).
The HTML is one standalone page: no scripts, no external files, every text escaped.

The package follows the handbook's own pipeline: :mod:`.build` gathers the entries of
:mod:`.model` from a checked program and example reports, :mod:`.html_page` and :mod:`.markdown`
render them with the words of :mod:`.wording`, and :mod:`.output` writes the file.
"""

from __future__ import annotations

from .build import build_handbook as build_handbook
from .build import example_reports as example_reports
from .model import Handbook as Handbook
from .output import handbook_format as handbook_format
from .output import write_handbook as write_handbook
from .wording import shorten as shorten

__all__ = [
    "Handbook",
    "build_handbook",
    "example_reports",
    "handbook_format",
    "shorten",
    "write_handbook",
]
