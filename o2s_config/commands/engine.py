"""The engine's commands: ``plan``, ``apply`` and ``export`` (registered in ``cli.py``)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from o2s_config.apply import ApplyReport
from o2s_config.assets import write_files
from o2s_config.backends.auth import credentials_from_env
from o2s_config.backends.bounds import DEADLINE_VARIABLE, DEFAULT_DEADLINE, Deadline, deadline_seconds
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.catalog import load_catalog
from o2s_config.changes import Change
from o2s_config.commands import DEFAULT_FILE
from o2s_config.commands.interrupt import Interruption
from o2s_config.commands.progress import progress_listener
from o2s_config.errors import ApplyError, O2SConfigError, UnsafePlanError
from o2s_config.files import write_output
from o2s_config.masking import mask
from o2s_config.plan import Plan
from o2s_config.render.escape import printable
from o2s_config.render.fit import GITHUB_COMMENT_LIMIT, MIN_CHARS, fit_markdown
from o2s_config.render.json import render_json
from o2s_config.render.markdown import render_markdown
from o2s_config.render.text import render_text
from o2s_config.validate import validate_file
from o2s_config.workflow import Planned, apply_planned, check_saved, export_tenant, plan_file

T = TypeVar("T")
FILE = click.Path(path_type=Path, dir_okay=False)
TARGET = click.option(
    "--target",
    help="sandbox:PATH, sandbox+published:PATH or http(s)://HOST (default: $O2S_TARGET, else sandbox:.o2s/sandbox.db)",
)
DEADLINE = click.option(
    "--deadline",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help=f"Time the whole command may take (default: ${DEADLINE_VARIABLE}, else {DEFAULT_DEADLINE:g}).",
)


def _client(target: str | None, parallelism: int, deadline: float | None) -> O2SClient:
    """The one client for ``target``, bounded by the command's deadline (started now)."""
    limit = Deadline(deadline_seconds(deadline))
    return O2SClient(resolve_target(target), credentials_from_env(), parallelism, deadline=limit)


def _run(target: str | None, parallelism: int, deadline: float | None, work: Callable[[O2SClient], Awaitable[T]]) -> T:
    """Open the one client for ``target`` and run ``work`` with it."""

    async def main() -> T:
        async with _client(target, parallelism, deadline) as client:
            return await work(client)

    return asyncio.run(main())


def _colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _render(plan: Plan, form: str) -> str:
    if form == "json":
        return render_json(plan)
    if form == "markdown":
        return render_markdown(plan, load_catalog())
    return render_text(plan, load_catalog(), color=_colour())


