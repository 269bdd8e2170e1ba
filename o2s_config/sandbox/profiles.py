"""Rights profiles: storage operations, the built-in Administrateur, and their two shapes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from o2s_config.catalog import RightsMap, grants_admin, load_catalog
from o2s_config.model import ADMIN_PROFILE
from o2s_config.sandbox import natural_keys
from o2s_config.sandbox.etags import check_if_match, etag
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.rules import effective_rights
from o2s_config.sandbox.store import Tx, dumps, now


def to_published(row: sqlite3.Row) -> dict[str, Any]:
    """A profile as ``GET /profils`` shows it."""
    return {
        "id": row["id"],
        "libelle": row["label"],
        "valide": bool(row["valid"]),
        "dateCreation": row["created"],
        "dateMaj": row["updated"],
    }


def to_ext(row: sqlite3.Row) -> dict[str, Any]:
    """A profile with its full rights, as ``/ext/v1/profiles`` shows it."""
    return {
        "id": row["id"],
        "label": row["label"],
        "valid": bool(row["valid"]),
        "builtin": bool(row["builtin"]),
        "rights": json.loads(row["rights"]),
        "etag": etag(row["version"]),
    }


def get_row(tx: Tx, profile_id: int) -> sqlite3.Row:
    """The profile's row, or 404."""
    row = tx.one("SELECT * FROM profiles WHERE id = ?", profile_id)
    if row is None:
        raise ProblemError("not-found", f"no profile with id {profile_id}", "id")
    return row


def rights_by_label(tx: Tx, label: str, field: str = "from") -> RightsMap:
    """The stored rights of the profile called ``label`` (422 on ``field`` when there is none)."""
    found = tx.scalar("SELECT rights FROM profiles WHERE label = ?", label)
    if found is None:
        raise ProblemError("validation", f"unknown profile '{label}'", field)
    rights: RightsMap = json.loads(found)
    return rights


def base_rights(tx: Tx, base: str, field: str = "from") -> RightsMap:
    """What a profile starts from: ``all``, ``none`` or another profile's rights."""
    if base in ("all", "none"):
        return load_catalog().full(base)  # type: ignore[arg-type]
    return rights_by_label(tx, base, field)


def _check_label_free(tx: Tx, label: str, own_id: int | None) -> None:
    holder = tx.scalar("SELECT id FROM profiles WHERE label = ?", label)
    if holder is not None and holder != own_id:
        raise ProblemError("conflict", f"profile label '{label}' is already used", "label")


def _refuse_builtin(row: sqlite3.Row, action: str) -> None:
    if row["builtin"]:
        raise ProblemError("forbidden", f"the built-in profile '{row['label']}' cannot be {action}", "id")


def insert(tx: Tx, label: str, valid: bool, rights: RightsMap, builtin: bool = False) -> int:
    """Store a profile whose rights are already complete and checked; its id."""
    _check_label_free(tx, label, None)
    stamp = now()
    cursor = tx.run(
        "INSERT INTO profiles (label, valid, builtin, admin, rights, created, updated, version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        label,
        valid,
        builtin,
        grants_admin(rights),
        dumps(rights),
        stamp,
        stamp,
        tx.revision,
    )
    profile_id = int(cursor.lastrowid or 0)
    natural_keys.claim(tx, "profiles", profile_id, label, "label")
    return profile_id


def create(tx: Tx, label: str, valid: bool, base: str, overrides: Mapping[str, Mapping[str, object]]) -> int:
    """ "Ajouter": a profile built from ``base`` and ``overrides``; its id."""
    return insert(tx, label, valid, effective_rights(base_rights(tx, base), overrides))


def replace(
    tx: Tx,
    profile_id: int,
    label: str,
    valid: bool,
    base: str,
    overrides: Mapping[str, Mapping[str, object]],
    if_match: str | None,
) -> None:
    """ "Modifier": new label, validity and rights. Administrateur cannot be changed."""
    row = get_row(tx, profile_id)
    _refuse_builtin(row, "changed")
    check_if_match(if_match, row["version"])
    _check_label_free(tx, label, profile_id)
    rights = effective_rights(base_rights(tx, base), overrides)
    tx.run(
        "UPDATE profiles SET label = ?, valid = ?, admin = ?, rights = ?, updated = ?, version = ? WHERE id = ?",
        label,
        valid,
        grants_admin(rights),
        dumps(rights),
        now(),
        tx.revision,
        profile_id,
    )
    natural_keys.claim(tx, "profiles", profile_id, label, "label", previous=row["label"])
    tx.check_lockout = True


def delete(tx: Tx, profile_id: int, if_match: str | None) -> None:
    """ "Supprimer": only a profile no user has; never Administrateur."""
    row = get_row(tx, profile_id)
    _refuse_builtin(row, "deleted")
    check_if_match(if_match, row["version"])
    holders = tx.scalar("SELECT count(*) FROM users WHERE profile_id = ?", profile_id)
    if holders:
        raise ProblemError(
            "in-use", f"profile '{row['label']}' is still given to {holders} user(s); change theirs first", "id"
        )
    tx.run("DELETE FROM profiles WHERE id = ?", profile_id)


def duplicate(tx: Tx, profile_id: int, label: str, valid: bool, if_match: str | None) -> int:
    """ "Dupliquer": a new profile with the same rights; its id."""
    row = get_row(tx, profile_id)
    check_if_match(if_match, row["version"])
    return insert(tx, label, valid, json.loads(row["rights"]))


def seed_admin(tx: Tx) -> int:
    """The built-in Administrateur profile: every right, immutable."""
    return insert(tx, ADMIN_PROFILE, True, load_catalog().full("all"), builtin=True)


def id_by_label(tx: Tx, label: str) -> int:
    """The id of the profile called ``label``, or 422 on the ``profile`` field."""
    found = tx.scalar("SELECT id FROM profiles WHERE label = ?", label)
    if found is None:
        raise ProblemError("validation", f"unknown profile '{label}'", "profile")
    return int(found)
