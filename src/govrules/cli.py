"""The ``govrules`` command line.

Exit codes: 0 compliant (or lint clean), 1 not compliant, 2 usage error, 3 invalid declaration
or rule file (the message names file, line and column or the field path, on stderr), 4 an
internal engine fault. ``check`` assesses every valid declaration of a batch and reports each
invalid one in its place (exit code 3); nothing is written to ``--output`` when no declaration
was valid or a rule file is invalid. Output files are written whole or not at all, with the
permissions the user's umask gives new files.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import NoReturn

import click
from pydantic import BaseModel
from rich.console import Console
from rich.progress import Progress

from . import __version__
from . import backends
from .backends import names as backend_names
from .bases import better_hints
from .bases import needed_bases
from .batch import Entry
from .batch import Invalid
from .batch import exit_code
from .batch import render as render_batch
from .cli_policy import register as register_policy_commands
from .declaration import STDIN_NAME
from .declaration import load_declaration
from .declaration import load_declaration_stream
from .errors import DeclarationError
from .errors import GovrulesError
from .errors import RuleError
from .evaluator import ENGINE_NAMES
from .evaluator import Engine
from .evaluator import EngineName
from .evaluator import bundled_examples_dir
from .evaluator import declaration_files
from .evaluator import load_rulesets
from .evaluator import load_sources
from .evaluator import parse_date
from .evaluator import read_sources
from .evaluator import rule_files
from .files import write_atomically
from .report import rule_sort_key
from .selection import ONLY_CHOICES
from .selection import SEVERITY_CHOICES
from .selection import OnlyChoice
from .selection import Selection
from .selection import SeverityChoice
from .selection import select
from .starting import KINDS
from .starting import json_schema
from .starting import schema_file_name
from .starting import template


def _fail(err: GovrulesError) -> NoReturn:
    """Show a govrules error as ``Error: …`` on stderr and exit with its own code."""
    click.echo(f"Error: {err}", err=True)
    sys.exit(err.exit_code)


#: Below this many declarations a run is quick enough to need no progress bar.
PROGRESS_FROM = 20


@contextlib.contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on standard error for long runs, shown only to a person at a terminal."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        yield lambda: None
        return
    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda: bar.advance(task)


def _rules(paths: Sequence[str]) -> Any:
    try:
        return load_rulesets(list(paths) if paths else None)
    except RuleError as err:
        # Hints that name the file or bundled ruleset to give first, where order is the problem.
        _fail(type(err)(better_hints(err.diagnostics, rule_files(paths) if paths else [])))
    except GovrulesError as err:
        _fail(err)


def _write(output: str | None, text: str) -> None:
    """Write all of ``text`` to ``output`` (atomically) or to standard output."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    try:
        write_atomically(output, text)
    except OSError as err:
        raise click.UsageError(f"cannot write {output}: {err.strerror}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="govrules")
def main() -> None:
    """Check governance declarations (places, provider collaboratives) against the rules."""


_ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default="auto",
    show_default=True,
    help="Rule engine back-end; auto: the first of "
    + ", ".join(backend_names())
    + " that can run here.",
)
_RULES_OPTION = click.option(
    "--rules",
    "rules_paths",
    multiple=True,
    metavar="PATH",
    help="Rule file or folder (repeatable; later files may override parameters). "
    "Default: the bundled rulesets.",
)


