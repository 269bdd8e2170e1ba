"""Extranet (apporteur) codes assigned to advisors."""

from __future__ import annotations

import sqlite3
from typing import Any

from o2s_config.model import ExtranetCode
from o2s_config.sandbox.etags import check_if_match, etag
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.store import Tx

SELECT_CODES = "SELECT c.*, u.login FROM extranet_codes c JOIN users u ON u.id = c.user_id"


def to_wire(row: sqlite3.Row) -> dict[str, Any]:
    """A code as ``GET /ext/v1/extranet-codes`` shows it."""
    return {
        "id": row["id"],
        "provider": row["provider"],
        "code": row["code"],
        "advisor": row["login"],
        "authorisation_letter": row["letter"],
        "status": row["status"],
        "etag": etag(row["version"]),
    }


def get_row(tx: Tx, code_id: int) -> sqlite3.Row:
    """The code's row, or 404."""
    row = tx.one(f"{SELECT_CODES} WHERE c.id = ?", code_id)
    if row is None:
        raise ProblemError("not-found", f"no extranet code with id {code_id}", "id")
    return row


def _columns(tx: Tx, code: ExtranetCode, own_id: int | None) -> tuple[Any, ...]:
    holder = tx.scalar("SELECT id FROM extranet_codes WHERE provider = ? AND code = ?", code.provider, code.code)
    if holder is not None and holder != own_id:
        raise ProblemError("conflict", f"code '{code.code}' of '{code.provider}' is already assigned", "code")
    user_id = tx.scalar("SELECT id FROM users WHERE login = ?", code.advisor)
    if user_id is None:
        raise ProblemError("validation", f"unknown user '{code.advisor}'", "advisor")
    return code.provider, code.code, user_id, code.authorisation_letter, tx.revision


def create(tx: Tx, code: ExtranetCode) -> int:
    """Record a request (« Nouvelle demande »): the code is "requested" until O2S makes something of it; its id."""
    cursor = tx.run(
        "INSERT INTO extranet_codes (provider, code, user_id, letter, version, status) VALUES (?, ?, ?, ?, ?, ?)",
        *_columns(tx, code, None),
        code.status or "requested",
    )
    return int(cursor.lastrowid or 0)


def replace(tx: Tx, code_id: int, code: ExtranetCode, if_match: str | None) -> None:
    """Replace a code's provider, code, advisor and letter; a corrected code is requested again.

    ``status`` is O2S's verdict: a client never sends it, a rehearsal may (to play « non opérationnel »).
    """
    row = get_row(tx, code_id)
    check_if_match(if_match, row["version"])
    corrected = (row["provider"], row["code"]) != (code.provider, code.code)
    status = code.status or ("requested" if corrected else row["status"])
    tx.run(
        "UPDATE extranet_codes SET provider = ?, code = ?, user_id = ?, letter = ?, version = ?, status = ? "
        "WHERE id = ?",
        *_columns(tx, code, code_id),
        status,
        code_id,
    )


def delete(tx: Tx, code_id: int, if_match: str | None) -> None:
    """Remove a code."""
    check_if_match(if_match, get_row(tx, code_id)["version"])
    tx.run("DELETE FROM extranet_codes WHERE id = ?", code_id)
