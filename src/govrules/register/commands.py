"""``govrules register …`` and ``govrules token …``: the register from the command line.

Exit codes are those of ``govrules check``: 0 done (for ``register add``: every place is
compliant), 1 some place is not compliant (``register add``), 2 a usage error (a bad option, an
unknown place, a register that cannot be opened), 3 an invalid declaration, rule file or
export file (nothing is stored).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any
from typing import NoReturn

import click

from ..declaration import load_declaration
from ..declaration import parse_document
from ..errors import DeclarationError
from ..errors import GovrulesError
from ..evaluator import ENGINE_NAMES
from ..evaluator import Engine
from ..evaluator import EngineName
from ..evaluator import load_rulesets
from ..evaluator import parse_date
from .identity import ROLES

if TYPE_CHECKING:
    from .service import Register

# The database modules (SQLAlchemy, Alembic) are imported by the commands that use them, so
# that "govrules check" and the rest of the command line start without them.
PLACE_FORMAT = "govrules/place/v1"

DB_OPTION = click.option(
    "--db",
    metavar="URL",
    help="The register: sqlite:///FILE (or a file path) or postgresql+psycopg://USER@HOST/DB. "
    "Default: GOVRULES_DB, else a SQLite file in the user's data folder.",
)
RULES_OPTION = click.option(
    "--rules",
    "rules_paths",
    multiple=True,
    metavar="PATH",
    help="Rule file or folder (repeatable). Default: the bundled rulesets.",
)
ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default=None,
    help="Rule engine (default: durable where it is available).",
)
FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


def _fail(err: GovrulesError) -> NoReturn:
    click.echo(f"Error: {err}", err=True)
    sys.exit(err.exit_code)


@contextmanager
def _opened(db: str | None) -> Iterator[Register]:
    """The register named by ``--db`` (created and migrated on first use); errors exit."""
    from .database import resolve_url
    from .service import Register

    try:
        register = Register.open(resolve_url(db))
    except GovrulesError as err:
        _fail(err)
    try:
        yield register
    except GovrulesError as err:
        _fail(err)
    finally:
        register.close()


def _engine(rules_paths: tuple[str, ...], engine: str | None) -> Engine:
    chosen: EngineName = engine or "auto"
    try:
        return Engine(load_rulesets(list(rules_paths) or None), chosen)
    except GovrulesError as err:
        _fail(err)


def _date(as_of: str | None) -> dt.date:
    try:
        return parse_date(as_of)
    except GovrulesError as err:
        raise click.BadParameter(str(err), param_hint="'--as-of'") from None


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _verdict(compliant: bool) -> str:
    return "compliant" if compliant else "not compliant"


def _when(iso: str) -> str:
    return iso[:16].replace("T", " ")


@click.group("register")
def register_group() -> None:
    """Keep declarations and verdicts: add, list, show, history, reassess, export, import."""


@register_group.command("add")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@RULES_OPTION
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Evaluation date (default: today).")
@ENGINE_OPTION
@DB_OPTION
@FORMAT_OPTION
def add(
    files: tuple[str, ...],
    rules_paths: tuple[str, ...],
    as_of: str | None,
    engine: str | None,
    db: str | None,
    fmt: str,
) -> None:
    """Store and assess place declarations. Every file is checked before any is stored; the
    same content as a place's latest version stores no new version."""
    date = _date(as_of)
    loaded = []
    problems = []
    for path in files:
        try:
            model = load_declaration(path)
            text = Path(path).read_bytes().decode("utf-8-sig")
            data, _ = parse_document(text, path)
        except DeclarationError as err:
            problems.append(str(err))
            continue
        if not isinstance(data, dict) or data.get("format") != PLACE_FORMAT:
            problems.append(f"{path}: the register keeps place declarations ({PLACE_FORMAT}) only")
            continue
        loaded.append((path, model, data))
    if problems:
        click.echo("Error: " + "\n".join(problems), err=True)
        sys.exit(3)
    eng = _engine(rules_paths, engine)
    results = []
    from .service import cli_actor

    with _opened(db) as register:
        for path, model, data in loaded:
            report = eng.evaluate(model, date, source=path).to_json()
            stored = register.submit(data, report, actor=cli_actor(), source=path)
            results.append(stored)
            if fmt == "text":
                what = (
                    f"version {stored.version} stored"
                    if stored.created
                    else f"unchanged, version {stored.version}"
                )
                click.echo(
                    f"{stored.place}: {what} (sha256 {stored.sha256[:12]}), "
                    f"{_verdict(bool(stored.report['compliant']))} as of {stored.report['as_of']}"
                )
    if fmt == "json":
        _echo_json([{**s.to_json(), "created": s.created} for s in results])
    sys.exit(0 if all(s.report["compliant"] for s in results) else 1)


