"""``govrules lsp`` end to end: a client starts the server over stdio, as an editor does, opens
the national place-governance rules, types an error, and asks for hovers, completions and
definitions."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from support import ROOT

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Client:
    """An LSP client with the diagnostics the server has published, per document."""

    def __init__(self) -> None:
        self.lc = LanguageClient("govrules-tests", "1")
        self.diagnostics: dict[str, list[lsp.Diagnostic]] = {}
        self.changed = asyncio.Event()

        @self.lc.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = list(params.diagnostics)
            self.changed.set()

    async def wait(self, uri: str, test: object, timeout: float = 60) -> list[lsp.Diagnostic]:
        """Wait until the diagnostics of a document pass ``test``."""

        async def until() -> list[lsp.Diagnostic]:
            while True:
                got = self.diagnostics.get(uri)
                if got is not None and test(got):  # type: ignore[operator]
                    return got
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(until(), timeout)


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A copy of the national rules, so the tests may edit and save them."""
    target = tmp_path / "national"
    shutil.copytree(ROOT / "rules" / "national", target)
    return target


@contextlib.asynccontextmanager
async def started(root: Path, options: object = None) -> AsyncIterator[Client]:
    """``govrules lsp`` started as an editor starts it, and stopped as an editor stops it."""
    c = Client()
    await c.lc.start_io(sys.executable, "-c", "from govrules.cli import main; main()", "lsp")
    await c.lc.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=from_fs_path(str(root)),
            initialization_options=options,
        )
    )
    c.lc.initialized(lsp.InitializedParams())
    try:
        yield c
    finally:
        await c.lc.shutdown_async(None)
        c.lc.exit(None)
        await c.lc.stop()


@pytest.fixture
async def client(rules: Path) -> AsyncIterator[Client]:
    async with started(rules) as c:
        yield c


def _open(c: Client, path: Path) -> tuple[str, list[str]]:
    uri = from_fs_path(str(path))
    assert uri is not None
    text = path.read_text(encoding="utf-8")
    item = lsp.TextDocumentItem(uri=uri, language_id="govrules", version=1, text=text)
    c.lc.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=item))
    return uri, text.split("\n")


def _at(lines: list[str], needle: str, after: str = "") -> lsp.Position:
    """The position of the first ``needle`` on a line after the first line holding ``after``."""
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    for i in range(start, len(lines)):
        if needle in lines[i]:
            return lsp.Position(i, lines[i].index(needle) + 1)
    raise AssertionError(needle)


def _doc(uri: str) -> lsp.TextDocumentIdentifier:
    return lsp.TextDocumentIdentifier(uri=uri)


async def _hover(c: Client, uri: str, pos: lsp.Position) -> str:
    h = await c.lc.text_document_hover_async(lsp.HoverParams(_doc(uri), pos))
    assert h is not None
    assert isinstance(h.contents, lsp.MarkupContent)
    return h.contents.value


async def test_typing_an_error_shows_its_diagnostic_and_fixing_it_clears_it(
    client: Client, rules: Path
) -> None:
    uri, lines = _open(client, rules / "place-governance.gr")
    assert await client.wait(uri, lambda d: True) == []
    broken = "\n".join(lines).replace(
        "require count(accountable_persons) == 1", "require count(acountable_persons) == 1"
    )
    client.lc.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=broken)],
        )
    )
    got = await client.wait(uri, lambda d: len(d) > 0)
    assert [d.code for d in got] == ["unknown_name"]
    line = next(i for i, t in enumerate(lines) if "require count(accountable_persons) == 1" in t)
    assert got[0].range.start.line == line
    assert "did you mean 'accountable_persons'" in got[0].message
    client.lc.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text="\n".join(lines))],
        )
    )
    assert await client.wait(uri, lambda d: d == []) == []


async def test_hover_explains_parameters_rules_sources_and_fields(
    client: Client, rules: Path
) -> None:
    uri, lines = _open(client, rules / "place-governance.gr")
    await client.wait(uri, lambda d: True)
    param = await _hover(client, uri, _at(lines, "place_governance_due", after="rule SAP-1"))
    assert "param place_governance_due" in param and "2023-04-01" in param
    assert "AMB-1" in param  # its reason
    rule = await _hover(client, uri, _at(lines, "PLAN-1 is met", after="rule GOV-5"))
    assert "PLAN-1" in rule and "shared plan" in rule and "must" in rule
    field = await _hover(client, uri, _at(lines, "model ==", after="rule GOV-2"))
    assert "governance.model" in field and "`place_board`" in field and "`alliance`" in field
    loop = await _hover(client, uri, _at(lines, "tier in", after="rule SAP-2"))
    assert "la.tier" in loop and "`unitary`" in loop
    source = await _hover(client, uri, _at(lines, '"004" section', after="rule SAP-1"))
    assert "NHS Providers" in source


