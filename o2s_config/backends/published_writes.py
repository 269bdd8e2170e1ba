"""Making one change on a published-only tenant: users, their managers and adoptions through Harvest's API.

A ``PUT /utilisateurs/{id}`` replaces the published representation, so every write sends back
the whole person as read, changed, and always with his ``o2s-config:<login>`` reference: a write
never drops the link, nor any other field the file does not manage. The account state has its own
endpoint (``/statut``), the manager too (``/responsable``). Structures are written as on any target.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from o2s_config.backends.answers import answer, objects
from o2s_config.backends.http import O2SClient
from o2s_config.backends.published import REFERENTIEL, USERS_PATH
from o2s_config.backends.tenant import TenantState
from o2s_config.backends.writes import WRITERS, Writer, _created, _id, _remember
from o2s_config.changes import Action, Change
from o2s_config.errors import ApiError
from o2s_config.kinds import HIERARCHY, PROFILE, STRUCTURE, USER

READ_ONLY = ("id", "dateCreation", "dateMaj", "statut")  # statut: its own endpoint


def person_body(raw: Mapping[str, Any], payload: Mapping[str, Any], state: TenantState, login: str) -> dict[str, Any]:
    """The published user ``raw`` with the file's managed values laid over, and his link to ``login``."""
    body = {name: copy.deepcopy(value) for name, value in raw.items() if name not in READ_ONLY}
    personal = body.setdefault("donneesPersonnelles", {})
    contact = personal.setdefault("moyensContact", {})
    if "title" in payload:
        personal["civilite"] = payload["title"]
    if "last_name" in payload:
        personal["nom"] = payload["last_name"]
    if "first_name" in payload:
        personal["prenoms"] = [payload["first_name"]]
    if "email" in payload:
        contact["emails"] = [payload["email"]]  # the first is the professional e-mail; others are not kept
    if "structure" in payload:
        body["agenceIds"] = [_id(state, STRUCTURE.name, payload["structure"])]
    if "profile" in payload:
        body["profilId"] = _id(state, PROFILE.name, payload["profile"]) if payload["profile"] else None
    refs = [ref for ref in body.get("refExternes") or [] if ref.get("referentiel") != REFERENTIEL]
    body["refExternes"] = [*refs, {"referentiel": REFERENTIEL, "identifiant": login}]
    return body


def _raw(state: TenantState, login: str) -> dict[str, Any]:
    tenant_id = _id(state, USER.name, login)
    person = state.published.people.get(tenant_id) if state.published else None
    if person is None:
        raise ApiError(404, "Not Found", f"user '{login}' (tenant id {tenant_id}) was not read from the tenant")
    return person.raw


async def _create(client: O2SClient, state: TenantState, change: Change) -> None:
    body = person_body({}, change.payload, state, change.key)
    if change.payload.get("active") is False:
        body["statut"] = "INACTIVE"

    async def lookup() -> Any:
        found = await answer(USERS_PATH, client.get_all(USERS_PATH, refext=f"{REFERENTIEL}:{change.key}"))
        return next(iter(objects(found, USERS_PATH)), None)

    _remember(state, change, await _created(client, USERS_PATH, body, lookup))


async def _update(client: O2SClient, state: TenantState, change: Change) -> None:
    tenant_id = _id(state, USER.name, change.key)
    changed = {f.path.partition(".")[0].partition("[")[0] for f in change.fields}
    if changed - {"active"}:
        body = person_body(_raw(state, change.key), change.payload, state, change.key)
        await client.request("PUT", f"{USERS_PATH}/{tenant_id}", json=body)
    if "active" in changed:
        statut = "ACTIVE" if change.payload.get("active", True) else "INACTIVE"
        await client.request("PUT", f"{USERS_PATH}/{tenant_id}/statut", json={"statut": statut})


async def _adopt(client: O2SClient, state: TenantState, change: Change) -> None:
    """Write the link alone: the person is sent back exactly as read, plus ``o2s-config:<login>``."""
    tenant_id = _id(state, USER.name, change.key)
    body = person_body(_raw(state, change.key), {}, state, change.key)
    await client.request("PUT", f"{USERS_PATH}/{tenant_id}", json=body)


async def _manager(client: O2SClient, state: TenantState, change: Change) -> None:
    manager = change.payload.get("manager")
    manager_id = _id(state, USER.name, manager) if manager else None
    path = f"{USERS_PATH}/{_id(state, USER.name, change.key)}/responsable"
    await client.request("PUT", path, json={"responsableId": manager_id})


PUBLISHED_WRITERS: Mapping[str, Mapping[Action, Writer]] = {
    STRUCTURE.name: WRITERS[STRUCTURE.name],
    USER.name: {"create": _create, "update": _update, "adopt": _adopt},
    HIERARCHY.name: {"create": _manager, "update": _manager, "delete": _manager},
}


async def execute_published(client: O2SClient, state: TenantState, change: Change) -> None:
    """Make ``change`` on a published-only tenant (raises the tenant's typed error when it refuses)."""
    writer = PUBLISHED_WRITERS.get(change.resource, {}).get(change.action)
    if writer is None:
        raise ApiError(501, "Not Implemented", f"Harvest's published API cannot {change.action} a {change.resource}")
    await writer(client, state, change)
