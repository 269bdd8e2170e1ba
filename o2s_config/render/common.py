"""What every renderer shows the same way: values, French labels of rights, secrets masked."""

from __future__ import annotations

import json
from typing import Any

from o2s_config.catalog import ASSUMED, Catalog
from o2s_config.changes import FieldChange
from o2s_config.plan import Plan

SENSITIVE = "(sensitive)"


def shown(change: FieldChange, value: Any) -> Any:
    """The value as it may appear in an output: masked when the field holds a secret."""
    return SENSITIVE if change.sensitive and value is not None else value


def value_text(value: Any) -> str:
    """A compact, unambiguous rendering of a plain value."""
    if value is None:
        return "(none)"
    if value == SENSITIVE:
        return SENSITIVE
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def right_of(change: FieldChange, catalog: Catalog) -> Any:
    """The catalogue right a ``rights.tab.id`` path names, if any."""
    if "rights." not in change.path:
        return None
    return catalog.by_key(change.path.split("rights.", 1)[1])


def described(change: FieldChange, value: Any, catalog: Catalog) -> str:
    """A value with the screen's French wording for rights (``attached (Voir mon agenda et ...)``)."""
    value = shown(change, value)
    right = right_of(change, catalog)
    if right is None or value is None or value == SENSITIVE:
        return value_text(value)
    return f"{value_text(value)} ({right.marked_value_label(value)})"


def field_label(change: FieldChange, catalog: Catalog) -> str:
    """The path, with the French label of the screen when there is one (`` [assumed]`` when the guide is silent)."""
    if not change.label:
        return change.path
    right = right_of(change, catalog)
    return f"{change.path} « {change.label} »" + (ASSUMED if right is not None and right.assumption else "")


BILLED_TITLE = "Billed options (Abonnement > Utilisateurs), active users once applied"


def billed_line(plan: Plan) -> str:
    """The plan's billed summary in one line: each option, its users once applied, and now when it differs."""
    parts = [
        f"« {c.option.label} » {c.after}" + (f" (now {c.before})" if c.before != c.after else "") for c in plan.billed
    ]
    return f"{BILLED_TITLE}: " + "; ".join(parts) + "."
