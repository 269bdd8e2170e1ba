"""What every renderer shows the same way: headlines per kind, values, French labels, secrets masked."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from o2s_config.access_diff import SHOWN, RightChange, UserChange, Visibility
from o2s_config.catalog import ASSUMED, Catalog
from o2s_config.changes import Change, FieldChange
from o2s_config.kinds import (
    CUSTODIAN_CONTACT,
    ESTABLISHMENT,
    EXTRANET_CODE,
    HIERARCHY,
    PROFILE,
    SERVICE,
    STRUCTURE,
    USER,
    kind_of,
)
from o2s_config.masking import SENSITIVE
from o2s_config.model.services import service_screen
from o2s_config.plan import Plan


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


def item_text(change: FieldChange, value: Any, catalog: Catalog) -> str:
    """A field's value as shown: ``+ item`` / ``- item`` for one item added to or removed from a list."""
    shown_value = described(change, value, catalog)
    return {"add": f"+ {shown_value}", "remove": f"- {shown_value}"}.get(change.op, shown_value)


def _key(change: Change) -> str:
    return change.key


def _code(change: Change) -> str:
    provider, code = EXTRANET_CODE.parts_of(change.key)
    return f"{code} ({provider})"


def _place(change: Change) -> str:
    """A user's place in the tree, named by the team he joins or leaves."""
    joins, leaves = change.payload.get("manager"), change.before.get("manager")
    if joins is None:
        return f"{change.key} (leaves the team of {leaves})"
    return f"{change.key} (joins the team of {joins})"


# How each kind names the resource a change is about, after its kind.
HEADLINES: Mapping[str, Callable[[Change], str]] = {
    ESTABLISHMENT.name: _key,
    STRUCTURE.name: _key,
    PROFILE.name: _key,
    USER.name: _key,
    HIERARCHY.name: _place,
    EXTRANET_CODE.name: _code,
    CUSTODIAN_CONTACT.name: _key,
    SERVICE.name: _key,
}


def headline(change: Change) -> str:
    """``kind key``, with the kind's own wording of the key (an extranet code names its provider)."""
    return f"{change.resource} {HEADLINES.get(change.resource, _key)(change)}"


def manual_path(change: Change) -> str:
    """Where an administrator makes ``change`` by hand: a Services section's own page, else its kind's."""
    page = service_screen(change.key) if change.resource == SERVICE.name else None
    return page or kind_of(change.resource).manual_path


# How a user's access changes is headed: his status in the plan's access changes.
ACCESS_SIGNS = {"changed": "~", "activated": "+", "deactivated": "-"}
ACCESS_STATUS = {"changed": "", "activated": ", becomes active", "deactivated": ", no longer active"}


def capped(names: Sequence[str], noun: str = "") -> str:
    """The first few names, then ``and N more`` (``noun`` names what the rest are)."""
    shown = ", ".join(names[:SHOWN])
    rest = len(names) - SHOWN
    return shown + (f" and {rest} more{' ' + noun if noun else ''}" if rest > 0 else "")


def access_headline(user: UserChange) -> str:
    """``adubois (Alexis Dubois)``, and whether he starts or stops being an active user."""
    name = f" ({user.name})" if user.name else ""
    return f"{user.login}{name}{ACCESS_STATUS[user.status]}"


def visibility_text(change: Visibility) -> str:
    """``+1 tlefebvre; -2 crobert, nrichard``: counts of users gained and lost, names capped."""
    parts = []
    if change.gained:
        parts.append(f"+{len(change.gained)} {capped(change.gained)}")
    if change.lost:
        parts.append(f"-{len(change.lost)} {capped(change.lost)}")
    return "; ".join(parts)


def right_change_text(change: RightChange) -> str:
    """``+ « label »``, ``- « label »`` or ``~ « label »: group -> own``, marked when sensitive."""
    mark = " (sensitive)" if change.sensitive else ""
    if isinstance(change.before, str) and isinstance(change.after, str):
        return f"~ « {change.label} »: {change.before} -> {change.after}{mark}"
    gained = change.after is not None and change.after is not False
    value = change.after if gained else change.before
    scope = f": {value}" if isinstance(value, str) else ""
    return f"{'+' if gained else '-'} « {change.label} »{scope}{mark}"


def rights_text(rights: Sequence[RightChange]) -> str:
    """Every sensitive right that changes, then the others, capped."""
    sensitive = [right_change_text(r) for r in rights if r.sensitive]
    others = [right_change_text(r) for r in rights if not r.sensitive]
    return "; ".join([*sensitive, capped(others, "right(s)")] if others else sensitive)
