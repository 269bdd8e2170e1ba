"""A new tenant: the built-in Administrateur profile, one structure and the ``admin`` user."""

from __future__ import annotations

from pathlib import Path

from o2s_config.model import ADMIN_PROFILE
from o2s_config.sandbox.store import Store
from o2s_config.sandbox.user_shape import store_published

ADMIN_LOGIN = "admin"
DEFAULT_STRUCTURE = "siege"


def open_tenant(path: str | Path) -> Store:
    """The tenant stored at ``path`` (created and seeded when new), storing its users' published JSON."""
    store = Store(path, before_commit=(store_published,))
    seed_tenant(store)
    return store


def seed_tenant(store: Store) -> None:
    """Fill an empty tenant; a tenant that already has its Administrateur is left alone."""
    with store.read() as tx:
        if tx.scalar("SELECT count(*) FROM profiles WHERE builtin = 1"):
            return
    # the writers only now: a plan on a seeded tenant does not import the request models (~50 ms)
    from o2s_config.sandbox import profiles, structures, users

    with store.write() as tx:
        # a second process may have seeded between the two transactions: the write lock settles it
        if tx.scalar("SELECT count(*) FROM profiles WHERE builtin = 1"):
            return
        profiles.seed_admin(tx)
        structures.create(tx, {"code": DEFAULT_STRUCTURE, "nom": "Siège"})
        users.create(
            tx,
            {
                "login": ADMIN_LOGIN,
                "last_name": "Administrateur",
                "email": "admin@sandbox.invalid",
                "structure": DEFAULT_STRUCTURE,
                "profile": ADMIN_PROFILE,
                "advisor": False,
            },
        )
