"""The ``o2s-config`` command line: a thin layer that maps errors to exit codes.

Logic lives in the stages; each command only wires them and prints.
"""

from __future__ import annotations

import atexit
import functools
import gc
import importlib
import sqlite3
import sys
from pathlib import Path
from typing import NoReturn

import click

from o2s_config.annotations import FileResult, github_annotations, gitlab_code_quality, json_report
from o2s_config.commands import DEFAULT_FILE
from o2s_config.diagnostics import Diagnostic
from o2s_config.errors import InvalidFileError, O2SConfigError
from o2s_config.files import database_error, os_error, write_output
from o2s_config.loader import display_name
from o2s_config.render.escape import printable, printable_lines
from o2s_config.schema import schema_text
from o2s_config.validate import validate_file


def print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    """Every diagnostic on stderr, one per line, as ``FILE:LINE:COL: message`` (control characters escaped)."""
    for diagnostic in diagnostics:
        click.echo(printable(diagnostic.format()), err=True)


def fail(message: str, exit_code: int = 1) -> NoReturn:
    """Print ``error: message`` on stderr (control characters escaped) and exit."""
    click.echo(printable_lines(f"error: {message}"), err=True)
    sys.exit(exit_code)


# command -> "module:attribute": imported when that command runs (or help lists them), so that
# ``validate`` does not load the HTTP client, the sandbox and the access review (~0.3 s a run)
LAZY_COMMANDS = {
    "access": "o2s_config.commands.access:access",
    "ack": "o2s_config.commands.manual:ack",
    "apply": "o2s_config.commands.engine:apply",
    "export": "o2s_config.commands.engine:export",
    "plan": "o2s_config.commands.engine:plan",
    "reset-password": "o2s_config.commands.actions:reset_password",
    "rights": "o2s_config.commands.inspect:rights",
    "runbook": "o2s_config.commands.manual:runbook",
    "sandbox": "o2s_config.sandbox.commands:sandbox",
}


class Group(click.Group):
    """Turns the tool's own errors into a clean message and their exit code (no traceback).

    Commands of ``LAZY_COMMANDS`` are imported when asked for.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in LAZY_COMMANDS:
            return super().get_command(ctx, name)
        module, attribute = LAZY_COMMANDS[name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except InvalidFileError as exc:
            print_diagnostics(exc.diagnostics)
            errors = sum(1 for d in exc.diagnostics if d.severity == "error")
            click.echo(f"{errors} error(s): the file is not valid", err=True)
            sys.exit(exc.exit_code)
        except O2SConfigError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            # apply handles Ctrl-C itself while it makes changes: one reaching here came before any change
            fail("interrupted (Ctrl-C) before any change was made")
        except OSError as exc:  # the last resort for a file no stage mapped: still one line naming it
            fail(str(os_error(exc.filename or "a file", exc, "use it")))
        except sqlite3.Error as exc:
            fail(str(database_error("(embedded target)", exc)))


@click.group(cls=Group)
@click.version_option(package_name="o2s-config")
def main() -> None:
    """Configuration as code for O2S: validate, plan and apply an organisation file."""
    # The cyclic collector's defaults (a young collection every 700 allocations) suit long-lived
    # processes; a command holding two 10,000-user organisations spent ~2 s of a no-op plan and
    # ~6 s of a first apply in collections finding nothing. Every 500,000 allocations: what a plan
    # builds lives until it ends, so collecting it young only walks it (0.12 s of a 10,000-user
    # plan at 50,000, 0.02 s at 500,000; the same peak memory). Reference counting frees as ever.
    gc.set_threshold(500_000, 20, 10)
    _skip_last_collection()


@functools.cache  # once per process, however many commands run in it (tests run hundreds)
def _skip_last_collection() -> None:
    """At exit, hide every object from the collector's last pass.

    That pass walks all that is still tracked (models, schemas, the catalogue) and frees nothing
    that matters: 0.07 s of a 10,000-user plan, 0.03 s of its validate. What must be released is
    released before: the embedded tenant's database closes with its client (``Store.close``).
    """
    atexit.register(gc.freeze)


VALIDATE_FORMATS = {"github": github_annotations, "gitlab": gitlab_code_quality, "json": json_report}


def validation_result(file: Path) -> FileResult:
    """Validate one file into a result every output format can print."""
    name = display_name(file)
    try:
        validated = validate_file(file)
    except InvalidFileError as exc:
        return FileResult(name, exc.diagnostics)
    except O2SConfigError as exc:
        return FileResult(name, failure=str(exc))
    org = validated.organisation
    counts = {
        name: len(section or {})
        for name, section in (("structures", org.structures), ("profiles", org.profiles), ("users", org.users))
    }
    return FileResult(name, validated.warnings, counts)


def _print_text(result: FileResult) -> None:
    """The human form: diagnostics on stderr, then one line saying whether the file is valid."""
    print_diagnostics(result.diagnostics)
    if result.failure:
        click.echo(printable_lines(f"error: {result.failure}"), err=True)
    if result.counts is None:
        click.echo(f"{result.errors} error(s): the file is not valid", err=True)
        return
    counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
    click.echo(printable(f"{result.file}: valid ({counts}), {result.warnings} warning(s)"))


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", *VALIDATE_FORMATS]),
    default="text",
    show_default=True,
    help="text for people; github: workflow-command annotations; gitlab: a Code Quality report; json.",
)
def validate(files: tuple[Path, ...], strict: bool, form: str) -> None:
    """Check organisation files (default: organisation.yaml): shape, references, rights, hierarchy, secrets."""
    results = [validation_result(file) for file in files or (Path(DEFAULT_FILE),)]
    if form == "text":
        for result in results:
            _print_text(result)
    else:
        click.echo(VALIDATE_FORMATS[form](results), nl=False)
    invalid = any(r.errors for r in results)
    warned = any(r.warnings for r in results)
    if strict and warned and not invalid:
        click.echo("warnings are errors with --strict", err=True)
    if invalid or (strict and warned):
        sys.exit(1)


@main.command()
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to FILE instead of stdout."
)
@click.option("--check", "check", is_flag=True, help="Check that each FILE holds the current schema (pre-commit).")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
def schema(output: Path | None, check: bool, files: tuple[Path, ...]) -> None:
    """Print the JSON Schema of organisation files (editors use it for completion)."""
    text = schema_text()
    if check or files:
        if not check or not files or output is not None:
            raise click.UsageError("use FILE... with --check, and --check without -o")
        stale = [f for f in files if not f.is_file() or f.read_bytes() != text.encode("utf-8")]
        for file in stale:
            click.echo(f"{file}: not the schema of this o2s-config: run o2s-config schema -o {file}", err=True)
        if stale:
            sys.exit(1)
        return
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)
        click.echo(printable(f"wrote {output}"), err=True)
