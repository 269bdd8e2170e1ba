"""Profile resolution: ``from`` + overrides -> the full effective rights of each profile.

Pure functions. The screen's own automatic effects are applied here too: a right a
constraint forces off (the agenda-modify box when the view is "own") is unticked.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping

from o2s_config.catalog import Catalog, Right, RightsMap
from o2s_config.model.profiles import ADMIN_PROFILE, RightsSet


class ProfileCycleError(ValueError):
    """Profiles copy each other in a loop; ``cycle`` names them in order."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__(" -> ".join(cycle))


class UnknownBaseError(ValueError):
    """A ``from`` names a profile that does not exist."""

    def __init__(self, profile: str, base: str) -> None:
        self.profile = profile
        self.base = base
        super().__init__(f"profile '{profile}' copies unknown profile '{base}'")


def apply_overrides(base: RightsMap, overrides: Mapping[str, Mapping[str, object]], catalog: Catalog) -> RightsMap:
    """``base`` with ``overrides`` laid over it and the screen's forced-off rules applied.

    Rights unknown to the catalogue are kept as given (the tenant may know more than we do).
    """
    rights = copy.deepcopy(base)
    for tab, values in overrides.items():
        rights.setdefault(tab, {}).update(values)  # type: ignore[arg-type]
    for constraint in catalog.constraints:
        if constraint.kind == "forced_off" and constraint.violated_by(rights):
            tab, _, right_id = constraint.right.partition(".")
            rights[tab][right_id] = False
    return rights


def resolve_profiles(profiles: Mapping[str, RightsSet], catalog: Catalog) -> dict[str, RightsMap]:
    """The effective rights of every profile, plus the built-in ``Administrateur`` (every right, widest).

    Raises ProfileCycleError or UnknownBaseError on a bad ``from`` chain.
    """
    resolved: dict[str, RightsMap] = {ADMIN_PROFILE: catalog.administrator()}
    visiting: list[str] = []

    def resolve(label: str) -> RightsMap:
        if label in resolved:
            return resolved[label]
        if label in visiting:
            raise ProfileCycleError([*visiting[visiting.index(label) :], label])
        visiting.append(label)
        spec = profiles[label]
        resolved[label] = apply_overrides(
            base_rights(label, spec.from_, profiles, catalog, resolve), spec.rights, catalog
        )
        visiting.pop()
        return resolved[label]

    for label in profiles:
        if label != ADMIN_PROFILE:
            resolve(label)
    return resolved


def resolve_custom(spec: RightsSet, resolved: Mapping[str, RightsMap], catalog: Catalog) -> RightsMap:
    """The effective rights of a user's one-off 'Personnalisé' profile."""
    if spec.from_ in ("all", "none"):
        base = catalog.full(spec.from_)  # type: ignore[arg-type]
    elif spec.from_ in resolved:
        base = resolved[spec.from_]
    else:
        raise UnknownBaseError("Personnalisé", spec.from_)
    return apply_overrides(base, spec.rights, catalog)


def base_rights(
    label: str,
    base: str,
    profiles: Mapping[str, RightsSet],
    catalog: Catalog,
    resolve: Callable[[str], RightsMap],
) -> RightsMap:
    """The rights a profile starts from before its overrides."""
    if base in ("all", "none"):
        return catalog.full(base)  # type: ignore[arg-type]
    if base == ADMIN_PROFILE:
        return catalog.administrator()
    if base not in profiles:
        raise UnknownBaseError(label, base)
    return resolve(base)


def effective_rights(rights: RightsMap, catalog: Catalog) -> RightsMap:
    """``rights`` as they take effect: a right whose prerequisite does not take effect grants nothing.

    A right ticked inside a module the profile cannot open (« Gestion des profils » without
    « Accès au module « Administration » », a Services tab without « Accès au module « Services » »)
    falls to its empty value. Prerequisites are followed in chains; rights the catalogue does not
    know are kept as given.
    """
    inert = {right.key for right in without_effect(rights, catalog)}
    if not inert:
        return rights
    effective = copy.deepcopy(rights)
    for key in inert:
        right = catalog.by_key(key)
        if right is not None:
            effective[right.tab][right.id] = right.none_value
    return effective


def without_effect(rights: RightsMap, catalog: Catalog) -> list[Right]:
    """The rights ``rights`` tick (or set above their empty value) that take no effect, in catalogue order."""
    memo: dict[str, bool] = {}

    def takes_effect(key: str, seen: frozenset[str]) -> bool:
        if key not in memo:
            right = catalog.by_key(key)
            tab, _, right_id = key.partition(".")
            value = rights.get(tab, {}).get(right_id)
            if right is None:
                memo[key] = bool(value)
            elif value is None or value is False or value == right.none_value:
                memo[key] = False
            else:  # a loop of prerequisites (a catalogue error) is read as no prerequisite
                needed = right.requires
                memo[key] = not needed or needed in seen or takes_effect(needed, seen | {key})
        return memo[key]

    return [right for right in catalog.all_rights() if _set(rights, right) and not takes_effect(right.key, frozenset())]


def _set(rights: RightsMap, right: Right) -> bool:
    """True when ``rights`` give ``right`` more than its empty value."""
    value = rights.get(right.tab, {}).get(right.id, right.none_value)
    return value is not False and value != right.none_value
