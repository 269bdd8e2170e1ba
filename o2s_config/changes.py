"""The typed changes a plan is made of (the vocabulary shared by diff, ordering, plan, render and apply).

Changes are frozen values: a stage that knows more (ordering adds ``depends_on``, a target
that cannot write marks ``manual``) returns new changes instead of writing into them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# "adopt": a person the tenant already has, linked to the file's user (published-only tenants, identity.py)
Action = Literal["create", "update", "delete", "adopt"]
# How one field changes: a value set (``before`` -> ``after``), or one item added to or
# removed from a list (the item in ``after`` or ``before``; the list itself is not repeated).
Operation = Literal["set", "add", "remove"]


@dataclass(frozen=True)
class FieldChange:
    """One place that changes: ``path`` is dotted (``rights.agenda.view_calendars``), ``[i]`` in a list."""

    path: str
    before: Any
    after: Any
    label: str | None = None  # the French label of the O2S screen, where there is one
    sensitive: bool = False  # shown as "(sensitive)" in every output
    op: Operation = "set"


@dataclass(frozen=True)
class Change:
    """A change to one resource, keyed by its natural key (structure code, profile label, login...).

    ``payload`` holds what apply needs (the desired managed values, secrets included): it is
    never rendered. ``before`` holds the tenant's current values the ordering rules look at.
    Neither is written to once the change is made.
    """

    action: Action
    resource: str
    key: str
    fields: tuple[FieldChange, ...] = ()
    renamed_from: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    before: dict[str, Any] = field(default_factory=dict)
    desired: Any = None  # the desired model object where apply must merge it into the tenant's document
    facts: dict[str, Any] = field(default_factory=dict)  # what the diff knows that ordering rules need
    manual: bool = False
    depends_on: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Unique within a plan: one change per resource (an adoption precedes its user's update)."""
        return f"{self.resource}:{self.key}" + ("#adopt" if self.action == "adopt" else "")

    @property
    def deactivates(self) -> bool:
        """A user going from active to inactive (pruning deactivates, it never deletes a user)."""
        was_active = self.action == "update" and self.before.get("active") is not False
        return self.resource == "user" and was_active and self.payload.get("active") is False

    @property
    def removes(self) -> bool:
        """A deletion, or a user's deactivation: what the share threshold counts."""
        return self.action == "delete" or self.deactivates

    def describe(self) -> str:
        """A one-line description for progress and error reports."""
        moved = f" (renamed from {self.renamed_from})" if self.renamed_from else ""
        return f"{self.action} {self.resource} {self.key}{moved}"
