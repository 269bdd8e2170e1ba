"""Tenant-wide rules the sandbox enforces as O2S does: rights, lockout, hierarchy."""

from __future__ import annotations

from collections.abc import Mapping

from o2s_config.catalog import Catalog, RightsMap, load_catalog
from o2s_config.resolve import apply_overrides
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.store import Tx
from o2s_config.suggest import did_you_mean


def check_overrides(overrides: Mapping[str, Mapping[str, object]], prefix: str = "rights") -> None:
    """Refuse rights the catalogue does not know or values it does not accept (422 ``rights``)."""
    catalog = load_catalog()
    for tab, values in overrides.items():
        if tab not in catalog.tabs:
            hint = catalog.suggest_tab(tab)
            raise ProblemError(
                "rights",
                f"unknown rights tab '{tab}'" + did_you_mean(hint),
                f"{prefix}.{tab}",
            )
        for right_id, value in values.items():
            right = catalog.right(tab, right_id)
            where = f"{prefix}.{tab}.{right_id}"
            if right is None:
                raise ProblemError("rights", f"unknown right '{tab}.{right_id}'", where)
            if not right.accepts(value):
                expected = "true or false" if right.kind == "flag" else ", ".join(right.choices)
                raise ProblemError(
                    "rights", f"'{right.marked_label}' ({tab}.{right_id}) takes {expected}, not {value!r}", where
                )


def effective_rights(
    base: RightsMap, overrides: Mapping[str, Mapping[str, object]], prefix: str = "rights"
) -> RightsMap:
    """The full rights a screen would save: overrides checked, laid over ``base``, constraints enforced.

    ``forced_off`` constraints untick their right (as the screen does); a ``requires_any``
    constraint still broken is refused.
    """
    catalog: Catalog = load_catalog()
    check_overrides(overrides, prefix)
    rights = apply_overrides(base, overrides, catalog)
    for constraint in catalog.violations(rights):
        raise ProblemError(
            "rights", constraint.marked_message, f"{prefix}.{constraint.right}", constraint=constraint.id
        )
    return rights


def check_admin_left(tx: Tx) -> None:
    """Refuse a change leaving no active user with the Administration module (409 ``lockout``)."""
    if not tx.check_lockout:
        return
    left = tx.scalar(
        "SELECT count(*) FROM users u LEFT JOIN profiles p ON p.id = u.profile_id "
        "WHERE u.active = 1 AND (u.custom_admin = 1 OR (p.valid = 1 AND p.admin = 1))"
    )
    if not left:
        raise ProblemError(
            "lockout",
            "this change would leave no active user with « Accès au module «\u00a0Administration\u00a0» » "
            "(administration.module_access); keep at least one",
        )


def find_cycle(managers: Mapping[int, int | None], start: int) -> list[int] | None:
    """The cycle reached by following managers up from ``start``, as ids in order, or None."""
    order: dict[int, int] = {}  # id -> position on the path, for O(1) membership on deep trees
    current: int | None = start
    while current is not None:
        if current in order:
            path = list(order)
            return [*path[order[current] :], current]
        order[current] = len(order)
        current = managers.get(current)
    return None
