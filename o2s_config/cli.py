"""The ``o2s-config`` command line: a thin layer that maps errors to exit codes.

Logic lives in the stages; each command only wires them and prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from o2s_config.commands import DEFAULT_FILE
from o2s_config.commands.access import access
from o2s_config.commands.engine import COMMANDS as ENGINE_COMMANDS
from o2s_config.commands.inspect import rights
from o2s_config.commands.manual import COMMANDS as MANUAL_COMMANDS
from o2s_config.diagnostics import Diagnostic
from o2s_config.errors import InvalidFileError, O2SConfigError
from o2s_config.sandbox.commands import sandbox
from o2s_config.schema import schema_text
from o2s_config.validate import validate_file


def print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    """Every diagnostic on stderr, one per line, as ``FILE:LINE:COL: message``."""
    for diagnostic in diagnostics:
        click.echo(diagnostic.format(), err=True)


class Group(click.Group):
    """Turns the tool's own errors into a clean message and their exit code (no traceback)."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except InvalidFileError as exc:
            print_diagnostics(exc.diagnostics)
            errors = sum(1 for d in exc.diagnostics if d.severity == "error")
            click.echo(f"{errors} error(s): the file is not valid", err=True)
            sys.exit(exc.exit_code)
        except O2SConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=Group)
@click.version_option(package_name="o2s-config")
def main() -> None:
    """Configuration as code for O2S: validate, plan and apply an organisation file."""


@main.command()
@click.argument("file", default=DEFAULT_FILE, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def validate(file: Path, strict: bool) -> None:
    """Check an organisation file: shape, references, rights, hierarchy, secrets."""
    result = validate_file(file)
    print_diagnostics(result.warnings)
    org = result.organisation
    counts = ", ".join(
        f"{len(section or {})} {name}"
        for name, section in (("structures", org.structures), ("profiles", org.profiles), ("users", org.users))
    )
    click.echo(f"{file}: valid ({counts}), {len(result.warnings)} warning(s)")
    if strict and result.warnings:
        click.echo("warnings are errors with --strict", err=True)
        sys.exit(1)


@main.command()
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE instead of stdout."
)
def schema(output: Path | None) -> None:
    """Print the JSON Schema of organisation files (editors use it for completion)."""
    text = schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


main.add_command(rights)
main.add_command(access)
for _command in (*ENGINE_COMMANDS, *MANUAL_COMMANDS):
    main.add_command(_command)
main.add_command(sandbox)
