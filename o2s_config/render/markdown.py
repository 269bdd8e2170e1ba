"""The plan as Markdown for a pull-request comment: summary table, one section per resource type.

Every value is escaped (a ``|`` or a backtick in a name must not break the table), and a long
plan folds each section in ``<details>`` so the comment stays readable.
"""

from __future__ import annotations

import html

from o2s_config.access_diff import AccessChanges
from o2s_config.catalog import Catalog
from o2s_config.changes import Change, FieldChange
from o2s_config.kinds import REGISTER
from o2s_config.manual_steps import by_screen
from o2s_config.plan import Plan
from o2s_config.render.common import (
    BILLED_TITLE,
    HEADLINES,
    access_headline,
    field_label,
    item_text,
    manual_path,
    rights_text,
    visibility_text,
)
from o2s_config.render.escape import printable, printable_lines

FOLD_AFTER = 20  # changes in a plan before its sections are folded
SIGNS = {"create": "➕ create", "update": "✏️ update", "delete": "➖ delete", "adopt": "🔗 adopt"}
ACCESS_SIGNS = {"changed": "✏️", "activated": "➕", "deactivated": "➖"}


def escape(text: str) -> str:
    """Text safe inside a Markdown table cell: HTML, pipes, backticks, emphasis and newlines neutralised."""
    text = html.escape(printable_lines(text), quote=False)
    for char in "\\|`*_[]#~":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "<br>")


def render_markdown(plan: Plan, catalog: Catalog) -> str:
    """The whole comment."""
    counts = plan.summary
    out = [f"## o2s-config plan for `{printable(plan.target).replace('`', '')}`", ""]
    if counts["adopt"]:
        out += ["| Create | Adopt | Update | Delete | Manual |", "|---:|---:|---:|---:|---:|"]
        out += [
            f"| {counts['create']} | {counts['adopt']} | {counts['update']} | {counts['delete']} "
            f"| {counts['manual']} |",
            "",
        ]
    else:
        out += ["| Create | Update | Delete | Manual |", "|---:|---:|---:|---:|"]
        out += [f"| {counts['create']} | {counts['update']} | {counts['delete']} | {counts['manual']} |", ""]
    if plan.empty:
        out += ["No changes: the tenant matches the file.", ""]
    fold = len(plan.changes) > FOLD_AFTER
    if plan.removals:
        removed = ", ".join(f"{c.resource} {escape(c.key)}" for c in plan.removals)
        out += [f"**Removes (deletes or deactivates):** {removed}", ""]
    for kind in REGISTER:
        changes = [c for c in plan.changes if c.resource == kind.name]
        if changes:
            out += _section(kind.title, changes, catalog, fold)
    if plan.billed:
        out += [f"### {BILLED_TITLE}", "", "| Option | Now | Once applied |", "|---|---:|---:|"]
        out += [f"| {escape(c.option.label)} (`{c.option.key}`) | {c.before} | {c.after} |" for c in plan.billed] + [""]
    out += _steps(plan)
    out += _access(plan.access)
    if plan.warnings:
        out += ["### Warnings", ""] + [f"- ⚠️ {escape(w)}" for w in plan.warnings] + [""]
    refusals = [*plan.lockout_violations, *plan.threshold_violations]
    if refusals:
        out += ["### Refused", ""] + [f"- ⛔ {escape(r)}" for r in refusals] + [""]
    return "\n".join(out)


def _steps(plan: Plan) -> list[str]:
    """The manual steps still to do, by screen, as task lists."""
    if not plan.manual_steps:
        return []
    out = [f"### Manual steps in the O2S screens ({len(plan.manual_steps)})", ""]
    for screen, group in by_screen(plan.manual_steps).items():
        out += [f"**{escape(screen)}**", ""] + [f"- [ ] {escape(step.line())}" for step in group] + [""]
    if plan.acknowledged:
        out += [f"{plan.acknowledged_count} manual step(s) acknowledged as done.", ""]
    return out


def _section(title: str, changes: list[Change], catalog: Catalog, fold: bool) -> list[str]:
    rows = ["| Action | Key | Field | Before | After |", "|---|---|---|---|---|"]
    for change in changes:
        rows += _rows(change, catalog)
    heading = f"{title} ({len(changes)})"
    if fold:
        return ["<details>", f"<summary>{html.escape(heading)}</summary>", "", *rows, "", "</details>", ""]
    return [f"### {heading}", "", *rows, ""]


def _access(access: AccessChanges) -> list[str]:
    """The "Access changes" section: one row per user whose visibility or sensitive rights change."""
    if not access.users and not access.notes:
        return []
    rows = ["| User | Agendas | Clients | Rights |", "|---|---|---|---|"]
    for user in access.users:
        cells = [visibility_text(user.agendas), visibility_text(user.clients), rights_text(user.rights)]
        head = f"{ACCESS_SIGNS[user.status]} {escape(access_headline(user))}"
        rows.append("| " + " | ".join([head, *(escape(cell) for cell in cells)]) + " |")
    notes = [f"- {escape(note)}" for note in access.notes]
    heading = f"Access changes ({len(access.users)} user(s) whose visibility or sensitive rights change)"
    if len(access.users) > FOLD_AFTER:
        return ["<details>", f"<summary>{html.escape(heading)}</summary>", "", *rows, "", *notes, "</details>", ""]
    return [f"### {heading}", "", *(rows if access.users else []), "", *notes, *([""] if notes else [])]


def _rows(change: Change, catalog: Catalog) -> list[str]:
    key = escape(HEADLINES[change.resource](change))
    if change.renamed_from:
        key += f" (renamed from {escape(change.renamed_from)})"
    if change.manual:
        key += f" — manual: {escape(manual_path(change))}"
    action = SIGNS[change.action]
    if not change.fields or change.action == "delete":
        return [f"| {action} | {key} |  |  |  |"]
    return [
        f"| {action if i == 0 else ''} | {key if i == 0 else ''} | {escape(field_label(f, catalog))} | "
        f"{escape(_before(f, catalog)) if change.action == 'update' else ''} | {escape(_after(f, catalog))} |"
        for i, f in enumerate(change.fields)
    ]


def _before(f: FieldChange, catalog: Catalog) -> str:
    """The Before cell: the old value, or the item a list loses (nothing for an item it gains)."""
    return "" if f.op == "add" else item_text(f, f.before, catalog)


def _after(f: FieldChange, catalog: Catalog) -> str:
    """The After cell: the new value, or the item a list gains (nothing for an item it loses)."""
    return "" if f.op == "remove" else item_text(f, f.after, catalog)
