"""The plan as text, terraform-like: ``+`` create, ``~`` update, ``-`` delete; coloured on a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from o2s_config.access_diff import AccessChanges
from o2s_config.catalog import Catalog
from o2s_config.changes import Change
from o2s_config.manual_steps import by_screen
from o2s_config.plan import Plan
from o2s_config.render.common import (
    ACCESS_SIGNS,
    access_headline,
    billed_line,
    described,
    field_label,
    headline,
    item_text,
    manual_path,
    rights_text,
    visibility_text,
)
from o2s_config.render.escape import printable

SIGNS = {"create": ("+", "green"), "update": ("~", "yellow"), "delete": ("-", "red"), "adopt": ("=", "cyan")}
ACCESS_COLOURS = {"changed": "yellow", "activated": "green", "deactivated": "red"}


def plan_lines(plan: Plan, catalog: Catalog) -> list[Text]:
    """Every line of the text plan, styled (styles are dropped when colour is off)."""
    lines = [Text(f"Plan for {printable(plan.target)}", style="bold")]
    if plan.empty:
        lines.append(Text("No changes: the tenant matches the file."))
    for change in plan.changes:
        lines += change_lines(change, catalog)
    lines += step_lines(plan)
    lines += access_lines(plan.access)
    counts = plan.summary
    adopt = f"{counts['adopt']} to adopt, " if counts["adopt"] else ""
    lines.append(Text(""))
    lines.append(
        Text(
            f"Plan: {counts['create']} to create, {adopt}{counts['update']} to update, "
            f"{counts['delete']} to delete, {counts['manual']} manual.",
            style="bold",
        )
    )
    if plan.removals:
        removed = ", ".join(f"{c.resource} {printable(c.key)}" for c in plan.removals)
        lines.append(Text(f"Removes (deletes or deactivates): {removed}", style="bold red"))
    if plan.billed:
        lines.append(Text(billed_line(plan)))
    lines += [Text(f"Warning: {printable(w)}", style="yellow") for w in plan.warnings]
    refused = [*plan.lockout_violations, *plan.threshold_violations]
    lines += [Text(f"Refused: {printable(r)}", style="bold red") for r in refused]
    return lines


def step_lines(plan: Plan) -> list[Text]:
    """The manual steps still to do, by screen; the acknowledged ones are only counted."""
    lines: list[Text] = []
    if plan.manual_steps:
        lines += [Text(""), Text(f"Manual steps in the O2S screens ({len(plan.manual_steps)}):", style="bold magenta")]
        for screen, group in by_screen(plan.manual_steps).items():
            lines.append(Text(printable(f"  {screen}"), style="magenta"))
            lines += [Text(printable(f"    [ ] {step.line()}    ({step.id})")) for step in group]
        lines.append(Text("  (o2s-config runbook prints them as a checklist; o2s-config ack records them as done)"))
    if plan.acknowledged:
        lines.append(Text(f"{plan.acknowledged_count} manual step(s) acknowledged as done (--show-acknowledged)."))
    return lines


def acknowledged_lines(plan: Plan) -> list[Text]:
    """The acknowledged steps, one line each (``plan --show-acknowledged``)."""
    lines = [Text(f"Acknowledged manual steps ({len(plan.acknowledged)}):", style="bold")]
    lines += [Text(printable(f"  [x] {step.screen} > {step.line()}    ({step.id})")) for step in plan.acknowledged]
    return lines


def change_lines(change: Change, catalog: Catalog) -> list[Text]:
    """One header line for the change, one line per field (values escaped: ``render.escape``)."""
    sign, colour = SIGNS[change.action]
    header = Text(f"  {sign} {printable(headline(change))}", style=colour)
    if change.renamed_from:
        header.append(f" (renamed from {printable(change.renamed_from)})")
    if change.manual:
        header.append(f" [manual: {manual_path(change)}]", style="magenta")
    if change.action == "adopt":
        header.append(f" (adopts {change.facts.get('person')}: writes the link only)")
    lines = [header]
    for f in change.fields:
        if change.action == "delete":
            continue
        line = Text(f"      {printable(field_label(f, catalog))}: ")
        if f.op == "remove":
            line.append(printable(item_text(f, f.before, catalog)), style="red")
        elif f.op == "add":
            line.append(printable(item_text(f, f.after, catalog)), style="green")
        else:
            if change.action == "update":
                line.append(printable(described(f, f.before, catalog)), style="red")
                line.append(" -> ")
            line.append(printable(described(f, f.after, catalog)), style="green")
        lines.append(line)
    return lines


def access_lines(access: AccessChanges) -> list[Text]:
    """The "Access changes" section: each user whose visibility or sensitive rights change."""
    if not access.users and not access.notes:
        return []
    heading = f"Access changes: {len(access.users)} user(s) whose visibility or sensitive rights change"
    lines = [Text(""), Text(heading, style="bold")]
    for user in access.users:
        colour = ACCESS_COLOURS[user.status]
        lines.append(Text(f"  {ACCESS_SIGNS[user.status]} {printable(access_headline(user))}", style=colour))
        for what, change in (("agendas", user.agendas), ("clients", user.clients)):
            if change:
                lines.append(Text(f"      {what}: {printable(visibility_text(change))}"))
        if user.rights:
            lines.append(Text(f"      rights: {rights_text(user.rights)}"))
    lines += [Text(f"  note: {printable(note)}") for note in access.notes]
    return lines


def render_text(
    plan: Plan, catalog: Catalog, color: bool = False, width: int = 160, show_acknowledged: bool = False
) -> str:
    """The text plan; ``color`` adds ANSI styles (the CLI turns it on for a terminal without NO_COLOR)."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    lines = plan_lines(plan, catalog) + (acknowledged_lines(plan) if show_acknowledged else [])
    for line in lines:
        if color or "\t" in line.plain:
            console.print(line, soft_wrap=True)
        else:  # what rich would print, without its ~50 µs a line (a 10,000-user first plan has 190,000)
            buffer.write(line.plain + "\n")
    return buffer.getvalue()
