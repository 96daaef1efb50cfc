"""The registry of declaration formats, and the language core that is handed it."""

from __future__ import annotations

import ast
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from govrules.declaration import load_declaration
from govrules.formats import REGISTRY
from govrules.formats import DeclarationFormat
from govrules.formats import FormatRegistry
from govrules.loading import bundled_ruleset_files
from govrules.loading import load_sources
from govrules.source import Source

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "govrules"
FORMATS = sorted(REGISTRY)


def _list_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Dotted paths of every list in a format, through nested models and lists."""
    out: set[str] = set()
    for name, info in model.model_fields.items():
        path = prefix + name
        kind, inner = _shape(info.annotation)
        if kind == "list":
            out.add(path)
            item_kind, item = _shape(inner)
            if item_kind == "model":
                out |= _list_paths(item, path + ".")
        elif kind == "model":
            out |= _list_paths(inner, path + ".")
    return out


def _shape(annotation: Any) -> tuple[str, Any]:
    if typing.get_origin(annotation) is list:
        return "list", typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "model", annotation
    for arg in typing.get_args(annotation):
        found = _shape(arg)
        if found[0] != "other":
            return found
    return "other", None


@pytest.mark.parametrize("name", FORMATS)
def test_every_list_of_a_format_has_its_nouns(name: str) -> None:
    fmt = REGISTRY[name]
    assert set(fmt.list_nouns) == _list_paths(fmt.model)
    for singular, plural in fmt.list_nouns.values():
        assert singular and plural and singular != plural


@pytest.mark.parametrize("name", FORMATS)
def test_the_examples_of_a_format_are_valid_declarations_of_it(name: str) -> None:
    fmt = REGISTRY[name]
    assert fmt.model.model_validate(fmt.example).model_dump()["format"] == name
    declaration = load_declaration(ROOT / fmt.example_file)
    assert isinstance(declaration, fmt.model)
    identity = getattr(declaration, fmt.identity)
    assert identity.id and identity.name


@pytest.mark.parametrize("name", FORMATS)
def test_the_must_ruleset_of_a_format_is_bundled_and_checks_it(name: str) -> None:
    files = bundled_ruleset_files(REGISTRY[name].must_ruleset)
    assert files
    program = load_sources([Source(f.read_text(encoding="utf-8"), str(f)) for f in files])
    assert {info.declaration_format for info in program.rulesets} == {name}


def test_nouns_agree_in_number() -> None:
    place = REGISTRY["govrules/place/v1"]
    assert place.noun("partners", 1) == "partner"
    assert place.noun("partners", 0) == "partners"
    assert place.noun("shared_outcomes.outcomes", 3) == "outcomes"
    with pytest.raises(KeyError):
        place.noun("place", 2)


def test_a_format_registers_once_and_the_first_is_the_default() -> None:
    registry = FormatRegistry()
    fmt = REGISTRY["govrules/place/v1"]
    registry.register(fmt)
    registry.register(REGISTRY["govrules/provider-collaborative/v1"])
    assert registry.default == "govrules/place/v1"
    assert list(registry) == ["govrules/place/v1", "govrules/provider-collaborative/v1"]
    with pytest.raises(ValueError, match="already registered"):
        registry.register(DeclarationFormat(**{k: getattr(fmt, k) for k in fmt.__slots__}))
    assert dict(registry.models()) == {
        "govrules/place/v1": fmt.model,
        "govrules/provider-collaborative/v1": REGISTRY["govrules/provider-collaborative/v1"].model,
    }


def test_a_header_without_a_format_checks_the_default_format() -> None:
    text = 'ruleset "t" version "1"\nsource "s" "doc"\n'
    program = load_sources([Source(text, "t.gr")])
    assert program.rulesets[0].declaration_format == REGISTRY.default


def _imports(path: Path) -> set[str]:
    """Modules one file imports, relative imports written with their dots."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            out.add(base)
            out.update(f"{base}.{a.name}" if node.module else base + a.name for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


LANGUAGE_CORE = sorted(
    p
    for p in [SRC / "syntax.py", SRC / "checker.py", SRC / "types.py", SRC / "ast.py"]
    + list(SRC.glob("syntax_*.py"))
    + list(SRC.glob("checker_*.py"))
    if p.exists()
)


@pytest.mark.parametrize("path", LANGUAGE_CORE, ids=lambda p: str(p.relative_to(SRC)))
def test_the_language_core_imports_no_declaration_model(path: Path) -> None:
    bad = {
        name
        for name in _imports(path)
        if any(part in {"models", "formats", "provider_collaborative"} for part in name.split("."))
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"
