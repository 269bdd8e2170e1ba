"""The outbox: e-mails the tenant would have sent (account activation, password reset). Nothing leaves it."""

from __future__ import annotations

import sqlite3
from typing import Any

from o2s_config.sandbox.store import Tx, now

ACTIVATION_SUBJECT = "Activez votre compte O2S"
RESET_SUBJECT = "Réinitialisez votre mot de passe O2S"


def record_activation(tx: Tx, user_id: int, login: str, email: str) -> None:
    """Record the activation e-mail O2S sends a user created with a login."""
    body = (
        f"Bonjour,\n\nvotre compte O2S « {login} » a été créé. Suivez le lien reçu pour choisir votre mot de passe.\n"
    )
    _record(tx, "activation", user_id, login, email, ACTIVATION_SUBJECT, body)


def record_password_reset(tx: Tx, user_id: int, login: str, email: str) -> int:
    """Record the e-mail inviting a user to reset his password (« Envoyer la demande de réinitialisation… »)."""
    body = f"Bonjour,\n\nune réinitialisation du mot de passe de votre compte O2S « {login} » a été demandée.\n"
    return _record(tx, "password_reset", user_id, login, email, RESET_SUBJECT, body)


def _record(tx: Tx, kind: str, user_id: int, login: str, email: str, subject: str, body: str) -> int:
    cursor = tx.run(
        "INSERT INTO outbox (kind, user_id, login, recipient, subject, body, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
        kind,
        user_id,
        login,
        email,
        subject,
        body,
        now(),
    )
    return int(cursor.lastrowid or 0)


def get_row(tx: Tx, entry_id: int) -> sqlite3.Row:
    """One outbox entry (it exists: its id was just returned)."""
    row = tx.one("SELECT * FROM outbox WHERE id = ?", entry_id)
    assert row is not None
    return row


def discard(tx: Tx, user_id: int) -> None:
    """Forget the e-mails recorded for a user (one who had his account long before, when seeded)."""
    tx.run("DELETE FROM outbox WHERE user_id = ?", user_id)


def to_wire(row: sqlite3.Row) -> dict[str, Any]:
    """An outbox entry as ``GET /ext/v1/outbox`` shows it."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "user_id": row["user_id"],
        "login": row["login"],
        "to": row["recipient"],
        "subject": row["subject"],
        "created": row["created"],
    }
