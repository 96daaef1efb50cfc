"""Commands for people who write rules: ``govrules analyze`` and ``govrules lsp``.

Registered on the main command group by :func:`add_tools`, so ``cli.py`` needs one line.
"""

from __future__ import annotations

import sys

import click

from .errors import GovrulesError
from .errors import RuleError


@click.command("analyze")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option(
    "--example",
    "example_rule",
    metavar="RULE",
    help="Write the counter-examples of RULE's findings as YAML merge patches.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--show-explained", is_flag=True, help="Also list findings the rules explain.")
def analyze_cmd(
    paths: tuple[str, ...], example_rule: str | None, fmt: str, show_explained: bool
) -> None:
    """Prove properties of rule files with an SMT solver.

    Reports rules that never pass, fail or apply, pairs that contradict or repeat each other
    and values no rule covers, as file:line:col: code: message, each with a counter-example.
    PATHS default to the bundled rulesets. Exit code 1 when a finding is not explained by an
    '# analyze:' comment in the rules (see docs/analysis.md).
    """
    from .analysis import analyze
    from .analysis.report import example_yaml
    from .analysis.report import explain
    from .analysis.report import render_text
    from .analysis.report import to_json
    from .evaluator import load_rulesets

    try:
        program = load_rulesets(list(paths) if paths else None)
    except RuleError as err:
        click.echo(err.render(), err=True)
        sys.exit(3)
    except GovrulesError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(err.exit_code)
    if example_rule is not None and example_rule not in {r.id for r in program.rules}:
        raise click.BadParameter(f"no rule has ID {example_rule}", param_hint="'--example'")
    result = analyze(program)
    explain(result, {r.id: r for r in program.rules})
    if example_rule is not None:
        mine = [
            f
            for f in result.findings
            if f.example is not None and (f.rule.id == example_rule or example_rule in f.others)
        ]
        if not mine:
            click.echo(f"{example_rule}: no finding, so no counter-example", err=True)
            return
        click.echo("---\n".join(example_yaml(f) for f in mine), nl=False)
        return
    click.echo(to_json(result) if fmt == "json" else render_text(result, show_explained), nl=False)
    open_ = [f for f in result.findings if f.code != "not_analysed" and not f.explained]
    sys.exit(1 if open_ else 0)


@click.command("lsp")
def lsp_cmd() -> None:
    """Run the language server for rule files over standard input and output.

    Editors start it themselves (see docs/editors.md): diagnostics as you type, hover,
    go to definition, completion, document symbols and formatting.
    """
    from .lsp.server import serve

    serve()


def add_tools(group: click.Group) -> None:
    """Register the commands of this module on the ``govrules`` group."""
    group.add_command(analyze_cmd)
    group.add_command(lsp_cmd)
