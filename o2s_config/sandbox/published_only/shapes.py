"""Rows as the published API shows them: the full sandbox's shapes without their ``ext`` object."""

from __future__ import annotations

import sqlite3
from typing import Any

from o2s_config.sandbox import structures
from o2s_config.sandbox.user_shape import to_wire


def utilisateur(row: sqlite3.Row) -> dict[str, Any]:
    """A user (selected with ``SELECT_USERS``) as published: no login, no ``ext``."""
    published = to_wire(row)
    del published["ext"]
    return published


def agence(row: sqlite3.Row) -> dict[str, Any]:
    """A structure as published, without ``ext``."""
    published = structures.to_wire(row)
    del published["ext"]
    return published
