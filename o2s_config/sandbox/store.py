"""The sandbox's storage: one SQLite file (WAL), one transaction per request.

Writers take the write lock first (``BEGIN IMMEDIATE``) and bump the tenant revision inside
their transaction, so concurrent writers, even from several processes, are serialised and
a refused or failed request leaves nothing behind (the transaction rolls back whole).
"""

from __future__ import annotations

import json
import math
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from o2s_config.errors import SandboxDatabaseError
from o2s_config.files import database_error
from o2s_config.keys import natural_key
from o2s_config.sandbox.problems import ProblemError

SCHEMA_VERSION = 1
# below the client's 30 s read timeout: a tenant locked for longer answers 503 "locked", not silence
BUSY_TIMEOUT_MS = 10_000
# keyed table -> its natural key column (a fixed set: never user input in SQL); see natural_keys.py
KEYED = {"users": "login", "structures": "code", "profiles": "label"}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS structures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    address TEXT,
    created TEXT NOT NULL, updated TEXT NOT NULL, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    label TEXT NOT NULL UNIQUE,
    valid INTEGER NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0,
    admin INTEGER NOT NULL,
    rights TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    email_key TEXT NOT NULL UNIQUE,
    advisor_id TEXT UNIQUE,
    structure_id INTEGER NOT NULL REFERENCES structures(id),
    profile_id INTEGER REFERENCES profiles(id),
    manager_id INTEGER REFERENCES users(id),
    active INTEGER NOT NULL,
    custom_admin INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL, version INTEGER NOT NULL,
    wire BLOB);
CREATE INDEX IF NOT EXISTS users_manager ON users(manager_id);
CREATE INDEX IF NOT EXISTS users_structure ON users(structure_id);
CREATE INDEX IF NOT EXISTS users_profile ON users(profile_id);
CREATE TABLE IF NOT EXISTS user_refs (
    referentiel TEXT NOT NULL, identifiant TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (referentiel, identifiant));
CREATE INDEX IF NOT EXISTS user_refs_user ON user_refs(user_id);
CREATE TABLE IF NOT EXISTS extranet_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    provider TEXT NOT NULL, code TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    letter TEXT,
    version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'operational',
    UNIQUE (provider, code));
CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, body TEXT NOT NULL, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, size INTEGER NOT NULL, body BLOB NOT NULL, version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL, user_id INTEGER, login TEXT, recipient TEXT NOT NULL,
    subject TEXT NOT NULL, body TEXT NOT NULL, created TEXT NOT NULL);
"""


def now() -> str:
    """The current UTC time as ISO 8601, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def dumps(value: Any) -> str:
    """Compact JSON for a column; a number JSON cannot carry (NaN, Infinity) is refused (422).

    What is stored must be servable: a non-finite number stored would make every later read fail.
    """
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except ValueError:
        where = _non_finite(value)
        raise ProblemError(
            "validation", f"{where or 'a number'}: numbers must be finite (no NaN or Infinity)", where
        ) from None


def _non_finite(value: Any, path: str = "") -> str | None:
    """The dotted path of the first NaN or infinite number in ``value``."""
    if isinstance(value, float) and not math.isfinite(value):
        return path or None
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        found = _non_finite(child, f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def add_folded_keys(conn: sqlite3.Connection) -> None:
    """Give each keyed table its ``folded`` column and index, filled for the rows it already has."""
    for table, column in KEYED.items():
        columns = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if "folded" not in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN folded TEXT")
        rows = conn.execute(f"SELECT id, {column} FROM {table} WHERE folded IS NULL").fetchall()
        conn.executemany(f"UPDATE {table} SET folded = ? WHERE id = ?", [(natural_key(key), i) for i, key in rows])
        conn.execute(f"CREATE INDEX IF NOT EXISTS {table}_folded ON {table}(folded)")


# Columns added after a table was first released: (table, column, definition). A file written
# before gets them on opening (SQLite adds a column in place); existing rows take the default.
_ADDED_COLUMNS = (
    ("extranet_codes", "status", "TEXT NOT NULL DEFAULT 'operational'"),
    ("users", "wire", "BLOB"),
)

# ``users.wire`` holds a user as ``GET /utilisateurs`` shows him, stored before each commit
# (``user_shape.store_published``) so that a list is read without shaping every user again.
# These triggers clear it whenever anything it shows changes: his row, his structure's code, his
# profile's label, his manager's login. A cleared one is shaped anew, never served stale.
_DERIVED = (
    "CREATE TRIGGER IF NOT EXISTS users_wire_own AFTER UPDATE ON users "
    "WHEN OLD.wire IS NOT NULL AND NEW.wire IS OLD.wire "
    "BEGIN UPDATE users SET wire = NULL WHERE id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS users_wire_manager AFTER UPDATE OF login ON users "
    "WHEN NEW.login IS NOT OLD.login "
    "BEGIN UPDATE users SET wire = NULL WHERE manager_id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS users_wire_structure AFTER UPDATE OF code ON structures "
    "WHEN NEW.code IS NOT OLD.code "
    "BEGIN UPDATE users SET wire = NULL WHERE structure_id = NEW.id; END",
    "CREATE TRIGGER IF NOT EXISTS users_wire_profile AFTER UPDATE OF label ON profiles "
    "WHEN NEW.label IS NOT OLD.label "
    "BEGIN UPDATE users SET wire = NULL WHERE profile_id = NEW.id; END",
    "CREATE INDEX IF NOT EXISTS users_unshaped ON users(id) WHERE wire IS NULL",
    # the ids alone: a page's offset is counted here, not over the rows and their stored JSON
    "CREATE INDEX IF NOT EXISTS users_by_id ON users(id)",
)


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    for table, column, definition in _ADDED_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")
    for statement in _DERIVED:  # after the columns they name
        conn.execute(statement)


@dataclass
class Tx:
    """An open transaction. ``revision`` is the tenant revision this write will produce (or has read)."""

    conn: sqlite3.Connection
    revision: int
    writing: bool
    # set by operations that could remove the last administrator; checked before commit
    check_lockout: bool = False

    def one(self, sql: str, *params: Any) -> sqlite3.Row | None:
        """The first row of a query, or None."""
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        """Every row of a query."""
        return self.conn.execute(sql, params).fetchall()

    def run(self, sql: str, *params: Any) -> sqlite3.Cursor:
        """Execute a statement."""
        return self.conn.execute(sql, params)

    def scalar(self, sql: str, *params: Any) -> Any:
        """The first column of the first row of a query, or None."""
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]


