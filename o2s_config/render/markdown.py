"""The plan as Markdown for a pull-request comment: summary table, one section per resource type.

Every value is escaped (a ``|`` or a backtick in a name must not break the table), and a long
plan folds each section in ``<details>`` so the comment stays readable.
"""

from __future__ import annotations

import html

from o2s_config.catalog import Catalog
from o2s_config.changes import RESOURCE_TITLES, Change
from o2s_config.plan import Plan, manual_path
from o2s_config.render.common import BILLED_TITLE, described, field_label

FOLD_AFTER = 20  # changes in a plan before its sections are folded
SIGNS = {"create": "➕ create", "update": "✏️ update", "delete": "➖ delete"}


def escape(text: str) -> str:
    """Text safe inside a Markdown table cell: HTML, pipes, backticks, emphasis and newlines neutralised."""
    text = html.escape(text, quote=False)
    for char in "\\|`*_[]#~":
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "<br>")


def render_markdown(plan: Plan, catalog: Catalog) -> str:
    """The whole comment."""
    counts = plan.summary
    out = [f"## o2s-config plan for `{plan.target.replace('`', '')}`", ""]
    out += ["| Create | Update | Delete | Manual |", "|---:|---:|---:|---:|"]
    out += [f"| {counts['create']} | {counts['update']} | {counts['delete']} | {counts['manual']} |", ""]
    if plan.empty:
        out += ["No changes: the tenant matches the file.", ""]
    fold = len(plan.changes) > FOLD_AFTER
    for resource, title in RESOURCE_TITLES.items():
        changes = [c for c in plan.changes if c.resource == resource]
        if changes:
            out += _section(title, changes, catalog, fold)
    if plan.billed:
        out += [f"### {BILLED_TITLE}", "", "| Option | Now | Once applied |", "|---|---:|---:|"]
        out += [f"| {escape(c.option.label)} (`{c.option.key}`) | {c.before} | {c.after} |" for c in plan.billed] + [""]
    if plan.warnings:
        out += ["### Warnings", ""] + [f"- ⚠️ {escape(w)}" for w in plan.warnings] + [""]
    refusals = plan.lockout_violations + plan.threshold_violations
    if refusals:
        out += ["### Refused", ""] + [f"- ⛔ {escape(r)}" for r in refusals] + [""]
    return "\n".join(out)


def _section(title: str, changes: list[Change], catalog: Catalog, fold: bool) -> list[str]:
    rows = ["| Action | Key | Field | Before | After |", "|---|---|---|---|---|"]
    for change in changes:
        rows += _rows(change, catalog)
    heading = f"{title} ({len(changes)})"
    if fold:
        return ["<details>", f"<summary>{html.escape(heading)}</summary>", "", *rows, "", "</details>", ""]
    return [f"### {heading}", "", *rows, ""]


def _rows(change: Change, catalog: Catalog) -> list[str]:
    key = escape(change.key)
    if change.renamed_from:
        key += f" (renamed from {escape(change.renamed_from)})"
    if change.manual:
        key += f" — manual: {escape(manual_path(change))}"
    action = SIGNS[change.action]
    if not change.fields or change.action == "delete":
        return [f"| {action} | {key} |  |  |  |"]
    return [
        f"| {action if i == 0 else ''} | {key if i == 0 else ''} | {escape(field_label(f, catalog))} | "
        f"{escape(described(f, f.before, catalog)) if change.action == 'update' else ''} | "
        f"{escape(described(f, f.after, catalog))} |"
        for i, f in enumerate(change.fields)
    ]
