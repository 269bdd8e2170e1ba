"""Users: the write rules (required fields, unique values, references) and storage operations."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from pydantic import ValidationError

from o2s_config.catalog import grants_admin
from o2s_config.model import User
from o2s_config.sandbox import natural_keys, outbox, profiles, structures
from o2s_config.sandbox.etags import check_if_match
from o2s_config.sandbox.hierarchy import set_manager
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.rules import effective_rights
from o2s_config.sandbox.store import Tx, now
from o2s_config.sandbox.user_shape import DEFAULTS, SELECT_USERS, data_of, model_view, record_of
from o2s_config.sandbox.validation import problem_from_validation
from o2s_config.sandbox.wire import UtilisateurIn


def get_row(tx: Tx, user_id: int) -> sqlite3.Row:
    """The user's row (joined as ``SELECT_USERS``), or 404."""
    row = tx.one(f"{SELECT_USERS} WHERE u.id = ?", user_id)
    if row is None:
        raise ProblemError("not-found", f"no user with id {user_id}", "id")
    return row


def changes_of(tx: Tx, body: UtilisateurIn) -> dict[str, Any]:
    """The record fields a request body sets: published fields first, then ``ext`` (which wins)."""
    given = body.model_fields_set
    changes: dict[str, Any] = {}
    if "profilId" in given:
        changes["profile"] = _label_of(tx, body.profilId)
    if "refExternes" in given:
        changes["ref_externes"] = [ref.model_dump() for ref in body.refExternes or []]
    if "statut" in given and body.statut is not None:
        changes["active"] = body.statut == "ACTIVE"
    if "agenceIds" in given:
        changes["structure"] = _code_of(tx, body.agenceIds or [])
    if body.donneesPersonnelles is not None:
        changes.update(_personal(body))
    if body.ext is not None:
        changes.update(body.ext.model_dump(exclude_unset=True, by_alias=True, exclude={"manager_id", "etag"}))
    return changes


def _label_of(tx: Tx, profile_id: int | None) -> str | None:
    if profile_id is None:
        return None
    label = tx.scalar("SELECT label FROM profiles WHERE id = ?", profile_id)
    if label is None:
        raise ProblemError("validation", f"unknown profile id {profile_id}", "profilId")
    return str(label)


def _code_of(tx: Tx, agence_ids: list[int]) -> str:
    if len(agence_ids) != 1:
        raise ProblemError("validation", "a user belongs to exactly one structure (agenceIds)", "agenceIds")
    code = tx.scalar("SELECT code FROM structures WHERE id = ?", agence_ids[0])
    if code is None:
        raise ProblemError("validation", f"unknown structure id {agence_ids[0]}", "agenceIds")
    return str(code)


def _personal(body: UtilisateurIn) -> dict[str, Any]:
    personal = body.donneesPersonnelles
    assert personal is not None
    given = personal.model_fields_set
    out: dict[str, Any] = {}
    if "civilite" in given:
        out["title"] = personal.civilite
    if "nom" in given:
        out["last_name"] = personal.nom
    if "prenoms" in given:
        out["first_name"] = " ".join(personal.prenoms or []) or None
    contact = personal.moyensContact
    if contact is not None:
        if "emails" in contact.model_fields_set:
            out["email"] = contact.emails[0] if contact.emails else None
        if "telephones" in contact.model_fields_set:
            out["telephones"] = contact.telephones or []
        if "adresse" in contact.model_fields_set:
            out["adresse"] = contact.adresse
    return out