@main.command()
@click.argument("declarations", nargs=-1, required=True, metavar="DECLARATION...")
@_RULES_OPTION
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Evaluation date (default: today).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html", "junit"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option("--output", "-o", metavar="FILE", help="Write the report to FILE.")
@_ENGINE_OPTION
@click.option(
    "--color/--no-color",
    default=None,
    help="Colour in text output (default: on a terminal, unless NO_COLOR is set).",
)
@click.option(
    "--severity",
    type=click.Choice(SEVERITY_CHOICES),
    default="all",
    show_default=True,
    help="Show only the findings of this tier (the verdict and counts still cover all).",
)
@click.option(
    "--only",
    type=click.Choice(ONLY_CHOICES),
    default="all",
    show_default=True,
    help="failing: show only failing findings (the verdict and counts still cover all).",
)
def check(
    declarations: tuple[str, ...],
    rules_paths: tuple[str, ...],
    as_of: str | None,
    fmt: str,
    output: str | None,
    engine: str | None,
    color: bool | None,
    severity: SeverityChoice,
    only: OnlyChoice,
) -> None:
    """Check DECLARATION files (YAML or JSON; - reads standard input) against the rules.

    --severity and --only choose the findings shown; the verdict, the exit code and the
    counts always describe the whole assessment, and a filtered report says what it left out.
    """
    try:
        date = parse_date(as_of)
    except GovrulesError as err:
        raise click.BadParameter(str(err), param_hint="'--as-of'") from None
    backends.warm_up(engine or "auto")  # a worker process starts while the rules are read
    program = _rules(rules_paths)
    # Every file is read; an invalid one is reported in its place, beside the others' reports.
    entries: list[Invalid | tuple[str, BaseModel]] = []
    with _progress(len(declarations), "Reading declarations") as step:
        for path in declarations:
            name = STDIN_NAME if path == "-" else path
            try:
                if path == "-":
                    entries.append((name, load_declaration_stream(sys.stdin.buffer)))
                else:
                    entries.append((name, load_declaration(path)))
            except DeclarationError as err:
                entries.append(Invalid(name, err))
                click.echo(f"Error: {err}", err=True)
            step()
    valid = [e for e in entries if not isinstance(e, Invalid)]
    if not valid:
        sys.exit(3)  # nothing to report on: the errors are all on stderr
    chosen: EngineName = engine or "auto"
    chosen_findings = Selection(severity, only)
    results: list[Entry] = []
    try:
        eng = Engine(program, chosen)
        with _progress(len(valid), "Checking declarations") as step:
            for entry in entries:
                if isinstance(entry, Invalid):
                    results.append(entry)
                    continue
                report = eng.evaluate(entry[1], date, source=entry[0])
                results.append(select(report, chosen_findings))
                step()
    except GovrulesError as err:
        _fail(err)
    _write(output, _render(results, fmt, color, output))
    sys.exit(exit_code(results))


def _render(entries: list[Entry], fmt: str, color: bool | None, output: str | None) -> str:
    if color is None:  # NO_COLOR (https://no-color.org): any non-empty value turns colour off
        color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    width = shutil.get_terminal_size().columns if color and fmt == "text" else None
    return render_batch(entries, fmt, color=color, width=width)


@main.command()
@click.argument("file", metavar="FILE")
@click.option(
    "--kind",
    type=click.Choice(list(KINDS)),
    default="place",
    show_default=True,
    help="What the declaration is about.",
)
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def init(file: str, kind: str, force: bool) -> None:
    """Write a commented template declaration to FILE, ready to fill in and check."""
    if os.path.lexists(file) and not force:
        raise click.UsageError(f"{file} exists; use --force to replace it")
    _write(file, template(kind))
    click.echo(
        f"wrote {file}: a {kind.replace('-', ' ')} declaration to fill in; check it with "
        f"'govrules check {file}'. For checks as you type, write the schema it names with "
        f"'govrules schema --kind {kind} > {schema_file_name(kind)}'."
    )


@main.command()
@click.option(
    "--kind",
    type=click.Choice(list(KINDS)),
    default="place",
    show_default=True,
    help="Which declaration format.",
)
def schema(kind: str) -> None:
    """Print the JSON Schema of a declaration format, for editors (docs/declaration-format.md)."""
    click.echo(json.dumps(json_schema(kind), indent=2, ensure_ascii=False))


@main.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option(
    "--base",
    "base_paths",
    multiple=True,
    metavar="PATH|NAME",
    help="Rule files read before PATH... (repeatable), as 'check --rules BASE --rules PATH' "
    "reads them. Default: the bundled rulesets whose parameters or rules PATH... uses.",
)
def lint(paths: tuple[str, ...], fmt: str, base_paths: tuple[str, ...]) -> None:
    """Parse and check rule files; report every problem as file:line:col: code: message.

    A local file that overrides or reads what a bundled ruleset defines is checked after that
    ruleset, so 'govrules lint my-local.gr' reads it as 'govrules check' will.
    """
    bases: list[str] = []
    try:
        files = rule_files(paths)
        bases = list(base_paths) if base_paths else needed_bases(files)
        given = {f.resolve() for f in files}
        before = [f for f in rule_files(bases) if f.resolve() not in given]
        program = load_sources(*read_sources([*before, *files]))
    except RuleError as err:
        diagnostics = better_hints(err.diagnostics, files)
        if fmt == "json":
            click.echo(json.dumps({"diagnostics": [d.to_json() for d in diagnostics]}, indent=2))
        else:
            click.echo(RuleError(diagnostics).render(), err=True)
        sys.exit(3)
    except GovrulesError as err:
        _fail(err)
    if fmt == "json":
        click.echo(json.dumps({"diagnostics": []}))
    else:
        rules, params = len(program.rules), len(program.params)
        if bases:
            after = ", ".join(bases)
            click.echo(
                f"ok: {len(files)} file(s) read after {after}: {rules} rules, {params} parameters"
            )
        else:
            click.echo(f"ok: {rules} rules in {len(files)} file(s), {params} parameters")


