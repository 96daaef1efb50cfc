"""``govrules lsp``: the language server, over standard input and output (pygls).

Features: diagnostics as you type (those of ``govrules lint``) and, on save, the findings of
``govrules analyze`` for the rules of the saved file; hover on parameters, rule IDs, sources
and declaration field paths; go to definition of parameters, rules and sources; completion of
field paths after ``.``, parameters, rule IDs and keywords; document symbols; formatting with
``govrules fmt``'s layout. Editors may pass
``{"rules": ["path", ...]}`` as initialization options: rule files or folders loaded before a
document's own folder (for a local file that overrides national parameters).
"""

from __future__ import annotations

import asyncio
import re
import threading
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path
from pygls.uris import to_fs_path

from .. import __version__
from ..errors import Diagnostic
from ..errors import RuleError
from ..fmt import format_text
from ..source import Source
from . import index
from .index import RULE_ID
from .index import Workspace

SOURCE = "govrules"


class RulesServer(LanguageServer):
    """The server, with what it knows about the rule files."""

    def __init__(self) -> None:
        super().__init__("govrules", __version__)
        self.rules = Workspace()
        self.lint: dict[str, list[lsp.Diagnostic]] = {}
        self.analysis: dict[str, list[lsp.Diagnostic]] = {}
        self.versions: dict[str, int | None] = {}


server = RulesServer()


def _path(uri: str) -> str:
    return str(Path(to_fs_path(uri) or uri).resolve())


def _range(line: int, start: int, end: int) -> lsp.Range:
    return lsp.Range(lsp.Position(line, start), lsp.Position(line, max(end, start + 1)))


def to_lsp(d: Diagnostic, severity: lsp.DiagnosticSeverity) -> lsp.Diagnostic:
    """A govrules diagnostic (1-based) as an LSP one (0-based)."""
    span = d.span
    line = max(span.line - 1, 0)
    start = max(span.column - 1, 0)
    end_line = max(span.end_line - 1, line)
    end = max(span.end_column - 1, start + 1) if end_line == line else max(span.end_column - 1, 0)
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return lsp.Diagnostic(
        range=lsp.Range(lsp.Position(line, start), lsp.Position(end_line, end)),
        message=message,
        severity=severity,
        code=d.code,
        source=SOURCE,
    )


def _publish(ls: RulesServer, uri: str) -> None:
    items = ls.lint.get(uri, []) + ls.analysis.get(uri, [])
    ls.text_document_publish_diagnostics(
        lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items, version=ls.versions.get(uri))
    )


def _relint(ls: RulesServer, uri: str) -> None:
    path = _path(uri)
    diagnostics, _ = ls.rules.check(path)
    ls.lint[uri] = [to_lsp(d, lsp.DiagnosticSeverity.Error) for d in diagnostics]
    _publish(ls, uri)


@server.feature(lsp.INITIALIZE)
def initialize(ls: RulesServer, params: lsp.InitializeParams) -> None:
    """Read the rule paths to load before each document's folder."""
    options: Any = params.initialization_options
    if isinstance(options, dict) and isinstance(options.get("rules"), list):
        ls.rules.preload = [str(p) for p in options["rules"]]


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: RulesServer, params: lsp.DidOpenTextDocumentParams) -> None:
    """Check a document as soon as it is opened."""
    doc = params.text_document
    ls.rules.open[_path(doc.uri)] = doc.text
    ls.versions[doc.uri] = doc.version
    _relint(ls, doc.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: RulesServer, params: lsp.DidChangeTextDocumentParams) -> None:
    """Check a document again on every change (as you type)."""
    uri = params.text_document.uri
    document = ls.workspace.get_text_document(uri)
    ls.rules.open[_path(uri)] = document.source
    ls.versions[uri] = params.text_document.version
    ls.analysis.pop(uri, None)  # findings of the saved text no longer hold
    _relint(ls, uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: RulesServer, params: lsp.DidCloseTextDocumentParams) -> None:
    """Forget an editor's text: the file's saved text counts again."""
    uri = params.text_document.uri
    ls.rules.open.pop(_path(uri), None)
    ls.lint.pop(uri, None)
    ls.analysis.pop(uri, None)


#: One analysis at a time: the solver's Python binding shares one context between threads.
_SOLVER = threading.Lock()


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
async def did_save(ls: RulesServer, params: lsp.DidSaveTextDocumentParams) -> None:
    """Analyse the saved file's rules with the solver, off the editor's thread."""
    uri = params.text_document.uri
    version = ls.versions.get(uri)
    loop = asyncio.get_running_loop()
    found = await loop.run_in_executor(None, _analyse, ls, uri)
    if found is not None and ls.versions.get(uri) == version:
        ls.analysis[uri] = found
        _publish(ls, uri)


def _analyse(ls: RulesServer, uri: str) -> list[lsp.Diagnostic] | None:
    from ..analysis import analyze
    from ..analysis.report import explain
    from ..analysis.report import short_example

    path = _path(uri)
    with _SOLVER:
        diagnostics, program = ls.rules.check(path)
        if program is None or diagnostics:
            return None
        mine = {r.id for r in program.rules if r.source.name == path}
        result = analyze(program, focus=mine)
    explain(result, {r.id: r for r in program.rules})
    found = []
    for f in result.findings:
        if f.rule.source.name != path or f.explained:
            continue
        d = Diagnostic(f.code, f.message, path, f.span, short_example(f) or None)
        severity = (
            lsp.DiagnosticSeverity.Information
            if f.code == "not_analysed"
            else lsp.DiagnosticSeverity.Warning
        )
        found.append(to_lsp(d, severity))
    return found


