"""Files a tenant holds (logos, e-mail template bodies, authorisation letters), by name, byte for byte.

O2S keeps the uploaded file, not a path on someone's disk: the name is the one the Services
screens and extranet codes refer to, and the content is returned exactly as it was sent.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import PurePosixPath
from typing import Any

from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.store import Tx

MAX_NAME = 255


def check_name(name: str) -> str:
    """A file name as the tenant accepts it: a relative POSIX path without ``.``/``..`` or control characters."""
    parts = name.split("/")
    bad = (
        not name
        or len(name) > MAX_NAME
        or PurePosixPath(name).is_absolute()
        or "\\" in name
        or any(part in ("", ".", "..") for part in parts)
        or any(ord(char) < 32 or ord(char) == 127 for char in name)
    )
    if bad:
        raise ProblemError("validation", f"'{name[:MAX_NAME]}' is not a file name the tenant accepts", "path")
    return name


def to_wire(row: sqlite3.Row) -> dict[str, Any]:
    """A file as ``GET /ext/v1/files`` lists it (without its content)."""
    return {"path": row["path"], "sha256": row["sha256"], "size": row["size"]}


def listing(tx: Tx) -> list[dict[str, Any]]:
    """Every file the tenant holds, by name."""
    return [to_wire(row) for row in tx.all("SELECT path, sha256, size FROM files ORDER BY path")]


def content(tx: Tx, name: str) -> tuple[bytes, int]:
    """The file's bytes and version, or 404."""
    row = tx.one("SELECT body, version FROM files WHERE path = ?", check_name(name))
    if row is None:
        raise ProblemError("not-found", f"no file named '{name}'", "path")
    return bytes(row["body"]), int(row["version"])


def put(tx: Tx, name: str, body: bytes) -> dict[str, Any]:
    """Store ``body`` under ``name`` (replacing any file of that name); what ``GET /ext/v1/files`` will list."""
    digest = hashlib.sha256(body).hexdigest()
    tx.run(
        "INSERT INTO files (path, sha256, size, body, version) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(path) DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, "
        "body = excluded.body, version = excluded.version",
        check_name(name),
        digest,
        len(body),
        body,
        tx.revision,
    )
    return {"path": name, "sha256": digest, "size": len(body)}
