"""The typed changes a plan is made of (the vocabulary shared by diff, ordering, plan, render and apply)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Action = Literal["create", "update", "delete"]

# Resource types, parents first: the order changes are listed in when nothing else decides.
RESOURCES: tuple[str, ...] = (
    "establishment",
    "structure",
    "profile",
    "user",
    "hierarchy",
    "extranet_code",
    "custodian_contact",
    "service",
)

RESOURCE_TITLES: dict[str, str] = {
    "establishment": "Establishment",
    "structure": "Structures",
    "profile": "Profiles",
    "user": "Users",
    "hierarchy": "Hierarchy",
    "extranet_code": "Extranet codes",
    "custodian_contact": "Custodian contacts",
    "service": "Services",
}


@dataclass(frozen=True)
class FieldChange:
    """One leaf that changes: ``path`` is dotted (``rights.agenda.view_calendars``)."""

    path: str
    before: Any
    after: Any
    label: str | None = None  # the French label of the O2S screen, where there is one
    sensitive: bool = False  # shown as "(sensitive)" in every output


@dataclass
class Change:
    """A change to one resource, keyed by its natural key (structure code, profile label, login...).

    ``payload`` holds what apply needs (the desired managed values, secrets included): it is
    never rendered. ``before`` holds the tenant's current values the ordering rules look at.
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
        """Unique within a plan: one change per resource."""
        return f"{self.resource}:{self.key}"

    @property
    def deactivates(self) -> bool:
        """A user going from active to inactive (pruning deactivates, it never deletes a user)."""
        was_active = self.action == "update" and self.before.get("active") is not False
        return self.resource == "user" and was_active and self.payload.get("active") is False

    def describe(self) -> str:
        """A one-line description for progress and error reports."""
        moved = f" (renamed from {self.renamed_from})" if self.renamed_from else ""
        return f"{self.action} {self.resource} {self.key}{moved}"