def _line(ls: RulesServer, uri: str, line: int) -> str:
    lines = ls.workspace.get_text_document(uri).lines
    return lines[line].rstrip("\r\n") if 0 <= line < len(lines) else ""


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: RulesServer, params: lsp.HoverParams) -> lsp.Hover | None:
    """Parameters, rule IDs, sources and field paths explained."""
    uri, pos = params.text_document.uri, params.position
    path = _path(uri)
    text = ls.workspace.get_text_document(uri).source
    word, start, end = index.token_at(_line(ls, uri, pos.line), pos.character)
    if not word:
        return None
    program = ls.rules.program(path)
    value: str | None = None
    if re.fullmatch(RULE_ID, word) and program is not None:
        value = index.rule_markdown(program, word)
    elif program is not None and word in program.params:
        value = index.param_markdown(program, word)
    if value is None:
        found = index.resolve_path(word, text, pos.line)
        if found is not None:
            value = index.describe_field(word, *found)
    if value is None:
        source = _source_at(ls, uri, pos)
        if source is not None:
            value = f'**source "{source.name}"**: {source.detail}'
    if value is None:
        return None
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=value),
        range=_range(pos.line, start, end),
    )


def _source_at(ls: RulesServer, uri: str, pos: lsp.Position) -> index.Definition | None:
    line = _line(ls, uri, pos.line)
    for m in re.finditer(r'"([^"]*)"', line):
        if m.start() <= pos.character <= m.end() and re.search(
            r"\b(cite|source)\s+$", line[: m.start()]
        ):
            return next(
                (
                    d
                    for d in index.definitions(
                        _path(uri), ls.workspace.get_text_document(uri).source
                    )
                    if d.kind == "source" and d.name == m.group(1)
                ),
                None,
            )
    return None


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: RulesServer, params: lsp.DefinitionParams) -> list[lsp.Location] | None:
    """Where a parameter, rule or source is defined (every definition of a parameter)."""
    uri, pos = params.text_document.uri, params.position
    source = _source_at(ls, uri, pos)
    if source is not None:
        return [_location(source.location)]
    word, _, _ = index.token_at(_line(ls, uri, pos.line), pos.character)
    root = word.split(".")[0].split("[")[0]
    found = [d for d in ls.rules.definitions(_path(uri)) if d.kind != "source" and d.name == root]
    return [_location(d.location) for d in found] or None


def _location(loc: index.Location) -> lsp.Location:
    return lsp.Location(
        uri=from_fs_path(loc.path) or loc.path, range=_range(loc.line, loc.start, loc.end)
    )


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
def completion(ls: RulesServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    """Field paths after ``.``; otherwise parameters, rule IDs, fields and keywords."""
    uri, pos = params.text_document.uri, params.position
    text = ls.workspace.get_text_document(uri).source
    before = _line(ls, uri, pos.line)[: pos.character]
    word, _, _ = index.token_at(before, len(before))
    items: list[lsp.CompletionItem] = []
    if "." in word:
        base = word[: word.rindex(".")]
        for name, t, doc in index.field_completions(base, text, pos.line):
            items.append(_field_item(name, t, doc))
        return lsp.CompletionList(is_incomplete=False, items=items)
    for name, t, doc in index.field_completions("", text, pos.line):
        items.append(_field_item(name, t, doc))
    for d in ls.rules.definitions(_path(uri)):
        if d.kind == "param":
            items.append(
                lsp.CompletionItem(d.name, kind=lsp.CompletionItemKind.Constant, detail="parameter")
            )
        elif d.kind == "rule":
            items.append(
                lsp.CompletionItem(d.name, kind=lsp.CompletionItemKind.Reference, detail="rule")
            )
    items += [lsp.CompletionItem(k, kind=lsp.CompletionItemKind.Keyword) for k in index.KEYWORDS]
    return lsp.CompletionList(is_incomplete=False, items=items)


def _field_item(name: str, t: Any, doc: str) -> lsp.CompletionItem:
    return lsp.CompletionItem(
        name,
        kind=lsp.CompletionItemKind.Field,
        detail=t.describe(),
        documentation=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=doc) if doc else None,
    )


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def symbols(ls: RulesServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
    """The rules, parameters and sources of a document."""
    uri = params.text_document.uri
    kinds = {
        "rule": lsp.SymbolKind.Class,
        "param": lsp.SymbolKind.Constant,
        "source": lsp.SymbolKind.Module,
    }
    out = []
    for d in index.definitions(_path(uri), ls.workspace.get_text_document(uri).source):
        r = _range(d.location.line, d.location.start, d.location.end)
        out.append(
            lsp.DocumentSymbol(
                name=d.name,
                kind=kinds[d.kind],
                range=r,
                selection_range=r,
                detail=d.detail or d.kind,
            )
        )
    return out


def serve() -> None:
    """Serve over standard input and output until the editor says exit."""
    server.start_io()


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: RulesServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    """The document in the canonical layout of ``govrules fmt`` (one edit for the whole text);
    nothing while the text does not parse (its diagnostics say why)."""
    document = ls.workspace.get_text_document(params.text_document.uri)
    text = document.source
    try:
        formatted = format_text(Source(text, _path(params.text_document.uri)))
    except RuleError:
        return None
    if formatted == text:
        return []
    lines = text.split("\n")
    end = lsp.Position(len(lines) - 1, len(lines[-1]))
    return [lsp.TextEdit(range=lsp.Range(lsp.Position(0, 0), end), new_text=formatted)]
