"""``govrules register …`` and ``govrules token …``: outputs and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from govrules.cli import main
from govrules.errors import UsageError
from govrules.register.commands import check_exposure
from govrules.register.database import default_url
from govrules.register.database import resolve_url

from .conftest import EXAMPLES
from .conftest import ROOT


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def test_add_list_show_history(runner: CliRunner, db_url: str) -> None:
    north, river = str(EXAMPLES / "northshire.yaml"), str(EXAMPLES / "riverside.yaml")
    code, out, _ = run(runner, db_url, "register", "add", north, "--as-of", "2023-09-30",
                       "--engine", "python")  # fmt: skip
    assert code == 0, out
    assert out.startswith("northshire: version 1 stored (sha256 ")
    code, out, _ = run(runner, db_url, "register", "add", north, river, "--as-of", "2023-09-30",
                       "--engine", "python")  # fmt: skip
    assert code == 1  # riverside is not compliant
    assert "northshire: unchanged, version 1" in out and "riverside: version 1 stored" in out
    code, out, _ = run(runner, db_url, "register", "list", "--format", "json")
    assert code == 0 and [p["place"] for p in json.loads(out)] == ["northshire", "riverside"]
    code, out, _ = run(runner, db_url, "register", "show", "riverside")
    assert code == 0 and "not compliant" in out and "FAIL SAP-2 (must)" in out
    code, out, _ = run(runner, db_url, "register", "show", "riverside", "--format", "json")
    assert json.loads(out)["report"]["compliant"] is False
    code, out, _ = run(runner, db_url, "register", "add", north, "--as-of", "2025-06-30",
                       "--engine", "python")  # fmt: skip
    code, out, _ = run(runner, db_url, "register", "history", "northshire")
    lines = out.splitlines()
    assert lines[0].startswith("v1") and "as of 2025-06-30" in lines[0]
    assert any("->" in line for line in lines[1:])  # the criteria that changed
    code, out, _ = run(runner, db_url, "register", "show", "nowhere")
    assert code == 2 and out == ""


def test_an_invalid_file_stores_nothing(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: govrules/place/v1\nplace:\n  population: yes\n")
    result = runner.invoke(
        main, ["register", "add", str(EXAMPLES / "northshire.yaml"), str(bad), "--db", sqlite_url]
    )
    assert result.exit_code == 3
    assert "place.population" in result.stderr and f"{bad}:3:" in result.stderr
    code, out, _ = run(runner, sqlite_url, "register", "list", "--format", "json")
    assert json.loads(out) == []
    pc = EXAMPLES / "provider-collaboratives"
    files = sorted(pc.glob("*.yaml"))
    if files:
        result = runner.invoke(main, ["register", "add", str(files[0]), "--db", sqlite_url])
        assert result.exit_code == 3 and "place declarations" in result.stderr


def test_reassess_shows_changes_per_place_and_rule(
    runner: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    for name in ("northshire", "riverside"):
        run(runner, sqlite_url, "register", "add", str(EXAMPLES / f"{name}.yaml"),
            "--as-of", "2023-09-30", "--engine", "python")  # fmt: skip
    later = tmp_path / "later.gr"
    later.write_text(
        'ruleset "later" version "1"\n'
        "override param place_governance_due: date = 2024-04-01\n"
        '    because "a later date"\n'
    )
    code, out, _ = run(runner, sqlite_url, "register", "reassess", "--rules", str(ROOT / "rules"),
                       "--rules", str(later), "--engine", "python")  # fmt: skip
    assert code == 0, out
    assert "riverside\n" in out and "  SAP-2: fail -> not_yet_due" in out
    assert "SAP-1: 2 places pass -> not_yet_due" in out
    assert out.rstrip().endswith("finding(s) changed")
    code, out, _ = run(runner, sqlite_url, "register", "reassess", "--rules", str(ROOT / "rules"),
                       "--rules", str(later), "--engine", "python", "--format", "json")  # fmt: skip
    assert json.loads(out)["changes"] == [] and json.loads(out)["unchanged"] == 2
    code, out, _ = run(runner, sqlite_url, "register", "audit", "--format", "json")
    assert json.loads(out)[0]["action"] == "reassess"


def test_export_import_round_trip(runner: CliRunner, sqlite_url: str, tmp_path: Path) -> None:
    run(runner, sqlite_url, "register", "add", str(EXAMPLES / "northshire.yaml"), "--engine",
        "python")  # fmt: skip
    run(runner, sqlite_url, "token", "create", "--name", "board", "--role", "reader")
    dump = tmp_path / "register.jsonl"
    code, _, err = run(runner, sqlite_url, "register", "export", "-o", str(dump))
    assert code == 0 and "lines" in err
    copy = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    code, out, _ = run(runner, copy, "register", "import", str(dump))
    assert code == 0 and "1 declaration" in out
    code, again, _ = run(runner, copy, "register", "export")
    assert again.splitlines()[:-1] == dump.read_text().splitlines()
    code, _, err = run(runner, copy, "register", "import", str(dump))
    assert code == 2 and "not empty" in err
    broken = tmp_path / "broken.jsonl"
    broken.write_text(dump.read_text().replace('"type":"place"', '"type":"plaice"'))
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    code, _, err = run(runner, empty, "register", "import", str(broken))
    assert code == 3 and "unknown record type 'plaice'" in err


def test_tokens(runner: CliRunner, sqlite_url: str) -> None:
    code, out, err = run(runner, sqlite_url, "token", "create", "--name", "board", "--role",
                         "reader", "--system", "northshire-and-coast-ics")  # fmt: skip
    assert code == 0 and out.startswith("grt_") and len(out.splitlines()) == 1
    assert "shown only now" in err
    code, listed, _ = run(runner, sqlite_url, "token", "list")
    assert "board" in listed and "active" in listed and out.strip() not in listed
    code, _, err = run(runner, sqlite_url, "token", "create", "--name", "board", "--role", "admin")
    assert code == 2 and "exists" in err
    code, _, _ = run(runner, sqlite_url, "token", "create", "--name", "x", "--role", "owner")
    assert code == 2
    assert run(runner, sqlite_url, "token", "revoke", "board")[0] == 0
    code, out, _ = run(runner, sqlite_url, "token", "list", "--format", "json")
    assert json.loads(out)[0]["revoked_at"] is not None
    assert run(runner, sqlite_url, "token", "revoke", "board")[0] == 2


def test_migrate_down_and_up(runner: CliRunner, sqlite_url: str) -> None:
    assert run(runner, sqlite_url, "register", "migrate")[0] == 0
    assert run(runner, sqlite_url, "register", "migrate", "base", "--down")[0] == 0
    code, out, _ = run(runner, sqlite_url, "register", "list")
    assert code == 0 and "holds no declarations" in out  # migrated up again on first use


def test_serve_refuses_an_open_register_on_a_public_address(
    runner: CliRunner, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0", "--db", sqlite_url])
    assert result.exit_code == 2
    assert "no access token exists" in result.stderr and "--insecure" in result.stderr
    assert check_exposure(sqlite_url, "127.0.0.1", insecure=False) == sqlite_url
    assert "listens on 127.0.0.1 (loopback) only" in capsys.readouterr().err
    assert check_exposure(sqlite_url, "0.0.0.0", insecure=True) == sqlite_url
    assert "WARNING" in capsys.readouterr().err
    run(runner, sqlite_url, "token", "create", "--name", "a", "--role", "admin")
    assert check_exposure(sqlite_url, "0.0.0.0", insecure=False) == sqlite_url


def test_where_the_register_lives(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert resolve_url(None, {"XDG_DATA_HOME": str(tmp_path)}) == default_url(
        {"XDG_DATA_HOME": str(tmp_path)}
    )
    assert resolve_url("postgresql://u@h/db", {}) == "postgresql+psycopg://u@h/db"
    with pytest.raises(UsageError, match="unsupported register URL"):
        resolve_url("mysql://u:secret@h/db", {})
    try:
        resolve_url("mysql://u:secret@h/db", {})
    except UsageError as err:
        assert "secret" not in str(err)
    result = CliRunner().invoke(main, ["register", "list", "--db", "mysql://h/db"])
    assert result.exit_code == 2
