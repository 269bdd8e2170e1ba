"""The manual steps' commands: ``runbook`` (the checklist) and ``ack`` (record steps as done)."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click

from o2s_config import acks
from o2s_config.catalog import load_catalog
from o2s_config.commands import DEFAULT_FILE
from o2s_config.commands.engine import DEADLINE, FILE, TARGET, _run
from o2s_config.errors import O2SConfigError, UnsafePlanError
from o2s_config.manual_steps import ManualStep
from o2s_config.render.escape import printable
from o2s_config.render.runbook import runbook_html, runbook_markdown, runbook_text
from o2s_config.suggest import closest
from o2s_config.validate import validate_file
from o2s_config.workflow import Planned, plan_file

RENDERERS = {"text": runbook_text, "markdown": runbook_markdown, "html": runbook_html}


def _planned(file: Path, target: str | None, deadline: float | None) -> Planned:
    validated = validate_file(file)
    return _run(target, 8, deadline, lambda client: plan_file(client, validated, load_catalog(), client.target.text))


@click.command()
@click.argument("file", default=DEFAULT_FILE, type=FILE)
@TARGET
@click.option("--format", "form", type=click.Choice(list(RENDERERS)), default="text", show_default=True)
@click.option("-o", "--output", type=FILE, help="Write to OUTPUT instead of stdout.")
@click.option("--show-acknowledged", is_flag=True, help="List the steps already confirmed too.")
@DEADLINE
def runbook(
    file: Path, target: str | None, form: str, output: Path | None, show_acknowledged: bool, deadline: float | None
) -> None:
    """Print the manual steps FILE asks of the target, grouped by O2S screen, as a checklist (in French)."""
    plan = _planned(file, target, deadline).plan
    steps = [*plan.manual_steps, *(plan.acknowledged if show_acknowledged else ())]
    text = RENDERERS[form](steps, plan.target)
    for warning in plan.warnings:
        if "acknowledg" in warning or "ack.yaml" in warning:
            click.echo(f"warning: {warning}", err=True)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output} ({len(steps)} step(s))", err=True)


@click.command()
@click.argument("file", default=DEFAULT_FILE, type=FILE)
@click.argument("step_ids", nargs=-1, metavar="[STEP]...")
@TARGET
@click.option("--yes", is_flag=True, help="Record without asking for confirmation.")
@click.option("--by", help="Who confirms (default: $O2S_ACK_BY, else the system user name).")
@DEADLINE
def ack(
    file: Path, step_ids: tuple[str, ...], target: str | None, yes: bool, by: str | None, deadline: float | None
) -> None:
    """Record manual steps as done in the O2S screens (all of the plan's, or the STEP ids given)."""
    plan = _planned(file, target, deadline).plan
    chosen = _chosen(plan.manual_steps, plan.acknowledged, step_ids)
    if not chosen:
        click.echo("No manual step left to acknowledge.")
        return
    click.echo(f"Steps to record as done on {plan.target}:")
    for step in chosen:
        click.echo(printable(f"  [x] {step.screen} > {step.line()}    ({step.id})"))
    _confirm(yes, len(chosen))
    shown = len(chosen)
    if not step_ids:  # what the screen set by itself is recorded too, so that a later change of it is a step
        chosen += plan.implied
    path = acks.ack_path(file)
    recorded = acks.load(path)
    if recorded.warnings:  # a hand-edited file: start again from what is confirmed now
        recorded.targets = {}
    who = by or os.environ.get("O2S_ACK_BY") or getpass.getuser()
    recorded.record(plan.target, chosen, who, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    acks.save(recorded)
    implied = f" (and {len(chosen) - shown} value(s) the screens set by themselves)" if len(chosen) > shown else ""
    click.echo(f"Acknowledged {shown} step(s){implied} in {path}.")


def _chosen(pending: Sequence[ManualStep], done: Sequence[ManualStep], ids: tuple[str, ...]) -> list[ManualStep]:
    """The steps to record: all pending ones, or those named (an unknown id is an error naming the closest)."""
    if not ids:
        return list(pending)
    by_id = {step.id: step for step in pending}
    known_done = {step.id for step in done}
    unknown = [i for i in ids if i not in by_id and i not in known_done]
    if unknown:
        hints = []
        for step_id in unknown:
            hint = closest(step_id, list(by_id))
            hints.append(f"'{step_id}'" + (f" (did you mean '{hint}'?)" if hint else ""))
        raise O2SConfigError("no pending manual step " + ", ".join(hints) + ": run 'o2s-config runbook' for the ids")
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def _confirm(yes: bool, count: int) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise UnsafePlanError("no terminal to confirm on: run ack with --yes to record without asking")
    if not click.confirm(f"Record these {count} step(s) as done in the O2S screens?", default=False):
        raise UnsafePlanError("ack cancelled")


COMMANDS = (runbook, ack)