async def test_completion_offers_fields_after_a_dot_and_names_elsewhere(
    client: Client, rules: Path
) -> None:
    uri, lines = _open(client, rules / "place-governance.gr")
    await client.wait(uri, lambda d: True)
    pos = _at(lines, "governance.model", after="rule GOV-2")
    dot = lsp.Position(pos.line, pos.character - 1 + len("governance."))
    got = await client.lc.text_document_completion_async(lsp.CompletionParams(_doc(uri), dot))
    assert isinstance(got, lsp.CompletionList)
    names = {i.label for i in got.items}
    assert {"model", "delegated_by_icb", "decision_making"} <= names
    assert "place" not in names
    start = lsp.Position(pos.line, pos.character - 1)
    got = await client.lc.text_document_completion_async(lsp.CompletionParams(_doc(uri), start))
    assert isinstance(got, lsp.CompletionList)
    names = {i.label for i in got.items}
    assert {"small_system_max_places", "GOV-3", "require", "governance"} <= names
    assert "undated_expectations_due" in names  # defined here, used by sibling files


async def test_go_to_definition_of_parameters_rules_and_sources(
    client: Client, rules: Path
) -> None:
    uri, lines = _open(client, rules / "outcomes-and-pooling.gr")
    await client.wait(uri, lambda d: True)
    got = await client.lc.text_document_definition_async(
        lsp.DefinitionParams(_doc(uri), _at(lines, "undated_expectations_due", after="rule POOL-4"))
    )
    assert isinstance(got, list) and len(got) == 1
    assert got[0].uri.endswith("place-governance.gr")  # defined in a sibling file
    target = (rules / "place-governance.gr").read_text(encoding="utf-8").split("\n")
    assert "param undated_expectations_due" in target[got[0].range.start.line]
    got = await client.lc.text_document_definition_async(
        lsp.DefinitionParams(_doc(uri), _at(lines, '"004" section', after="rule OUT-3"))
    )
    assert isinstance(got, list) and got[0].uri == uri
    assert lines[got[0].range.start.line].startswith('source "004"')
    uri2, lines2 = _open(client, rules / "place-governance.gr")
    got = await client.lc.text_document_definition_async(
        lsp.DefinitionParams(_doc(uri2), _at(lines2, "OUT-4 is met", after="rule OUT-1"))
    )
    assert isinstance(got, list) and got[0].uri == uri
    assert lines[got[0].range.start.line].startswith("rule OUT-4")


async def test_document_symbols_list_rules_parameters_and_sources(
    client: Client, rules: Path
) -> None:
    uri, _ = _open(client, rules / "place-governance.gr")
    got = await client.lc.text_document_document_symbol_async(lsp.DocumentSymbolParams(_doc(uri)))
    assert got is not None
    names = {s.name: s.kind for s in got}
    assert names["SAP-1"] == lsp.SymbolKind.Class
    assert names["place_governance_due"] == lsp.SymbolKind.Constant
    assert names["004"] == lsp.SymbolKind.Module


async def test_saving_a_file_shows_what_the_analysis_finds(client: Client, tmp_path: Path) -> None:
    folder = tmp_path / "local"
    folder.mkdir()
    path = folder / "local.gr"
    path.write_text(
        """ruleset "local" version "1"
source "L" "Local decisions"
rule LOC-1 {
    title "Impossible"
    severity must
    require count(accountable_persons) >= 2 and count(accountable_persons) < 2
    cite "L" section "1" "a rule that cannot pass"
    explain "x"
    remedy "y"
}
""",
        encoding="utf-8",
    )
    uri, _ = _open(client, path)
    assert await client.wait(uri, lambda d: True) == []
    client.lc.text_document_did_save(lsp.DidSaveTextDocumentParams(_doc(uri)))
    got = await client.wait(uri, lambda d: len(d) > 0)
    assert [d.code for d in got] == ["never_pass"]
    assert got[0].severity == lsp.DiagnosticSeverity.Warning
    assert got[0].range.start.line == 5
    assert "e.g. as of" in got[0].message  # the counter-example, as a hint


async def test_the_editor_may_name_rules_to_load_before_a_local_file(tmp_path: Path) -> None:
    local = tmp_path / "local.gr"
    local.write_text(
        'ruleset "northshire-local" version "1"\n'
        "override param place_governance_due: date = 2023-06-30\n"
        '    because "the ICB board agreed a later date"\n',
        encoding="utf-8",
    )
    async with started(tmp_path) as alone:
        uri, _ = _open(alone, local)
        got = await alone.wait(uri, lambda d: True)
        assert [d.code for d in got] == ["nothing_to_override"]
    options = {"rules": [str(ROOT / "rules" / "national")]}
    async with started(tmp_path, options) as c:
        uri, lines = _open(c, local)
        assert await c.wait(uri, lambda d: True) == []
        text = await _hover(c, uri, _at(lines, "place_governance_due"))
        assert "`2023-06-30`" in text and "Overridden in local.gr:2" in text


async def test_formatting_gives_the_layout_of_govrules_fmt(client: Client, tmp_path: Path) -> None:
    from govrules.fmt import format_text
    from govrules.source import Source

    path = tmp_path / "messy.gr"
    messy = 'ruleset "x" version "1"\nsource "004" "s"\nrule X-1 {   title "t"  severity must\n'
    messy += ' require   place.population>1\n cite "004" section "s" "x" explain "e" remedy "r" }\n'
    path.write_text(messy)
    uri, _ = _open(client, path)
    options = lsp.FormattingOptions(tab_size=4, insert_spaces=True)
    edits = await client.lc.text_document_formatting_async(
        lsp.DocumentFormattingParams(_doc(uri), options)
    )
    assert edits is not None and len(edits) == 1
    assert edits[0].new_text == format_text(Source(messy, str(path)))
    assert "require place.population > 1" in edits[0].new_text
