"""The engine's commands: ``plan``, ``apply`` and ``export`` (registered in ``cli.py``)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import click

from o2s_config.apply import ApplyReport
from o2s_config.backends.auth import credentials_from_env
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.catalog import load_catalog
from o2s_config.commands import DEFAULT_FILE
from o2s_config.commands.progress import progress_listener
from o2s_config.errors import ApplyError, O2SConfigError, UnsafePlanError
from o2s_config.masking import mask
from o2s_config.plan import Plan
from o2s_config.positioned import PosDict
from o2s_config.render.json import render_json
from o2s_config.render.markdown import render_markdown
from o2s_config.render.text import render_text
from o2s_config.validate import ValidatedOrganisation, validate_file
from o2s_config.workflow import apply_planned, check_saved, export_tenant, plan_file

T = TypeVar("T")
FILE = click.Path(path_type=Path, dir_okay=False)
TARGET = click.option(
    "--target",
    help="sandbox:PATH, sandbox+published:PATH or http(s)://HOST (default: $O2S_TARGET, else sandbox:.o2s/sandbox.db)",
)


def _run(target: str | None, parallelism: int, work: Callable[[O2SClient], Awaitable[T]]) -> T:
    """Open the one client for ``target`` and run ``work`` with it."""

    # The result is handed out beside the task, not returned by it: on Python 3.11, asyncio.run
    # restoring the SIGINT handler formats the finished task with its result (the whole plan
    # and tenant state, about 0.5 s for 10,000 users).
    results: list[T] = []

    async def main() -> None:
        async with O2SClient(resolve_target(target), credentials_from_env(), parallelism) as client:
            results.append(await work(client))

    asyncio.run(main())
    return results[0]


def _validated(file: Path) -> ValidatedOrganisation:
    """The file, validated, without its positioned tree: plan and apply never point into the file
    afterwards, and for 10,000 users that tree holds about 40 MB through the whole plan."""
    validated = validate_file(file)
    tree = validated.loaded.data
    return replace(validated, loaded=replace(validated.loaded, data=PosDict(tree.file, tree.start)))


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
def plan(file: Path, target: str | None, form: str, out: Path | None, detailed_exitcode: bool, force: bool) -> None:
    """Show what apply would change on the target to match FILE."""
    validated = _validated(file)
    planned = _run(target, 8, lambda client: plan_file(client, validated, load_catalog(), resolve_target(target).text))
    click.echo(_render(planned.plan, form), nl=False)
    if out is not None:
        out.write_text(render_json(planned.plan), encoding="utf-8")
        click.echo(f"plan saved to {out}", err=True)
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
def apply(file: Path, target: str | None, auto_approve: bool, force: bool, parallelism: int) -> None:
    """Make the changes that bring the target to FILE (an organisation file, or a plan saved by plan --out)."""
    saved = _saved_plan(file)
    if saved is not None:
        target = target or saved.get("target")
        file = Path(saved.get("source", {}).get("file", ""))
    validated = _validated(file)

    async def work(client: O2SClient) -> ApplyReport | None:
        planned = await plan_file(client, validated, load_catalog(), client.target.text)
        if saved is not None:
            check_saved(saved, planned)
        click.echo(render_text(planned.plan, load_catalog(), color=_colour()), nl=False)
        refusals = planned.plan.refusals(force)
        if refusals:
            raise UnsafePlanError("the plan is refused: " + "; ".join(refusals))
        if planned.plan.empty:
            return None
        _confirm(auto_approve)
        listener, close = progress_listener(planned.plan.changes, sys.stderr.isatty())
        try:
            return await apply_planned(client, planned, parallelism, listener)
        finally:
            close()

    report = _run(target, parallelism, work)
    _report(report, validated.loaded.secrets)


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    if not sys.stdin.isatty():
        raise UnsafePlanError("no terminal to confirm on: run apply with --auto-approve to apply without asking")
    if not click.confirm("Apply these changes?", default=False):
        raise UnsafePlanError("apply cancelled")


def _report(report: ApplyReport | None, secrets: set[str]) -> None:
    if report is None:
        click.echo("Nothing to apply.")
        return
    for change in report.manual:
        click.echo(f"manual: {change.describe()}")
    if report.ok:
        click.echo(f"Apply complete: {len(report.done)} change(s) made.")
        return
    failures = [f"{c.describe()}: {mask(str(e), secrets)}" for c, e in report.failed]
    for line in failures:
        click.echo(f"failed: {line}", err=True)
    not_done = [c.describe() for c in report.not_started]
    click.echo(
        f"{len(report.done)} change(s) done, {len(report.failed)} failed, {len(not_done)} not started:", err=True
    )
    for line in not_done:
        click.echo(f"  not done: {line}", err=True)
    raise ApplyError(
        "apply stopped on a failure; run plan to see what remains",
        [c.describe() for c in report.done],
        [*(c.describe() for c, _ in report.failed), *not_done],
    )


@click.command()
@TARGET
@click.option("-o", "--output", type=FILE, help="Write to FILE instead of stdout.")
def export(target: str | None, output: Path | None) -> None:
    """Write the target's organisation as a file (passwords as ${env:...} references)."""
    text = _run(target, 8, lambda client: export_tenant(client, load_catalog()))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}", err=True)


COMMANDS = (plan, apply, export)
