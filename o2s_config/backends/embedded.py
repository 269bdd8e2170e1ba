"""The embedded target ``sandbox:PATH``: the reference tenant served in-process (no socket, no port)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any


def embedded_app(database: Path) -> tuple[Any, str]:
    """An ASGI app over the SQLite file ``database`` (created on first use) and the static token it accepts."""
    from o2s_config.sandbox.app import create_app  # type: ignore[import-not-found,unused-ignore]

    database.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    return create_app(db_path=database, token=token), token