def _unusable(path: str, found: str) -> str:
    """What is wrong with a database of another schema version, and what to do about it."""
    older = found.isdigit() and int(found) < SCHEMA_VERSION
    made_by = "an older" if older else "another (newer?)"
    advice = (
        "move it aside (or delete it) and run the command again: a new sandbox is made, and applying "
        "your organisation file fills it again"
        if older
        else "use the o2s-config version that made it, or move it aside to start a new sandbox"
    )
    return (
        f"{path}: this sandbox database was made by {made_by} version of o2s-config (schema version {found}, "
        f"this version reads {SCHEMA_VERSION}); {advice}"
    )


class _Connection(sqlite3.Connection):
    """A connection a store can hold weakly (``sqlite3.Connection`` itself takes no weak reference)."""


class Store:
    """The SQLite file of one tenant; connections are kept per thread.

    ``before_commit``: what every write runs last, inside its transaction (storing derived columns).
    """

    def __init__(self, path: str | Path, before_commit: tuple[Callable[[Tx], None], ...] = ()) -> None:
        self.path = str(path)
        self._before_commit = before_commit
        self._local = threading.local()
        # every thread's connection, so that close() reaches them all; held weakly, so that one whose
        # thread ended (a served sandbox's workers come and go) is still closed and forgotten with it
        self._opened: weakref.WeakSet[sqlite3.Connection] = weakref.WeakSet()
        self._opening = threading.Lock()
        # this process's writers queue here: one waiting on SQLite's lock sleeps in its busy
        # handler (up to 100 ms a try), one waiting here wakes as soon as the writer before it commits
        self._writing = threading.Lock()
        try:
            self._create()
        except (sqlite3.Error, OSError) as error:  # locked, read-only, not a database...: one line naming it
            raise database_error(self.path, error) from None

    def _create(self) -> None:
        """Create the schema when new (and check its version), add what older files lack."""
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = self._connect()
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            # BEGIN IMMEDIATE makes schema creation safe when two processes open a new file at once
            # executescript commits first, so the write lock is taken inside the script itself
            conn.executescript("BEGIN IMMEDIATE;" + _SCHEMA)
            found = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if found is not None and str(found[0]) != str(SCHEMA_VERSION):
                conn.execute("ROLLBACK")
                raise SandboxDatabaseError(_unusable(self.path, str(found[0])))
            _add_missing_columns(conn)
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('revision', '0')")
            add_folded_keys(conn)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            isolation_level=None,
            check_same_thread=False,
            timeout=BUSY_TIMEOUT_MS / 1000,
            factory=_Connection,
        )
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._opening:
                self._opened.add(conn)
        return conn

    @contextmanager
    def read(self) -> Iterator[Tx]:
        """A read transaction: one consistent snapshot of the tenant."""
        conn = self._conn()
        conn.execute("BEGIN")
        try:
            yield Tx(conn, int(conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0]), False)
        finally:
            conn.execute("COMMIT")

    @contextmanager
    def write(self, checks: tuple[Callable[[Tx], None], ...] = ()) -> Iterator[Tx]:
        """A write transaction: takes the write lock, bumps the revision, commits all or nothing.

        ``checks`` are callables ``check(tx)`` run just before commit (tenant-wide invariants).
        """
        conn = self._conn()
        with self._writing:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='revision'")
                tx = Tx(conn, int(conn.execute("SELECT value FROM meta WHERE key='revision'").fetchone()[0]), True)
                yield tx
                for step in (*checks, *self._before_commit):
                    step(tx)
            except BaseException:
                if conn.in_transaction:  # SQLite already rolled back after some errors (a full disk)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection to the file, whichever thread opened it; a later use opens a new one.

        The last connection to close folds the write-ahead log back into the file: closing when the
        command ends, not whenever the collector frees the store, leaves a ``.db`` complete on its own.
        """
        with self._opening:
            opened, self._opened = list(self._opened), weakref.WeakSet()
            self._local = threading.local()
        for conn in opened:
            conn.close()