@main.command("docs")
@_RULES_OPTION
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    required=True,
    help="Handbook file: .html/.htm for a web page, .md/.markdown for Markdown.",
)
@click.option(
    "--example",
    "example_paths",
    multiple=True,
    metavar="PATH",
    help="Example declaration or folder of them (repeatable). Default: the bundled examples.",
)
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    help="Date the examples are assessed on (default: today).",
)
def docs_cmd(
    rules_paths: tuple[str, ...], output: str, example_paths: tuple[str, ...], as_of: str | None
) -> None:
    """Write the criteria handbook for policy reviewers (HTML or Markdown by suffix)."""
    from .handbook import example_reports
    from .handbook import handbook_format
    from .handbook import write_handbook

    try:
        handbook_format(output)
        date = parse_date(as_of)
        program = load_rulesets(list(rules_paths) if rules_paths else None)
        files = declaration_files(example_paths or [bundled_examples_dir()])
        write_handbook(program, example_reports(program, files, date), output)
    except GovrulesError as err:
        _fail(err)
    click.echo(f"wrote {output}: {len(program.rules)} rules, {len(files)} example(s)")


@main.command("rules")
@_RULES_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules_cmd(rules_paths: tuple[str, ...], fmt: str) -> None:
    """List the rules: id, severity, due date, title, citation."""
    program = _rules(rules_paths)
    rows = sorted(program.rules, key=lambda r: (r.ruleset, rule_sort_key(r.id)))
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "rules": [
                        {
                            "id": r.id,
                            "title": r.rule.title,
                            "severity": r.rule.severity,
                            "due": r.due.isoformat() if r.due else None,
                            "citation": r.citation,
                            "ruleset": r.ruleset,
                        }
                        for r in rows
                    ]
                },
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    for r in rows:
        due = r.due.isoformat() if r.due else "-"
        click.echo(f"{r.id:<8} {r.rule.severity:<6} {due:<10}  {r.rule.title}")
        click.echo(f"{'':<28}{r.citation}  [{r.ruleset}]")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (each loads the rules once).",
)
@_RULES_OPTION
@_ENGINE_OPTION
@click.option(
    "--max-body-bytes",
    default=1 << 20,
    show_default=True,
    type=click.IntRange(1),
    help="Largest request body; larger ones are refused with 413.",
)
@click.option(
    "--db",
    metavar="URL",
    help="The register: sqlite:///FILE or postgresql+psycopg://… (default: GOVRULES_DB, else a "
    "SQLite file in the user's data folder). Created and migrated on first use.",
)
@click.option(
    "--insecure",
    is_flag=True,
    help="Serve the register on a non-loopback address although no access token exists.",
)
def serve(
    host: str,
    port: int,
    workers: int,
    rules_paths: tuple[str, ...],
    engine: str | None,
    max_body_bytes: int,
    db: str | None,
    insecure: bool,
) -> None:
    """Serve the HTTP API (OpenAPI docs at /docs), the assessment page at / and the register
    (its pages at /register)."""
    import dataclasses

    from .api.server import run
    from .api.settings import Settings
    from .register.commands import check_exposure

    chosen: EngineName = engine or "auto"
    try:
        url = check_exposure(db, host, insecure)
        # Timeouts come from GOVRULES_BODY_TIMEOUT / GOVRULES_HEADER_TIMEOUT (seconds).
        settings = dataclasses.replace(
            Settings.from_env(),
            rules=rules_paths,
            engine=chosen,
            max_body_bytes=max_body_bytes,
            db=url,
        )
        run(settings, host, port, workers)
    except GovrulesError as err:
        _fail(err)


def _register_commands() -> None:
    from .register.commands import register_group
    from .register.commands import token_group

    main.add_command(register_group)
    main.add_command(token_group)


_register_commands()
register_policy_commands(main)  # fmt, test, diff (cli_policy.py)


from .cli_tools import add_tools  # noqa: E402 - the rule writers' commands

add_tools(main)  # analyze, lsp (cli_tools.py)
