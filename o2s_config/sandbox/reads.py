"""The answers to the reads a plan makes, as plain functions of the store (no web framework).

The FastAPI routes serve them over HTTP; the embedded target (``embedded.py``) calls them
directly, so a plan on a local sandbox does not import and run FastAPI to read the tenant.
Each returns the whole answer (status, headers, JSON body), the same bytes either way.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from o2s_config.sandbox import documents, extranet, files, hierarchy, profiles, settings, structures
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.responses import MAX_PAGE, json_ok, page, table_page
from o2s_config.sandbox.store import Store
from o2s_config.sandbox.user_shape import SELECT_USERS, published, to_wire

EXT_PREFIX = "/ext/v1"
_RW = {"read": True, "write": True}
CAPABILITIES: dict[str, Any] = {
    "server": "o2s-config-sandbox",
    "api_version": "1",
    "extension_prefix": EXT_PREFIX,
    "max_page_size": MAX_PAGE,
    "user_extension_field": "ext",
    "secret_fingerprint": "hmac-sha256",
    "resources": {
        **{
            name: _RW
            for name in (
                "establishment",
                "structure",
                "profile",
                "user",
                "hierarchy",
                "services",
                "extranet_code",
                "billed_options",
                "file",
            )
        },
        "custodian_contact": {"read": False, "write": False},
        "outbox": {"read": True, "write": False},
        "password_reset": {"read": False, "write": True},
    },
}


def capabilities(store: Store) -> JSONResponse:
    """Which resource types this server can read and write."""
    with store.read() as tx:
        return json_ok(tx, CAPABILITIES)


def establishment(store: Store) -> JSONResponse:
    """The establishment (404 while never set)."""
    with store.read() as tx:
        found = documents.read(tx, settings.ESTABLISHMENT)
        if found is None:
            raise ProblemError("not-found", "the establishment has not been set yet")
        return json_ok(tx, found[0], version=found[1])


def profile_list(store: Store) -> JSONResponse:
    """Every profile with its full rights, in one answer."""
    with store.read() as tx:
        rows = tx.all("SELECT * FROM profiles ORDER BY id")
        return json_ok(tx, [profiles.to_ext(row) for row in rows], version=tx.revision)


def manager_tree(store: Store) -> JSONResponse:
    """The whole manager tree."""
    with store.read() as tx:
        return json_ok(tx, hierarchy.read(tx), version=documents.version(tx, hierarchy.DOC))


def services(store: Store) -> JSONResponse:
    """The Services defaults; passwords appear only as ``password_fingerprint``."""
    with store.read() as tx:
        found = documents.read(tx, settings.SERVICES)
        return json_ok(tx, found[0] if found else {}, version=found[1] if found else 0)


def extranet_codes(store: Store) -> JSONResponse:
    """Every extranet code."""
    with store.read() as tx:
        rows = tx.all(f"{extranet.SELECT_CODES} ORDER BY c.id")
        return json_ok(tx, [extranet.to_wire(row) for row in rows], version=tx.revision)


def file_list(store: Store) -> JSONResponse:
    """Every file the tenant holds (logos, e-mail template bodies, letters): name, SHA-256, size."""
    with store.read() as tx:
        return json_ok(tx, files.listing(tx), version=tx.revision)


def user_named(store: Store, login: str) -> JSONResponse:
    """The user ``login`` (the one a token acts for)."""
    with store.read() as tx:
        row = tx.one(f"{SELECT_USERS} WHERE u.login = ?", login)
        if row is None:
            raise ProblemError("not-found", f"the token's user '{login}' no longer exists")
        return json_ok(tx, to_wire(row), version=row["version"])


# a page of users as stored (``user_shape.published``); the id a page of the whole list starts at
_WIRES = "SELECT u.id, u.wire FROM users u"
_NTH_ID = "SELECT id FROM users ORDER BY id LIMIT 1 OFFSET ?"  # counted in store.py's users_by_id


def user_page(store: Store, limit: int, offset: int, tail: str = "", params: tuple[Any, ...] = ()) -> JSONResponse:
    """Users, by id, one page at a time; ``tail`` and ``params``: the filters' joins and WHERE clause."""
    with store.read() as tx:
        total = tx.scalar(f"SELECT count(*) FROM users u{tail}", *params)
        if tail:
            rows = tx.all(f"{_WIRES}{tail} ORDER BY u.id LIMIT ? OFFSET ?", *params, limit, offset)
        else:  # the whole list, a plan's: the page's first id counted in the narrow index of ids, not over the rows
            rows = tx.all(f"{_WIRES} WHERE u.id >= ({_NTH_ID}) ORDER BY u.id LIMIT ?", offset, limit)
        return page(tx, published(tx, rows), total, offset)


def structure_page(store: Store, limit: int, offset: int) -> JSONResponse:
    """Structures, by id, one page at a time."""
    return table_page(store, "structures", structures.to_wire, limit, offset)
