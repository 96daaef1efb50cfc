"""Writing the handbook to a file, HTML or Markdown by the file name's suffix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..checker import Program
from ..errors import UsageError
from ..files import write_atomically
from ..report import Report
from .build import build_handbook

HTML_SUFFIXES = (".html", ".htm")
MARKDOWN_SUFFIXES = (".md", ".markdown")


def handbook_format(path: str | Path) -> str:
    """``"html"`` or ``"markdown"`` from a file name's suffix.

    Raises:
        UsageError: the suffix is neither HTML (.html, .htm) nor Markdown (.md, .markdown).
    """
    suffix = Path(path).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    raise UsageError(
        f"{path}: cannot tell the handbook format from the name; "
        "end it in .html (or .htm) for HTML, or .md (or .markdown) for Markdown"
    )


def write_handbook(
    program: Program,
    examples: Sequence[tuple[str, Report]],
    path: str | Path,
    *,
    title: str = "govrules criteria handbook",
) -> None:
    """Write the handbook to ``path``, HTML or Markdown by suffix, atomically.

    The file is written whole or not at all (:func:`govrules.files.write_atomically`), so a
    reader never sees half a handbook and nothing is written when anything fails.

    Raises:
        UsageError: the suffix names no handbook format, or the file cannot be written.
    """
    fmt = handbook_format(path)
    hb = build_handbook(program, examples, title=title)
    text = hb.to_html() if fmt == "html" else hb.to_markdown()
    try:
        write_atomically(path, text)
    except OSError as err:
        raise UsageError(f"{path}: cannot write the handbook ({err.strerror or err})") from None
