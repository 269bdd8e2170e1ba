"""Making one change on a tenant: a dispatch table from kind and action to API calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from o2s_config.backends.answers import answer, document, objects, required
from o2s_config.backends.http import O2SClient
from o2s_config.backends.tenant import EXT, TenantState
from o2s_config.canonical import overlay
from o2s_config.changes import Action, Change
from o2s_config.errors import ApiError, PreconditionFailedError
from o2s_config.kinds import ESTABLISHMENT, EXTRANET_CODE, HIERARCHY, PROFILE, SERVICE, STRUCTURE, USER

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


async def _created(client: O2SClient, path: str, body: dict[str, Any], lookup: Callable[[], Awaitable[Any]]) -> int:
    """POST a new resource; the tenant id its answer gives (a malformed answer is a typed error)."""
    created = await answer(f"POST {path}", client.create(path, body, lookup))
    return required(document(created, f"POST {path}"), "id", int, f"POST {path}", "")


async def _find(client: O2SClient, path: str, match: Callable[[dict[str, Any]], bool], paged: bool) -> Any:
    items = await answer(path, client.get_all(path) if paged else client.get(path))
    return next((item for item in objects(items, path) if match(item)), None)


async def _establishment(client: O2SClient, state: TenantState, change: Change) -> None:
    body = overlay(change.desired, state.documents.get(ESTABLISHMENT.name) or {})
    await client.request("PUT", f"{EXT}/establishment", json=body)


async def _service(client: O2SClient, state: TenantState, change: Change) -> None:
    held = (state.documents.get(SERVICE.name) or {}).get(change.key)
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

    _remember(state, change, await _created(client, "/agences", _structure_body(change), lookup))


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

    _remember(state, change, await _created(client, f"{EXT}/profiles", _profile_body(change, state), lookup))


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

    _remember(state, change, await _created(client, "/utilisateurs", {"ext": _user_ext(change)}, lookup))


async def _user_update(client: O2SClient, state: TenantState, change: Change) -> None:
    held = change.renamed_from or change.key
    tenant_id = _id(state, "user", held)
    await _write(client, state, "user", held, "PUT", f"/utilisateurs/{tenant_id}", json={"ext": _user_ext(change)})
    _remember(state, change, tenant_id)


async def _hierarchy(client: O2SClient, state: TenantState, change: Change) -> None:
    async def send(managers: dict[str, Any]) -> None:
        await client.request("PATCH", f"{EXT}/hierarchy", json={"managers": managers})

    # the links asked for at the same moment go in one request (``batch.py``)
    await state.manager_links.add(change.key, change.payload["manager"], send)
    state.written.add(("user", change.key))  # his ETag moved with his manager


def _code_body(change: Change) -> dict[str, Any]:
    provider, code = EXTRANET_CODE.parts_of(change.key)
    return {"authorisation_letter": None, **change.payload, "provider": provider, "code": code}


async def _code_create(client: O2SClient, state: TenantState, change: Change) -> None:
    body = _code_body(change)

    async def lookup() -> Any:
        match = lambda c: (c.get("provider"), c.get("code")) == (body["provider"], body["code"])  # noqa: E731
        return await _find(client, f"{EXT}/extranet-codes", match, paged=False)

    _remember(state, change, await _created(client, f"{EXT}/extranet-codes", body, lookup))


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


# One writer per kind and action; custodian contacts are manual (no target serves them).
WRITERS: Mapping[str, Mapping[Action, Writer]] = {
    ESTABLISHMENT.name: {"create": _establishment, "update": _establishment},
    STRUCTURE.name: {"create": _structure_create, "update": _structure_update, "delete": _deleter("/agences")},
    PROFILE.name: {"create": _profile_create, "update": _profile_update, "delete": _deleter(f"{EXT}/profiles")},
    USER.name: {"create": _user_create, "update": _user_update},
    HIERARCHY.name: {"create": _hierarchy, "update": _hierarchy, "delete": _hierarchy},
    EXTRANET_CODE.name: {
        "create": _code_create,
        "update": _code_update,
        "delete": _deleter(f"{EXT}/extranet-codes"),
    },
    SERVICE.name: {"create": _service, "update": _service},
}


async def execute(client: O2SClient, state: TenantState, change: Change) -> None:
    """Make ``change`` on the tenant (raises the tenant's typed error when it refuses)."""
    writer = WRITERS.get(change.resource, {}).get(change.action)
    if writer is None:
        raise ApiError(501, "Not Implemented", f"o2s-config cannot {change.action} a {change.resource}")
    await writer(client, state, change)