def merged(current: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``current`` with ``changes`` laid over; giving a profile drops a custom one and vice versa."""
    record = {**current, **changes}
    if changes.get("profile") is not None and "custom_profile" not in changes:
        record["custom_profile"] = None
    if changes.get("custom_profile") is not None and "profile" not in changes:
        record["profile"] = None
    return record


def check_record(record: dict[str, Any]) -> None:
    """Required fields and the model's own rules (422 ``validation``)."""
    login = record.get("login")
    if not isinstance(login, str) or not login.strip():
        raise ProblemError("validation", "login: this field is required", "login")
    try:
        User.model_validate(model_view(record))
    except ValidationError as error:
        raise problem_from_validation(error) from None


def _check_unique(tx: Tx, record: dict[str, Any], own_id: int | None) -> None:
    # the problem says what is taken, never who holds it: an error must not reveal another user
    probes = [
        ("login", "SELECT id FROM users WHERE login = ?", record["login"]),
        ("email", "SELECT id FROM users WHERE email_key = ?", record["email"].lower()),
        ("advisor_id", "SELECT id FROM users WHERE advisor_id = ?", record["advisor_id"]),
    ]
    for name, sql, value in probes:
        holder = tx.scalar(sql, value) if value is not None else None
        if holder is not None and holder != own_id:
            raise ProblemError("conflict", f"this {name} is already used by another user", name)
    pairs = [(ref["referentiel"], ref["identifiant"]) for ref in record["ref_externes"]]
    if len(set(pairs)) != len(pairs):
        raise ProblemError("validation", "refExternes lists the same reference twice", "refExternes")
    for ref in record["ref_externes"]:
        holder_id = tx.scalar(
            "SELECT user_id FROM user_refs WHERE referentiel = ? AND identifiant = ?",
            ref["referentiel"],
            ref["identifiant"],
        )
        if holder_id is not None and holder_id != own_id:
            message = f"reference {ref['referentiel']}:{ref['identifiant']} belongs to another user"
            raise ProblemError("conflict", message, "refExternes")


def _custom_rights(tx: Tx, record: dict[str, Any], changes: dict[str, Any], stored: Any) -> Any:
    """The full rights of the custom profile: recomputed when the request sets one, else kept."""
    spec = record["custom_profile"]
    if spec is None:
        return None
    if "custom_profile" not in changes:
        return stored
    base = profiles.base_rights(tx, spec.get("from", "none"), field="custom_profile.from")
    return effective_rights(base, spec.get("rights", {}), prefix="custom_profile.rights")


def _columns(tx: Tx, record: dict[str, Any], custom_rights: Any) -> tuple[Any, ...]:
    """login, email_key, advisor_id, structure_id, profile_id, active, custom_admin, data."""
    profile_id = profiles.id_by_label(tx, record["profile"]) if record["profile"] is not None else None
    return (
        record["login"],
        record["email"].lower(),
        record["advisor_id"],
        structures.id_by_code(tx, record["structure"]),
        profile_id,
        record["active"],
        custom_rights is not None and grants_admin(custom_rights),
        data_of(record, custom_rights),
    )


def _save_refs(tx: Tx, user_id: int, refs: list[dict[str, str]]) -> None:
    tx.run("DELETE FROM user_refs WHERE user_id = ?", user_id)
    for ref in refs:
        tx.run("INSERT INTO user_refs VALUES (?, ?, ?)", ref["referentiel"], ref["identifiant"], user_id)


def create(tx: Tx, changes: dict[str, Any]) -> int:
    """Create a user from the fields a request sets; records his activation e-mail. His id."""
    record = merged(DEFAULTS, changes)
    check_record(record)
    _check_unique(tx, record, None)
    custom = _custom_rights(tx, record, changes, None)
    stamp = now()
    cursor = tx.run(
        "INSERT INTO users (login, email_key, advisor_id, structure_id, profile_id, active, custom_admin, data, "
        "created, updated, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        *_columns(tx, record, custom),
        stamp,
        stamp,
        tx.revision,
    )
    user_id = int(cursor.lastrowid or 0)
    natural_keys.claim(tx, "users", user_id, record["login"], "login")
    _save_refs(tx, user_id, record["ref_externes"])
    if record["manager"] is not None:
        set_manager(tx, user_id, _id_by_login(tx, record["manager"], "manager"))
    outbox.record_activation(tx, user_id, record["login"], record["email"])
    return user_id


def update(tx: Tx, user_id: int, changes: dict[str, Any], if_match: str | None) -> None:
    """Replace the fields a request sets; the others keep their value."""
    row = get_row(tx, user_id)
    check_if_match(if_match, row["version"])
    record = merged(record_of(row), changes)
    check_record(record)
    _check_unique(tx, record, user_id)
    custom = _custom_rights(tx, record, changes, json.loads(row["data"]).get("custom_rights"))
    tx.run(
        "UPDATE users SET login = ?, email_key = ?, advisor_id = ?, structure_id = ?, profile_id = ?, active = ?, "
        "custom_admin = ?, data = ?, updated = ?, version = ? WHERE id = ?",
        *_columns(tx, record, custom),
        now(),
        tx.revision,
        user_id,
    )
    natural_keys.claim(tx, "users", user_id, record["login"], "login", previous=row["login"])
    if "ref_externes" in changes:
        _save_refs(tx, user_id, record["ref_externes"])
    if "manager" in changes and changes["manager"] != row["manager_login"]:
        manager = changes["manager"]
        set_manager(tx, user_id, None if manager is None else _id_by_login(tx, manager, "manager"))
    tx.check_lockout = True


def delete(tx: Tx, user_id: int, if_match: str | None) -> None:
    """Delete a user nobody is attached to; his extranet codes go with him."""
    row = get_row(tx, user_id)
    check_if_match(if_match, row["version"])
    attached = tx.scalar("SELECT count(*) FROM users WHERE manager_id = ?", user_id)
    if attached:
        raise ProblemError(
            "in-use", f"user '{row['login']}' still manages {attached} user(s); attach them elsewhere first", "id"
        )
    if row["manager_id"] is not None:
        set_manager(tx, user_id, None)
    tx.run("DELETE FROM users WHERE id = ?", user_id)
    tx.check_lockout = True


def _id_by_login(tx: Tx, login: str, field: str) -> int:
    found = tx.scalar("SELECT id FROM users WHERE login = ?", login)
    if found is None:
        raise ProblemError("validation", f"unknown user '{login}'", field)
    return int(found)
