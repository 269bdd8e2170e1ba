"""Singleton documents of a tenant (establishment, services, the hierarchy's ETag)."""

from __future__ import annotations

import json
from typing import Any

from o2s_config.sandbox.store import Tx, dumps


def read(tx: Tx, name: str) -> tuple[Any, int] | None:
    """The document's body and version, or None when it was never written."""
    row = tx.one("SELECT body, version FROM documents WHERE name = ?", name)
    return None if row is None else (json.loads(row["body"]), int(row["version"]))


def version(tx: Tx, name: str) -> int:
    """The revision of the document's last write (0 when never written)."""
    found = tx.scalar("SELECT version FROM documents WHERE name = ?", name)
    return int(found or 0)


def write(tx: Tx, name: str, body: Any) -> None:
    """Store the document's new body at this transaction's revision."""
    tx.run(
        "INSERT INTO documents (name, body, version) VALUES (?, ?, ?) "
        "ON CONFLICT(name) DO UPDATE SET body = excluded.body, version = excluded.version",
        name,
        dumps(body),
        tx.revision,
    )
