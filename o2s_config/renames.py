"""Renames (``renamed_from:``): the tenant's state seen under the file's new keys.

A rename moves a resource instead of deleting and re-creating it, so its users and
history stay. The diff compares the file against the tenant *as if* the renames were
done, and reports each rename as an update of the renamed resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from o2s_config.model import Organisation

T = TypeVar("T")


@dataclass(frozen=True)
class Renames:
    """old key -> new key, per collection."""

    structures: dict[str, str] = field(default_factory=dict)
    profiles: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)

    def new_from_old(self, collection: str) -> dict[str, str]:
        mapping: dict[str, str] = getattr(self, collection)
        return mapping

    def old_from_new(self, collection: str) -> dict[str, str]:
        return {new: old for old, new in self.new_from_old(collection).items()}


def find_renames(desired: Organisation, current: Organisation) -> Renames:
    """The renames to do: the old key exists in the tenant and the new one does not yet."""
    return Renames(
        structures=_renames(desired.structures, current.structures),
        profiles=_renames(desired.profiles, current.profiles),
        users=_renames(desired.users, current.users),
    )


def _renames(wanted: Mapping[str, Any] | None, held: Mapping[str, Any] | None) -> dict[str, str]:
    if not wanted or not held:
        return {}
    found: dict[str, str] = {}
    for key, resource in wanted.items():
        old = resource.renamed_from
        if old and old in held and key not in held and old not in wanted and old not in found:
            found[old] = key
    return found


def rename_current(current: Organisation, renames: Renames) -> Organisation:
    """The tenant's state with the renames applied, references included."""
    structures, profiles, logins = renames.structures, renames.profiles, renames.users
    if not (structures or profiles or logins):
        return current
    update: dict[str, Any] = {}
    if current.structures is not None:
        update["structures"] = _rekey(current.structures, structures)
    if current.profiles is not None:
        update["profiles"] = _rekey(current.profiles, profiles)
    if current.users is not None:
        users = _rekey(current.users, logins)
        update["users"] = {
            login: user.model_copy(
                update={
                    "structure": structures.get(user.structure, user.structure) if user.structure else None,
                    "profile": profiles.get(user.profile, user.profile) if user.profile else None,
                }
            )
            for login, user in users.items()
        }
    if current.hierarchy is not None and logins:
        update["hierarchy"] = _rename_tree(current.hierarchy, logins)
    if current.aggregation is not None and current.aggregation.extranet_codes and logins:
        codes = [
            c.model_copy(update={"advisor": logins.get(c.advisor, c.advisor)})
            for c in current.aggregation.extranet_codes
        ]
        update["aggregation"] = current.aggregation.model_copy(update={"extranet_codes": codes})
    return current.model_copy(update=update)


def _rekey(items: Mapping[str, T], mapping: Mapping[str, str]) -> dict[str, T]:
    return {mapping.get(key, key): value for key, value in items.items()}


def _rename_tree(tree: Any, logins: Mapping[str, str]) -> Any:
    if isinstance(tree, str):
        return logins.get(tree, tree)
    if isinstance(tree, Mapping):
        return {logins.get(k, k): _rename_tree(v, logins) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_rename_tree(item, logins) for item in tree]
    return tree
