"""The policy team's commands: ``govrules fmt``, ``govrules test`` and ``govrules diff``.

They are registered on the main command group by :func:`register`. Exit codes follow the rest
of govrules: 0 success, 1 the check found something (files to reformat, failing tests,
coverage under the bar), 2 usage error, 3 an invalid rule or test file (the message names file,
line and column).
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import NoReturn

import click

from .errors import GovrulesError
from .errors import RuleError
from .evaluator import read_source
from .evaluator import rule_files
from .files import write_atomically


def _fail(err: GovrulesError) -> NoReturn:
    """Show a govrules error as ``Error: …`` on stderr and exit with its own code."""
    click.echo(f"Error: {err}", err=True)
    sys.exit(err.exit_code)


def _replace(path: Path, content: str) -> None:
    """Write a file whole or not at all (a usage error when the folder cannot be written)."""
    try:
        write_atomically(path, content)
    except OSError as err:
        raise click.UsageError(f"cannot write {path}: {err.strerror}") from None


@click.command("fmt")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--check", is_flag=True, help="Change nothing; exit 1 naming files to change.")
@click.option("--diff", "show_diff", is_flag=True, help="Print the changes as a diff.")
def fmt_cmd(paths: tuple[str, ...], check: bool, show_diff: bool) -> None:
    """Lay rule files (or folders of them) out in the one canonical layout."""
    from .fmt import format_text

    try:
        files = rule_files(paths)
    except GovrulesError as err:
        _fail(err)
    changed: list[Path] = []
    broken: list[str] = []
    for path in files:
        try:
            source = read_source(path)
            formatted = format_text(source)
        except RuleError as err:
            broken.append(err.render())
            continue
        except GovrulesError as err:
            broken.append(str(err))
            continue
        if formatted == source.text:
            continue
        changed.append(path)
        if show_diff:
            click.echo(
                "".join(
                    difflib.unified_diff(
                        source.text.splitlines(keepends=True),
                        formatted.splitlines(keepends=True),
                        f"a/{path}",
                        f"b/{path}",
                    )
                ),
                nl=False,
            )
        elif check:
            click.echo(f"would reformat {path}")
        else:
            _replace(path, formatted)
            click.echo(f"reformatted {path}")
    for problem in broken:
        click.echo(problem, err=True)
    verb = "would be reformatted" if check or show_diff else "reformatted"
    click.echo(
        f"{len(changed)} file(s) {verb}, {len(files) - len(changed) - len(broken)} left "
        f"unchanged" + (f", {len(broken)} could not be read" if broken else ""),
        err=True,
    )
    if broken:
        sys.exit(3)
    sys.exit(1 if check and changed else 0)


@click.command("test")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--coverage", is_flag=True, help="Also measure status and condition coverage.")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    default=None,
    metavar="PERCENT",
    help="With --coverage: exit 1 when coverage is below PERCENT.",
)
@click.option("--output", "-o", metavar="FILE", help="Write the results to FILE.")
def test_cmd(
    paths: tuple[str, ...], fmt: str, coverage: bool, fail_under: float | None, output: str | None
) -> None:
    """Run rule tests (*.test.yaml) in PATHs (files or folders; default: the bundled rules)."""
    from .evaluator import bundled_rules_dir
    from .rule_coverage_report import totals
    from .ruletest_report import to_json
    from .ruletest_report import to_junit
    from .ruletest_report import to_text
    from .ruletest_run import run_tests

    if fail_under is not None and not coverage:
        raise click.UsageError("--fail-under needs --coverage")
    chosen = [Path(p) for p in paths] or [bundled_rules_dir()]
    for p in chosen:
        if not p.exists():
            raise click.BadParameter(f"{p}: no such file or folder", param_hint="PATH")
    try:
        run = run_tests(chosen, coverage=coverage)
    except RuleError as err:
        click.echo(err.render(), err=True)
        sys.exit(3)
    except GovrulesError as err:
        _fail(err)
    if not run.results:
        click.echo(f"Error: no rule tests (*.test.yaml) in {', '.join(map(str, chosen))}", err=True)
        sys.exit(2)
    text = {"json": to_json, "junit": to_junit}.get(fmt, to_text)(run)
    if output:
        _replace(Path(output), text)
    else:
        click.echo(text, nl=False)
    code = 1 if run.failed else 0
    if run.coverage is not None and fail_under is not None:
        percent = totals(run.coverage)["percent"]
        if percent < fail_under:
            click.echo(f"coverage {percent:.1f}% is under --fail-under {fail_under:g}%", err=True)
            code = 1
    sys.exit(code)


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--old-rev",
    metavar="REV",
    help="Read OLD from this git revision (NEW defaults to OLD as it is now).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Output format (markdown for a pull request).",
)
@click.option(
    "--declarations",
    "declarations",
    multiple=True,
    metavar="PATH",
    help="Declaration file or folder to show the impact on (repeatable).",
)
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="Impact date (default: today).")
@click.option("--output", "-o", metavar="FILE", help="Write the difference to FILE.")
def diff_cmd(
    old: str,
    new: str | None,
    old_rev: str | None,
    fmt: str,
    declarations: tuple[str, ...],
    as_of: str | None,
    output: str | None,
) -> None:
    """Compare two versions of the rules: OLD and NEW are rule files, folders or bundled
    ruleset names; with --declarations, show whose findings change."""
    from .evaluator import parse_date
    from .rule_diff import diff_programs
    from .rule_diff import impact
    from .rule_diff import load_side
    from .rule_diff_report import to_json
    from .rule_diff_report import to_markdown
    from .rule_diff_report import to_text

    if new is None and old_rev is None:
        raise click.UsageError("give NEW, or --old-rev REV to compare OLD with an older version")
    if as_of is not None and not declarations:
        raise click.UsageError("--as-of needs --declarations")
    new_spec = new if new is not None else old
    try:
        date = parse_date(as_of)
        before = load_side(old, old_rev)
        after = load_side(new_spec)
        changes = diff_programs(before, after)
        effect = impact(before, after, list(declarations), date) if declarations else None
    except RuleError as err:
        click.echo(err.render(), err=True)
        sys.exit(3)
    except GovrulesError as err:
        _fail(err)
    old_label = f"{old_rev}:{old}" if old_rev else old
    render = {"markdown": to_markdown, "json": to_json}.get(fmt, to_text)
    text = render(changes, effect, old_label, new_spec)
    if output:
        _replace(Path(output), text)
    else:
        click.echo(text, nl=False)


def register(group: click.Group) -> None:
    """Add the policy team's commands to the ``govrules`` command group."""
    group.add_command(fmt_cmd)
    group.add_command(test_cmd)
    group.add_command(diff_cmd)
