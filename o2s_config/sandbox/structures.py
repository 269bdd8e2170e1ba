"""Structures ("agences"): storage operations and their published shape."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pydantic import ValidationError

from o2s_config.model import Structure
from o2s_config.sandbox import natural_keys
from o2s_config.sandbox.etags import check_if_match, etag
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.store import Tx, dumps, now
from o2s_config.sandbox.validation import problem_from_validation


def to_wire(row: sqlite3.Row) -> dict[str, Any]:
    """A structure as ``GET /agences`` shows it."""
    return {
        "id": row["id"],
        "code": row["code"],
        "nom": row["name"],
        "adresse": json.loads(row["address"]) if row["address"] else None,
        "dateCreation": row["created"],
        "dateMaj": row["updated"],
        "ext": {"etag": etag(row["version"])},
    }


def get_row(tx: Tx, structure_id: int) -> sqlite3.Row:
    """The structure's row, or 404."""
    row = tx.one("SELECT * FROM structures WHERE id = ?", structure_id)
    if row is None:
        raise ProblemError("not-found", f"no structure with id {structure_id}", "id")
    return row


def _validated(code: object, fields: dict[str, Any]) -> tuple[str, Structure]:
    if not isinstance(code, str) or not code.strip():
        raise ProblemError("validation", "a structure needs a 'code'", "code")
    try:
        return code, Structure.model_validate({"name": fields.get("nom"), "address": fields.get("adresse")})
    except ValidationError as error:
        raise problem_from_validation(error, {"name": "nom", "address": "adresse"}) from None


def _check_code_free(tx: Tx, code: str, own_id: int | None) -> None:
    holder = tx.scalar("SELECT id FROM structures WHERE code = ?", code)
    if holder is not None and holder != own_id:
        raise ProblemError("conflict", f"structure code '{code}' is already used", "code")


def create(tx: Tx, fields: dict[str, Any]) -> int:
    """Insert a structure from its published fields; its id."""
    code, structure = _validated(fields.get("code"), fields)
    _check_code_free(tx, code, None)
    stamp = now()
    address = dumps(structure.address.model_dump()) if structure.address else None
    cursor = tx.run(
        "INSERT INTO structures (code, name, address, created, updated, version) VALUES (?, ?, ?, ?, ?, ?)",
        code,
        structure.name,
        address,
        stamp,
        stamp,
        tx.revision,
    )
    structure_id = int(cursor.lastrowid or 0)
    natural_keys.claim(tx, "structures", structure_id, code, "code")
    return structure_id


def update(tx: Tx, structure_id: int, fields: dict[str, Any], if_match: str | None) -> None:
    """Replace the fields present in ``fields``."""
    row = get_row(tx, structure_id)
    check_if_match(if_match, row["version"])
    merged = {**to_wire(row), **fields}
    code, structure = _validated(merged.get("code"), merged)
    _check_code_free(tx, code, structure_id)
    address = dumps(structure.address.model_dump()) if structure.address else None
    tx.run(
        "UPDATE structures SET code = ?, name = ?, address = ?, updated = ?, version = ? WHERE id = ?",
        code,
        structure.name,
        address,
        now(),
        tx.revision,
        structure_id,
    )
    natural_keys.claim(tx, "structures", structure_id, code, "code", previous=row["code"])


def delete(tx: Tx, structure_id: int, if_match: str | None) -> None:
    """Delete a structure that no user belongs to."""
    row = get_row(tx, structure_id)
    check_if_match(if_match, row["version"])
    members = tx.scalar("SELECT count(*) FROM users WHERE structure_id = ?", structure_id)
    if members:
        raise ProblemError("in-use", f"structure '{row['code']}' still has {members} user(s); move them first", "id")
    tx.run("DELETE FROM structures WHERE id = ?", structure_id)


def id_by_code(tx: Tx, code: str) -> int:
    """The id of the structure with ``code``, or 422 on the ``structure`` field."""
    found = tx.scalar("SELECT id FROM structures WHERE code = ?", code)
    if found is None:
        raise ProblemError("validation", f"unknown structure '{code}'", "structure")
    return int(found)