@click.command()
@click.argument("file", default=DEFAULT_FILE, type=FILE)
@TARGET
@click.option("--format", "form", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--out", type=FILE, help="Save the plan (JSON) for a later 'apply PLAN'.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 0 when there is no change, 2 when there are changes.")
@click.option("--force", is_flag=True, help="Do not report the deletion threshold as an error.")
@click.option(
    "--max-chars",
    type=click.IntRange(min=MIN_CHARS),
    help=f"With --format markdown: cut the plan to N characters (a GitHub comment holds {GITHUB_COMMENT_LIMIT}).",
)
@click.option("--full-plan", help="Where the full plan is (a URL or a few words), named when --max-chars cuts.")
@DEADLINE
def plan(
    file: Path,
    target: str | None,
    form: str,
    out: Path | None,
    detailed_exitcode: bool,
    force: bool,
    max_chars: int | None,
    full_plan: str | None,
    deadline: float | None,
) -> None:
    """Show what apply would change on the target to match FILE."""
    if max_chars is not None and form != "markdown":
        raise O2SConfigError("--max-chars applies to --format markdown only")
    validated = validate_file(file)
    planned = _run(target, 8, deadline, lambda client: plan_file(client, validated, load_catalog(), client.target.text))
    text = _render(planned.plan, form)
    click.echo(text if max_chars is None else fit_markdown(text, max_chars, full_plan), nl=False)
    if out is not None:
        write_output(out, render_json(planned.plan))
        click.echo(printable(f"plan saved to {out}"), err=True)
    refusals = planned.plan.refusals(force)
    if refusals:
        raise UnsafePlanError("the plan is refused: " + "; ".join(refusals))
    if detailed_exitcode and not planned.plan.empty:
        sys.exit(2)


def _saved_plan(path: Path) -> dict[str, Any] | None:
    """The saved plan in ``path`` (a ``.json`` file written by ``plan --out``), or None for an organisation file."""
    if path.suffix != ".json":
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise O2SConfigError(f"{path}: not a readable saved plan ({error})") from None
    if not isinstance(document, dict) or "fingerprint" not in document or "file" not in document.get("source", {}):
        raise O2SConfigError(f"{path}: not a plan saved by 'o2s-config plan --out'")
    return document


@click.command()
@click.argument("file", default=DEFAULT_FILE, type=FILE)
@TARGET
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option("--force", is_flag=True, help="Allow deleting or deactivating more than the safety share.")
@click.option("--parallelism", type=click.IntRange(1, 64), default=8, show_default=True, help="Changes made at once.")
@DEADLINE
def apply(
    file: Path, target: str | None, auto_approve: bool, force: bool, parallelism: int, deadline: float | None
) -> None:
    """Make the changes that bring the target to FILE (an organisation file, or a plan saved by plan --out).

    Ctrl-C starts no new change and waits for those in flight, then says what was done (twice: abandon them).
    """
    saved = _saved_plan(file)
    if saved is not None:
        target = target or saved.get("target")
        file = Path(saved.get("source", {}).get("file", ""))
    validated = validate_file(file)
    # one event loop for the whole command, so the confirmation prompt runs outside it (Ctrl-C works there)
    with asyncio.Runner() as runner:
        client = _client(target, parallelism, deadline)
        try:
            planned = runner.run(plan_file(client, validated, load_catalog(), client.target.text))
            if saved is not None:
                check_saved(saved, planned)
            click.echo(render_text(planned.plan, load_catalog(), color=_colour()), nl=False)
            refusals = planned.plan.refusals(force)
            if refusals:
                raise UnsafePlanError("the plan is refused: " + "; ".join(refusals))
            if planned.plan.empty:
                report, interrupted = None, False
            else:
                _confirm(auto_approve)
                report, interrupted = _apply_interruptibly(runner, client, planned, parallelism)
        finally:
            runner.run(client.aclose())
    _report(report, validated.loaded.secrets, interrupted)


def _apply_interruptibly(
    runner: asyncio.Runner, client: O2SClient, planned: Planned, parallelism: int
) -> tuple[ApplyReport, bool]:
    """Apply the plan; Ctrl-C stops starting changes (``commands.interrupt``). The report, and whether interrupted."""
    listener, close = progress_listener(planned.plan.changes, sys.stderr.isatty())
    finished: list[Change] = []

    def on_finish(change: Change, error: BaseException | None) -> None:
        if error is None:
            finished.append(change)
        listener(change, error)

    interruption = Interruption(runner.get_loop())
    try:
        with interruption.installed():
            work = apply_planned(client, planned, parallelism, on_finish, interruption.stop)
            report = runner.run(interruption.watched(work))
    except asyncio.CancelledError:
        close()
        raise _abandoned(planned.plan.changes, finished) from None
    close()
    return report, interruption.presses > 0


def _abandoned(changes: Sequence[Change], finished: list[Change]) -> ApplyError:
    """The error of an apply abandoned by a second Ctrl-C: what is known done, and that the rest is not known."""
    done = {c.id for c in finished}
    for change in finished:
        click.echo(printable(f"done: {change.describe()}"), err=True)
    rest = [c.describe() for c in changes if c.id not in done and not c.manual]
    return ApplyError(
        f"apply abandoned: {len(finished)} change(s) done; the changes in flight may or may not have been made "
        f"and {len(rest)} were not confirmed; run plan to see what remains",
        [c.describe() for c in finished],
        rest,
    )


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise UnsafePlanError("no terminal to confirm on: run apply with --auto-approve to apply without asking")
    if not click.confirm("Apply these changes?", default=False):
        raise UnsafePlanError("apply cancelled")


def _report(report: ApplyReport | None, secrets: set[str], interrupted: bool = False) -> None:
    if report is None:
        click.echo("Nothing to apply.")
        return
    for change in report.manual:
        click.echo(printable(f"manual: {change.describe()}"))
    if report.ok:
        click.echo(f"Apply complete: {len(report.done)} change(s) made.")
        return
    failures = [f"{c.describe()}: {mask(str(e), secrets)}" for c, e in report.failed]
    for line in failures:
        click.echo(printable(f"failed: {line}"), err=True)
    not_done = [c.describe() for c in report.not_started]
    click.echo(
        f"{len(report.done)} change(s) done, {len(report.failed)} failed, {len(not_done)} not started:", err=True
    )
    for line in not_done:
        click.echo(printable(f"  not done: {line}"), err=True)
    why = "was interrupted (Ctrl-C)" if interrupted and not report.failed else "stopped on a failure"
    raise ApplyError(
        f"apply {why}; run plan to see what remains",
        [c.describe() for c in report.done],
        [*(c.describe() for c, _ in report.failed), *not_done],
    )


@click.command()
@TARGET
@click.option("-o", "--output", type=FILE, help="Write to FILE (and its files beside it) instead of stdout ('-').")
@click.option("--overwrite", is_flag=True, help="Replace files beside FILE that exist with other content.")
@DEADLINE
def export(target: str | None, output: Path | None, overwrite: bool, deadline: float | None) -> None:
    """Write the target's organisation as a file (passwords as ${env:...} references) with the files it holds."""
    exported = _run(target, 8, deadline, lambda client: export_tenant(client, load_catalog()))
    files = exported.files
    for name, safe in files.renamed.items():
        click.echo(
            printable(f"warning: the tenant's file name '{name}' is not a safe relative path: written as '{safe}'"),
            err=True,
        )
    for name in files.missing:
        click.echo(
            printable(f"warning: the tenant refers to '{name}' but holds no content for it: not written"), err=True
        )
    if output is None or str(output) == "-":
        click.echo(exported.text, nl=False)
        if files.contents:
            names = ", ".join(sorted(files.contents))
            click.echo(
                printable(
                    f"not written: {len(files.contents)} file(s) the tenant holds, which the file above refers to "
                    f"relative to its own folder ({names}); export with -o FILE to write them beside FILE"
                ),
                err=True,
            )
        return
    folder = output.parent
    folder.mkdir(parents=True, exist_ok=True)
    written, unchanged = write_files(folder, files.contents, overwrite)
    write_output(output, exported.text)
    click.echo(printable(f"wrote {output}"), err=True)
    for path in written:
        click.echo(printable(f"wrote {path}"), err=True)
    if unchanged:
        click.echo(f"{len(unchanged)} file(s) already there with the same content", err=True)


COMMANDS = (plan, apply, export)
