"""Making one change on a tenant: a dispatch table from (resource, action) to API calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from o2s_config.backends.http import O2SClient
from o2s_config.backends.tenant import EXT, TenantState
from o2s_config.canonical import overlay
from o2s_config.changes import Change
from o2s_config.errors import ApiError, PreconditionFailedError

Writer = Callable[[O2SClient, TenantState, Change], Awaitable[None]]


def _id(state: TenantState, resource: str, key: str) -> int:
    found = state.ids.get(resource, {}).get(key)
    if found is None:
        raise ApiError(404, "Not Found", f"{resource} '{key}' is not in the tenant (was it removed by hand?)")
    return found


def _guard(state: TenantState, resource: str, key: str) -> dict[str, str]:
    """If-Match with the ETag read by the plan, for the first write of this run to that resource.

    A later write of the same run would carry an ETag this run itself made stale, so it goes
    unconditioned: the conflict that matters is with someone else, between plan and apply.
    """
    etag = state.etags.get(resource, {}).get(key)
    if etag is None or (resource, key) in state.written:
        return {}
    return {"If-Match": etag}


async def _write(
    client: O2SClient, state: TenantState, resource: str, key: str, method: str, path: str, **options: Any
) -> None:
    """One guarded update or delete of an existing resource."""
    try:
        await client.request(method, path, headers=_guard(state, resource, key), **options)
    except PreconditionFailedError as error:
        raise PreconditionFailedError(
            412,
            "Conflict",
            f"{resource} '{key}' was changed in the tenant by someone else since it was read; "
            "it was left as is: run plan again and review it",
            error.problem,
        ) from error
    state.written.add((resource, key))


def _remember(state: TenantState, change: Change, tenant_id: int) -> None:
    ids = state.ids.setdefault(change.resource, {})
    if change.renamed_from:
        ids.pop(change.renamed_from, None)
    ids[change.key] = tenant_id


async def _find(client: O2SClient, path: str, match: Callable[[dict[str, Any]], bool], paged: bool) -> Any:
    items = await client.get_all(path) if paged else await client.get(path)
    return next((item for item in items if match(item)), None)


async def _establishment(client: O2SClient, state: TenantState, change: Change) -> None:
    document = overlay(change.desired, state.documents.get("establishment") or {})
    await client.request("PUT", f"{EXT}/establishment", json=document)


async def _service(client: O2SClient, state: TenantState, change: Change) -> None:
    held = (state.documents.get("services") or {}).get(change.key)
    await client.request("PATCH", f"{EXT}/services", json={change.key: overlay(change.desired, held)})


def _structure_body(change: Change) -> dict[str, Any]:
    body: dict[str, Any] = {"code": change.key}
    if "name" in change.payload:
        body["nom"] = change.payload["name"]
    if "address" in change.payload:
        body["adresse"] = change.payload["address"]
    return body


async def _structure_create(client: O2SClient, state: TenantState, change: Change) -> None:
    async def lookup() -> Any:
        return await _find(client, "/agences", lambda s: s.get("code") == change.key, paged=True)

    created = await client.create("/agences", _structure_body(change), lookup)
    _remember(state, change, created["id"])


async def _structure_update(client: O2SClient, state: TenantState, change: Change) -> None:
    held = change.renamed_from or change.key
    tenant_id = _id(state, "structure", held)
    await _write(client, state, "structure", held, "PUT", f"/agences/{tenant_id}", json=_structure_body(change))
    _remember(state, change, tenant_id)


def _profile_body(change: Change, state: TenantState) -> dict[str, Any]:
    held = (state.organisation.profiles or {}).get(change.renamed_from or change.key)
    valid = change.payload.get("valid", held.valid if held and held.valid is not None else True)
    return {"label": change.key, "valid": valid, "from": "none", "rights": change.payload["rights"]}


async def _profile_create(client: O2SClient, state: TenantState, change: Change) -> None:
    async def lookup() -> Any:
        return await _find(client, f"{EXT}/profiles", lambda p: p.get("label") == change.key, paged=False)

    created = await client.create(f"{EXT}/profiles", _profile_body(change, state), lookup)
    _remember(state, change, created["id"])


async def _profile_update(client: O2SClient, state: TenantState, change: Change) -> None:
    held = change.renamed_from or change.key
    tenant_id = _id(state, "profile", held)
    body = _profile_body(change, state)
    await _write(client, state, "profile", held, "PUT", f"{EXT}/profiles/{tenant_id}", json=body)
    _remember(state, change, tenant_id)


def _user_ext(change: Change) -> dict[str, Any]:
    ext = dict(change.payload)
    if "custom_profile" in ext:
        ext["custom_profile"] = {"from": "none", "rights": ext["custom_profile"]["rights"]}
        ext["profile"] = None
    elif "profile" in ext:
        ext["custom_profile"] = None
    if "options" in ext:  # options the file leaves out keep the tenant's value
        ext["options"] = {**(change.before.get("options") or {}), **ext["options"]}
    ext["login"] = change.key
    return ext


async def _user_create(client: O2SClient, state: TenantState, change: Change) -> None:
    async def lookup() -> Any:
        return await _find(client, "/utilisateurs", lambda u: (u.get("ext") or {}).get("login") == change.key, True)

    created = await client.create("/utilisateurs", {"ext": _user_ext(change)}, lookup)
    _remember(state, change, created["id"])


async def _user_update(client: O2SClient, state: TenantState, change: Change) -> None:
    held = change.renamed_from or change.key
    tenant_id = _id(state, "user", held)
    await _write(client, state, "user", held, "PUT", f"/utilisateurs/{tenant_id}", json={"ext": _user_ext(change)})
    _remember(state, change, tenant_id)


async def _hierarchy(client: O2SClient, state: TenantState, change: Change) -> None:
    await client.request("PATCH", f"{EXT}/hierarchy", json={"managers": {change.key: change.payload["manager"]}})
    state.written.add(("user", change.key))  # his ETag moved with his manager


def _code_body(change: Change) -> dict[str, Any]:
    provider, _, code = change.key.partition("/")
    return {"authorisation_letter": None, **change.payload, "provider": provider, "code": code}


async def _code_create(client: O2SClient, state: TenantState, change: Change) -> None:
    body = _code_body(change)

    async def lookup() -> Any:
        match = lambda c: (c.get("provider"), c.get("code")) == (body["provider"], body["code"])  # noqa: E731
        return await _find(client, f"{EXT}/extranet-codes", match, paged=False)

    created = await client.create(f"{EXT}/extranet-codes", body, lookup)
    _remember(state, change, created["id"])


async def _code_update(client: O2SClient, state: TenantState, change: Change) -> None:
    tenant_id = _id(state, "extranet_code", change.key)
    path = f"{EXT}/extranet-codes/{tenant_id}"
    await _write(client, state, "extranet_code", change.key, "PUT", path, json=_code_body(change))


def _deleter(path: str) -> Writer:
    async def delete(client: O2SClient, state: TenantState, change: Change) -> None:
        tenant_id = _id(state, change.resource, change.key)
        try:
            await _write(client, state, change.resource, change.key, "DELETE", f"{path}/{tenant_id}")
        except ApiError as error:
            if error.status != 404:  # gone already (a retried delete whose answer was lost): done
                raise
        state.ids[change.resource].pop(change.key, None)

    return delete


WRITERS: dict[tuple[str, str], Writer] = {
    ("establishment", "update"): _establishment,
    ("establishment", "create"): _establishment,
    ("service", "update"): _service,
    ("service", "create"): _service,
    ("structure", "create"): _structure_create,
    ("structure", "update"): _structure_update,
    ("structure", "delete"): _deleter("/agences"),
    ("profile", "create"): _profile_create,
    ("profile", "update"): _profile_update,
    ("profile", "delete"): _deleter(f"{EXT}/profiles"),
    ("user", "create"): _user_create,
    ("user", "update"): _user_update,
    ("hierarchy", "create"): _hierarchy,
    ("hierarchy", "update"): _hierarchy,
    ("hierarchy", "delete"): _hierarchy,
    ("extranet_code", "create"): _code_create,
    ("extranet_code", "update"): _code_update,
    ("extranet_code", "delete"): _deleter(f"{EXT}/extranet-codes"),
}


async def execute(client: O2SClient, state: TenantState, change: Change) -> None:
    """Make ``change`` on the tenant (raises the tenant's typed error when it refuses)."""
    writer = WRITERS.get((change.resource, change.action))
    if writer is None:
        raise ApiError(501, "Not Implemented", f"o2s-config cannot {change.action} a {change.resource}")
    await writer(client, state, change)
