"""Starting out: ``govrules init``, ``govrules schema`` and ``govrules check -``."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from click.testing import CliRunner

from govrules.cli import main
from govrules.starting import KINDS
from govrules.starting import schema_file_name

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)


@pytest.mark.parametrize("kind", list(KINDS))
def test_init_writes_a_commented_template_that_checks(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "mine.yaml"
    r = run("init", "--kind", kind, str(target))
    assert r.exit_code == 0, r.output
    text = target.read_text()
    assert text.startswith(f"# yaml-language-server: $schema={schema_file_name(kind)}\n")
    assert f"govrules schema --kind {kind} > {schema_file_name(kind)}" in text
    assert yaml.safe_load(text)["format"] == KINDS[kind]
    commented = [line for line in text.splitlines() if "#" in line]
    assert len(commented) > 30  # the fields are explained where they are written
    checked = run("check", str(target), "--as-of", "2023-09-30", "--engine", "python")
    assert checked.exit_code in (0, 1), checked.output
    assert "Result: COMPLIANT" in checked.output  # a template that starts from a good state


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("mine\n")
    r = run("init", str(target))
    assert r.exit_code == 2
    assert "exists; use --force" in r.output
    assert target.read_text() == "mine\n"
    forced = run("init", "--force", "--kind", "provider-collaborative", str(target))
    assert forced.exit_code == 0, forced.output
    assert "govrules/provider-collaborative/v1" in target.read_text()


def test_init_file_gets_the_users_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        run("init", str(tmp_path / "shared.yaml"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "shared.yaml").stat().st_mode) == 0o644


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_accepts_the_template_and_refuses_a_typo(tmp_path: Path, kind: str) -> None:
    r = run("schema", "--kind", kind)
    assert r.exit_code == 0, r.output
    schema = json.loads(r.stdout)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validator = jsonschema_rs.validator_for(schema)
    run("init", "--kind", kind, str(tmp_path / "t.yaml"))
    # As the YAML language server reads it: dates are text.
    data = json.loads(json.dumps(yaml.safe_load((tmp_path / "t.yaml").read_text()), default=str))
    assert validator.is_valid(data)
    data["formatt"] = data.pop("format")
    assert not validator.is_valid(data)


def test_schema_defaults_to_the_place_format() -> None:
    schema = json.loads(run("schema").stdout)
    assert schema["properties"]["format"]["const"] == "govrules/place/v1"


def test_check_reads_a_declaration_from_stdin() -> None:
    text = (EXAMPLES / "northshire.yaml").read_text()
    r = run("check", "-", "--as-of", "2023-09-30", "--format", "json", stdin=text)
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["declaration"]["source"] == "<stdin>"


def test_an_invalid_declaration_on_stdin_is_named_stdin() -> None:
    r = run("check", "-", stdin="format: govrules/place/v1\nplace: 3\n")
    assert r.exit_code == 3
    assert "<stdin>:2:8: place: expected a mapping of fields" in r.output
