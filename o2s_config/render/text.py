"""The plan as text, terraform-like: ``+`` create, ``~`` update, ``-`` delete; coloured on a terminal."""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from o2s_config.catalog import Catalog
from o2s_config.changes import Change
from o2s_config.plan import Plan
from o2s_config.render.common import described, field_label, headline, item_text, manual_path
from o2s_config.render.escape import printable

SIGNS = {"create": ("+", "green"), "update": ("~", "yellow"), "delete": ("-", "red")}


def plan_lines(plan: Plan, catalog: Catalog) -> list[Text]:
    """Every line of the text plan, styled (styles are dropped when colour is off)."""
    lines = [Text(f"Plan for {printable(plan.target)}", style="bold")]
    if plan.empty:
        lines.append(Text("No changes: the tenant matches the file."))
    for change in plan.changes:
        lines += change_lines(change, catalog)
    counts = plan.summary
    lines.append(Text(""))
    lines.append(
        Text(
            f"Plan: {counts['create']} to create, {counts['update']} to update, "
            f"{counts['delete']} to delete, {counts['manual']} manual.",
            style="bold",
        )
    )
    if plan.removals:
        removed = ", ".join(f"{c.resource} {printable(c.key)}" for c in plan.removals)
        lines.append(Text(f"Removes (deletes or deactivates): {removed}", style="bold red"))
    lines += [Text(f"Warning: {printable(w)}", style="yellow") for w in plan.warnings]
    refused = [*plan.lockout_violations, *plan.threshold_violations]
    lines += [Text(f"Refused: {printable(r)}", style="bold red") for r in refused]
    return lines


def change_lines(change: Change, catalog: Catalog) -> list[Text]:
    """One header line for the change, one line per field (values escaped: ``render.escape``)."""
    sign, colour = SIGNS[change.action]
    header = Text(f"  {sign} {printable(headline(change))}", style=colour)
    if change.renamed_from:
        header.append(f" (renamed from {printable(change.renamed_from)})")
    if change.manual:
        header.append(f" [manual: {manual_path(change)}]", style="magenta")
    lines = [header]
    for f in change.fields:
        if change.action == "delete":
            continue
        line = Text(f"      {printable(field_label(f))}: ")
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


def render_text(plan: Plan, catalog: Catalog, color: bool = False, width: int = 160) -> str:
    """The text plan; ``color`` adds ANSI styles (the CLI turns it on for a terminal without NO_COLOR)."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False)
    for line in plan_lines(plan, catalog):
        if color or "\t" in line.plain:
            console.print(line, soft_wrap=True)
        else:  # what rich would print, without its ~50 µs a line (a 10,000-user first plan has 190,000)
            buffer.write(line.plain + "\n")
    return buffer.getvalue()