@register_group.command("list")
@click.option("--system", metavar="SYSTEM", help="Only this system's places.")
@DB_OPTION
@FORMAT_OPTION
def list_places(system: str | None, db: str | None, fmt: str) -> None:
    """Every place with its latest version and verdict."""
    with _opened(db) as register:
        entries = register.places(system=system)
    if fmt == "json":
        _echo_json(entries)
        return
    if not entries:
        click.echo(f"the register at {register.url} holds no declarations yet")
        return
    for e in entries:
        click.echo(
            f"{e['place']:<24} {e['system']:<32} v{e['version']:<4} "
            f"{_verdict(e['compliant']):<14} {_when(e['assessed_at'])}"
        )


@register_group.command("show")
@click.argument("place")
@DB_OPTION
@FORMAT_OPTION
def show(place: str, db: str | None, fmt: str) -> None:
    """A place's latest version, its verdict and what fails."""
    with _opened(db) as register:
        entry = register.place(place)
        report = register.report(place)
    entry.pop("history")
    if fmt == "json":
        _echo_json({**entry, "report": report})
        return
    click.echo(f"{entry['name']} ({entry['place']}), system {entry['system']}")
    click.echo(
        f"version {entry['version']} (sha256 {entry['sha256'][:12]}), assessed "
        f"{_when(entry['assessed_at'])} as of {entry['as_of']}: {_verdict(entry['compliant'])}"
    )
    for tier in ("must", "should"):
        counts = entry["by_severity"].get(tier, {})
        click.echo(f"  {tier:<6} " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    failing = [f for f in report.get("findings", ()) if f["status"] == "fail"]
    failing.sort(key=lambda f: f["severity"] != "must")
    for f in failing:
        click.echo(f"  FAIL {f['rule']} ({f['severity']}): {f['explanation']}")


@register_group.command("history")
@click.argument("place")
@DB_OPTION
@FORMAT_OPTION
def history(place: str, db: str | None, fmt: str) -> None:
    """A place's verdicts over time, newest first, with the criteria that changed."""
    with _opened(db) as register:
        entries = register.place(place)["history"]
    if fmt == "json":
        _echo_json(entries)
        return
    for h in entries:
        must = h["by_severity"].get("must", {})
        click.echo(
            f"v{h['version']:<4} {_when(h['assessed_at'])}  as of {h['as_of']}  {h['kind']:<12} "
            f"{_verdict(h['compliant']):<14} must: {must.get('fail', 0)} fail, "
            f"{must.get('pass', 0)} pass  by {h['assessed_by']}"
        )
        for c in h["changes"]:
            click.echo(f"      {c['rule']}: {c['from'] or '-'} -> {c['to'] or '-'}")


@register_group.command("reassess")
@RULES_OPTION
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Evaluation date (default: each place's latest assessment date, so that changes come "
    "from the rules alone).",
)
@click.option("--system", metavar="SYSTEM", help="Only this system's places.")
@ENGINE_OPTION
@DB_OPTION
@FORMAT_OPTION
def reassess(
    rules_paths: tuple[str, ...],
    as_of: str | None,
    system: str | None,
    engine: str | None,
    db: str | None,
    fmt: str,
) -> None:
    """Assess every place's latest declaration again under the given rules, and show the
    findings whose status changed."""
    date = _date(as_of) if as_of else None
    eng = _engine(rules_paths, engine)

    def evaluate(model: Any, when: dt.date, source: str | None) -> dict[str, Any]:
        return eng.evaluate(model, when, source=source).to_json()

    from .service import cli_actor

    with _opened(db) as register:
        outcome = register.reassess(evaluate, actor=cli_actor(), as_of=date, system=system)
    if fmt == "json":
        _echo_json(outcome.to_json())
        return
    by_place: dict[str, list[dict[str, Any]]] = {}
    for change in outcome.changes:
        by_place.setdefault(change["place"], []).append(change)
    for place, changes in by_place.items():
        click.echo(place)
        for c in changes:
            click.echo(f"  {c['rule']}: {c['from'] or '-'} -> {c['to'] or '-'}")
    for v in outcome.verdicts:
        click.echo(f"{v['place']}: {_verdict(v['from'])} -> {_verdict(v['to'])}")
    summary = Counter((c["rule"], c["from"], c["to"]) for c in outcome.changes)
    from ..report import rule_sort_key

    for (rule, old, new), n in sorted(
        summary.items(), key=lambda item: (rule_sort_key(item[0][0]), str(item[0][1:]))
    ):
        click.echo(f"{rule}: {n} place{'s' if n != 1 else ''} {old or '-'} -> {new or '-'}")
    for e in outcome.errors:
        click.echo(f"Error: {e['message']}", err=True)
    click.echo(
        f"{outcome.assessed} assessed, {outcome.unchanged} already assessed so, "
        f"{len(outcome.changes)} finding(s) changed"
        + (f", skipped (newer version): {', '.join(outcome.skipped)}" if outcome.skipped else "")
    )


@register_group.command("export")
@click.option("--output", "-o", metavar="FILE", help="Write to FILE (default: standard output).")
@DB_OPTION
def export(output: str | None, db: str | None) -> None:
    """Everything in the register as JSON Lines (a file 'register import' reads back)."""
    with _opened(db) as register:
        if output is None or output == "-":
            for line in register.export_lines():
                click.echo(line)
            return
        target = Path(output)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                count = 0
                for line in register.export_lines():
                    fh.write(line + "\n")
                    count += 1
            os.replace(tmp, target)
        except OSError as err:
            raise click.UsageError(f"cannot write {output}: {err.strerror}") from None
    click.echo(f"wrote {output}: {count} lines", err=True)


@register_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@DB_OPTION
def import_(file: str, db: str | None) -> None:
    """Load an export into an empty register (all of it, or nothing)."""
    try:
        with click.open_file(file, encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except OSError as err:
        raise click.UsageError(f"cannot read {file}: {err.strerror}") from None
    from .service import cli_actor

    with _opened(db) as register:
        counts = register.import_lines(lines, actor=cli_actor(), source=file)
    click.echo(
        f"imported into {register.url}: "
        + ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items())
    )


@register_group.command("audit")
@click.option("--limit", type=click.IntRange(1), default=None, help="Newest N entries only.")
@DB_OPTION
@FORMAT_OPTION
def audit_cmd(limit: int | None, db: str | None, fmt: str) -> None:
    """The audit log, newest first."""
    with _opened(db) as register:
        entries = register.audit_log(limit=limit)
    if fmt == "json":
        _echo_json(entries)
        return
    for e in entries:
        about = e["place"] or e["system"] or ""
        click.echo(
            f"{e['id']:>6} {_when(e['at'])} {e['actor']:<24} {e['action']:<16} {about}  "
            + json.dumps(e["detail"], ensure_ascii=False)
        )


@register_group.command("migrate")
@click.argument("revision", default="head")
@click.option("--down", is_flag=True, help="Migrate down to REVISION ('base' removes every table).")
@DB_OPTION
def migrate_cmd(revision: str, down: bool, db: str | None) -> None:
    """Bring the register's schema to REVISION (default: the newest). Other commands migrate
    up on their own; this is for going down before installing an older govrules."""
    from .database import connect
    from .database import display_url
    from .database import migrate
    from .database import resolve_url

    try:
        url = resolve_url(db)
        engine = connect(url)
        migrate(engine, revision, down=down)
        engine.dispose()
    except GovrulesError as err:
        _fail(err)
    click.echo(f"{display_url(url)}: at {revision}")


@click.group("token")
def token_group() -> None:
    """Bearer tokens for the register's HTTP API: create, list, revoke."""


@token_group.command("create")
@click.option("--name", required=True, help="A name for the token; the audit log records it.")
@click.option("--role", required=True, type=click.Choice(list(ROLES)))
@click.option("--system", metavar="SYSTEM", help="Limit the token to one system (its slug).")
@DB_OPTION
def token_create(name: str, role: str, system: str | None, db: str | None) -> None:
    """Make a token and print it, once: it is stored only as a hash."""
    from .service import cli_actor

    with _opened(db) as register:
        made, text = register.create_token(name, role, system, actor=cli_actor())
    click.echo(text)
    limit = f" for system {made.system}" if made.system else ""
    click.echo(
        f"token {made.name!r} ({made.role}{limit}) created; it is shown only now, so keep it "
        "safe. Send it as 'Authorization: Bearer TOKEN'.",
        err=True,
    )


@token_group.command("list")
@DB_OPTION
@FORMAT_OPTION
def token_list(db: str | None, fmt: str) -> None:
    """Every token (never the secret), revoked ones too."""
    with _opened(db) as register:
        found = register.tokens()
    rows = [
        {
            "name": t.name,
            "role": t.role,
            "system": t.system,
            "created_at": t.created_at.isoformat(),
            "created_by": t.created_by,
            "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
        }
        for t in found
    ]
    if fmt == "json":
        _echo_json(rows)
        return
    for r, t in zip(rows, found, strict=True):
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        click.echo(
            f"{r['name']:<28} {r['role']:<9} {r['system'] or '(any system)':<32} "
            f"created {t.created_at:%Y-%m-%d %H:%M}  {state}"
        )


@token_group.command("revoke")
@click.argument("name")
@DB_OPTION
def token_revoke(name: str, db: str | None) -> None:
    """Revoke a token; requests with it fail at once."""
    from .service import cli_actor

    with _opened(db) as register:
        register.revoke_token(name, actor=cli_actor())
    click.echo(f"token {name!r} revoked")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only.

    Examples:
        >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "example.org")]
        [True, True, True, False, False]
    """
    import ipaddress

    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(db: str | None, host: str, insecure: bool) -> str:
    """Open (create, migrate) the register for ``serve`` and decide whether it may listen on
    ``host``: without any token, only on a loopback address unless ``insecure``.

    Returns:
        The register's URL.

    Raises:
        UsageError: No token exists, ``host`` is not loopback and ``insecure`` is not set.
    """
    from ..errors import UsageError
    from .database import display_url
    from .database import resolve_url
    from .service import Register

    url = resolve_url(db)
    register = Register.open(url)
    try:
        guarded = register.has_tokens()
    finally:
        register.close()
    shown = display_url(url)
    if guarded:
        click.echo(f"govrules: register at {shown}; its routes need a bearer token", err=True)
        return url
    if is_loopback(host):
        click.echo(
            f"govrules: register at {shown}. No access token exists, so the register is open to "
            f"anyone on this machine and the server listens on {host} (loopback) only. Create "
            "one with 'govrules token create --name NAME --role admin' to require tokens.",
            err=True,
        )
        return url
    if not insecure:
        raise UsageError(
            f"no access token exists in the register at {shown}, so anyone who can reach "
            f"{host} could read and change it. Create a token first ('govrules token create "
            "--name NAME --role admin'), listen on 127.0.0.1, or pass --insecure."
        )
    click.echo(
        f"govrules: WARNING: register at {shown} served on {host} with no access token "
        "(--insecure): anyone who can reach it may read and change it",
        err=True,
    )
    return url
