"""The outbox: e-mails the tenant would have sent (activation of new accounts). Nothing leaves it."""

from __future__ import annotations

import sqlite3
from typing import Any

from o2s_config.sandbox.store import Tx, now

ACTIVATION_SUBJECT = "Activez votre compte O2S"


def record_activation(tx: Tx, user_id: int, login: str, email: str) -> None:
    """Record the activation e-mail O2S sends a user created with a login."""
    body = (
        f"Bonjour,\n\nvotre compte O2S « {login} » a été créé. Suivez le lien reçu pour choisir votre mot de passe.\n"
    )
    tx.run(
        "INSERT INTO outbox (kind, user_id, login, recipient, subject, body, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
        "activation",
        user_id,
        login,
        email,
        ACTIVATION_SUBJECT,
        body,
        now(),
    )


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
