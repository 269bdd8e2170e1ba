"""Users listed from their stored published JSON: never stale, whatever changed what they show."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from o2s_config.sandbox import reads, structures, users
from o2s_config.sandbox.seed import open_tenant
from o2s_config.sandbox.store import Store, Tx
from o2s_config.sandbox.user_shape import SELECT_USERS, to_wire


def _listed(store: Store) -> list[Any]:
    return list(orjson.loads(bytes(reads.user_page(store, 1000, 0).body)))


def _shaped_anew(store: Store) -> list[Any]:
    with store.read() as tx:
        return [orjson.loads(orjson.dumps(to_wire(row))) for row in tx.all(f"{SELECT_USERS} ORDER BY u.id")]


def _unshaped(store: Store) -> int:
    with store.read() as tx:
        return int(tx.scalar("SELECT count(*) FROM users WHERE wire IS NULL"))


@pytest.fixture
def tenant(tmp_path: Path) -> Store:
    """A tenant with a manager and his two reports, each user's published JSON stored."""
    store = open_tenant(tmp_path / "tenant.db")
    with store.write() as tx:
        structures.create(tx, {"code": "lyon", "nom": "Lyon"})
        boss = users.create(tx, _user("boss", "lyon"))
        for login in ("ann", "bob"):
            report = users.create(tx, _user(login, "lyon"))
            tx.run("UPDATE users SET manager_id = ? WHERE id = ?", boss, report)
    assert _unshaped(store) == 0
    return store


def _user(login: str, structure: str) -> dict[str, Any]:
    return {"login": login, "last_name": login.title(), "email": f"{login}@cabinet.fr", "structure": structure}


CHANGES: dict[str, Callable[[Tx], object]] = {
    "the user's own row": lambda tx: tx.run("UPDATE users SET active = 0 WHERE login = 'ann'"),
    "his stored data": lambda tx: tx.run("UPDATE users SET data = json_set(data, '$.last_name', 'X') WHERE id = 3"),
    "his structure's code": lambda tx: tx.run("UPDATE structures SET code = 'lyon-2' WHERE code = 'lyon'"),
    "his profile's label": lambda tx: tx.run("UPDATE profiles SET label = 'Admin' WHERE builtin = 1"),
    "his manager's login": lambda tx: tx.run("UPDATE users SET login = 'chief' WHERE login = 'boss'"),
    "his manager": lambda tx: tx.run("UPDATE users SET manager_id = NULL WHERE login = 'ann'"),
    "a write through the sandbox": lambda tx: users.update(tx, 2, {"first_name": "Bo"}, None),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_list_shows_what_changed(tenant: Store, change: Callable[[Tx], object]) -> None:
    before = _listed(tenant)
    with tenant.write() as tx:
        change(tx)
    after = _listed(tenant)
    assert after != before
    assert after == _shaped_anew(tenant)
    assert _unshaped(tenant) == 0


def test_a_user_left_unshaped_is_shaped_when_listed(tenant: Store) -> None:
    """A store without the commit step (or a file of an older version) leaves users unshaped: never served stale."""
    plain = Store(tenant.path)
    with plain.write() as tx:
        tx.run("UPDATE structures SET code = 'annecy' WHERE code = 'lyon'")
    assert _unshaped(tenant) == 3
    assert [user["ext"]["structure"] for user in _listed(tenant)[1:]] == ["annecy"] * 3
    assert _listed(tenant) == _shaped_anew(tenant)
    with tenant.write():
        pass  # the next write stores them
    assert _unshaped(tenant) == 0


def test_a_file_written_before_the_stored_json_is_read_then_filled(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    open_tenant(db).close()
    with sqlite3.connect(db) as conn:  # as an older version left it: no column, no triggers
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DROP INDEX users_unshaped")
        conn.execute("ALTER TABLE users DROP COLUMN wire")
    store = open_tenant(db)
    assert _unshaped(store) == 1
    assert _listed(store) == _shaped_anew(store)
    with store.write() as tx:
        tx.run("UPDATE structures SET name = 'Siège social'")
    assert _unshaped(store) == 0


def test_every_page_of_the_whole_list_is_its_slice_by_id(tenant: Store) -> None:
    """The whole list finds a page's first id in the index of ids: gaps (a deleted user) change nothing."""
    with tenant.write() as tx:
        for login in ("cy", "dee", "eve"):
            users.create(tx, _user(login, "lyon"))
        tx.run("DELETE FROM users WHERE login = 'dee'")
    with tenant.read() as tx:
        ids = [row["id"] for row in tx.all("SELECT id FROM users ORDER BY id")]
    for limit in (1, 2, 3, 1000):
        for offset in range(len(ids) + 2):
            answer = reads.user_page(tenant, limit, offset)
            listed = [user["id"] for user in orjson.loads(bytes(answer.body))]
            assert listed == ids[offset : offset + limit], (limit, offset)
            assert answer.status_code == (200 if offset + limit >= len(ids) else 206)
