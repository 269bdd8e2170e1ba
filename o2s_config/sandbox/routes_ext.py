"""Extension endpoints (/ext/v1): what Harvest does not publish."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from o2s_config.model import BilledOptions, Establishment, ExtranetCode, Services
from o2s_config.sandbox import extranet, files, hierarchy, outbox, profiles, reads, settings, users
from o2s_config.sandbox.deps import IdPath, IfMatch, Limit, Offset, StoreDep, caller
from o2s_config.sandbox.etags import etag
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.responses import DEFAULT_PAGE, json_ok, no_content, table_page
from o2s_config.sandbox.rules import check_admin_left
from o2s_config.sandbox.store import SCHEMA_VERSION
from o2s_config.sandbox.user_shape import DEFAULT_OPTIONS, record_of
from o2s_config.sandbox.wire import (
    Capabilities,
    DuplicateIn,
    ExtranetCodeOut,
    HierarchyIn,
    HierarchyOut,
    OutboxItem,
    ProfileIn,
    ProfileOut,
    Revision,
    StoredFile,
)

PREFIX = reads.EXT_PREFIX
router = APIRouter(prefix=PREFIX, dependencies=[Depends(caller)], tags=["extension"])
WRITE_CHECKS = (check_admin_left,)


@router.get("/capabilities", response_model=Capabilities)
def capabilities(store: StoreDep) -> JSONResponse:
    """Which resource types this server can read and write."""
    return reads.capabilities(store)


@router.get("/revision", response_model=Revision)
def revision(store: StoreDep) -> JSONResponse:
    """The tenant revision: it changes on every write."""
    with store.read() as tx:
        return json_ok(tx, {"revision": tx.revision, "schema_version": SCHEMA_VERSION}, version=tx.revision)


@router.get("/establishment", response_model=Establishment)
def get_establishment(store: StoreDep) -> JSONResponse:
    """The establishment (404 while never set)."""
    return reads.establishment(store)


@router.put("/establishment", status_code=204, response_class=Response)
def put_establishment(store: StoreDep, body: Establishment, if_match: IfMatch = None) -> Response:
    """Replace the establishment's three tabs."""
    with store.write() as tx:
        settings.put_establishment(tx, body, if_match)
    return no_content(tx, tx.revision)


@router.get("/profiles", response_model=list[ProfileOut])
def list_profiles(store: StoreDep) -> JSONResponse:
    """Every profile with its full rights, in one answer."""
    return reads.profile_list(store)


@router.post("/profiles", response_model=ProfileOut, status_code=201)
def create_profile(store: StoreDep, body: ProfileIn) -> JSONResponse:
    """ "Ajouter": a profile from a base and overrides."""
    with store.write() as tx:
        profile_id = profiles.create(tx, body.label, body.valid, body.from_, body.rights)
        row = profiles.get_row(tx, profile_id)
    return json_ok(tx, profiles.to_ext(row), 201, row["version"], f"{PREFIX}/profiles/{profile_id}")


@router.get("/profiles/{id}", response_model=ProfileOut)
def get_profile(store: StoreDep, id: IdPath) -> JSONResponse:
    """One profile with its rights."""
    with store.read() as tx:
        row = profiles.get_row(tx, id)
        return json_ok(tx, profiles.to_ext(row), version=row["version"])


@router.put("/profiles/{id}", status_code=204, response_class=Response)
def put_profile(store: StoreDep, id: IdPath, body: ProfileIn, if_match: IfMatch = None) -> Response:
    """ "Modifier": label, validity and rights."""
    with store.write(WRITE_CHECKS) as tx:
        profiles.replace(tx, id, body.label, body.valid, body.from_, body.rights, if_match)
    return no_content(tx, tx.revision)


@router.delete("/profiles/{id}", status_code=204, response_class=Response)
def delete_profile(store: StoreDep, id: IdPath, if_match: IfMatch = None) -> Response:
    """ "Supprimer": a profile no user has."""
    with store.write() as tx:
        profiles.delete(tx, id, if_match)
    return no_content(tx)


@router.post("/profiles/{id}/duplicate", response_model=ProfileOut, status_code=201)
def duplicate_profile(store: StoreDep, id: IdPath, body: DuplicateIn, if_match: IfMatch = None) -> JSONResponse:
    """ "Dupliquer": a copy under a new label."""
    with store.write() as tx:
        copy_id = profiles.duplicate(tx, id, body.label, body.valid, if_match)
        row = profiles.get_row(tx, copy_id)
    return json_ok(tx, profiles.to_ext(row), 201, row["version"], f"{PREFIX}/profiles/{copy_id}")


@router.get("/hierarchy", response_model=HierarchyOut)
def get_hierarchy(store: StoreDep) -> JSONResponse:
    """The whole manager tree."""
    return reads.manager_tree(store)


def _wanted_managers(body: HierarchyIn) -> dict[str, str | None]:
    if (body.managers is None) == (body.tree is None):
        raise ProblemError("validation", "give exactly one of 'managers' and 'tree'", "managers")
    return body.managers if body.managers is not None else hierarchy.managers_of_tree(body.tree or {})


@router.put("/hierarchy", status_code=204, response_class=Response)
def put_hierarchy(store: StoreDep, body: HierarchyIn, if_match: IfMatch = None) -> Response:
    """Replace the whole tree: users not listed have no manager."""
    with store.write() as tx:
        hierarchy.replace(tx, _wanted_managers(body), True, if_match)
    return no_content(tx, tx.revision)


@router.patch("/hierarchy", status_code=204, response_class=Response)
def patch_hierarchy(store: StoreDep, body: HierarchyIn, if_match: IfMatch = None) -> Response:
    """Change the managers of the users listed only."""
    with store.write() as tx:
        hierarchy.replace(tx, _wanted_managers(body), False, if_match)
    return no_content(tx, tx.revision)


@router.get("/services", response_model=dict[str, Any])
def get_services(store: StoreDep) -> JSONResponse:
    """The Services defaults; passwords appear only as ``password_fingerprint``."""
    return reads.services(store)


@router.put("/services", status_code=204, response_class=Response)
def put_services(store: StoreDep, body: Services, if_match: IfMatch = None) -> Response:
    """Replace the Services defaults."""
    with store.write() as tx:
        settings.put_services(tx, body, if_match, partial=False)
    return no_content(tx, tx.revision)


@router.patch("/services", status_code=204, response_class=Response)
def patch_services(store: StoreDep, body: Services, if_match: IfMatch = None) -> Response:
    """Replace the top-level sections given (null removes one)."""
    with store.write() as tx:
        settings.put_services(tx, body, if_match, partial=True)
    return no_content(tx, tx.revision)


@router.get("/extranet-codes", response_model=list[ExtranetCodeOut])
def list_codes(store: StoreDep) -> JSONResponse:
    """Every extranet code."""
    return reads.extranet_codes(store)


@router.post("/extranet-codes", response_model=ExtranetCodeOut, status_code=201)
def create_code(store: StoreDep, body: ExtranetCode) -> JSONResponse:
    """Assign a code to an advisor."""
    with store.write() as tx:
        code_id = extranet.create(tx, body)
        row = extranet.get_row(tx, code_id)
    return json_ok(tx, extranet.to_wire(row), 201, row["version"], f"{PREFIX}/extranet-codes/{code_id}")


@router.get("/extranet-codes/{id}", response_model=ExtranetCodeOut)
def get_code(store: StoreDep, id: IdPath) -> JSONResponse:
    """One extranet code."""
    with store.read() as tx:
        row = extranet.get_row(tx, id)
        return json_ok(tx, extranet.to_wire(row), version=row["version"])


@router.put("/extranet-codes/{id}", status_code=204, response_class=Response)
def put_code(store: StoreDep, id: IdPath, body: ExtranetCode, if_match: IfMatch = None) -> Response:
    """Replace a code."""
    with store.write() as tx:
        extranet.replace(tx, id, body, if_match)
    return no_content(tx, tx.revision)


@router.delete("/extranet-codes/{id}", status_code=204, response_class=Response)
def delete_code(store: StoreDep, id: IdPath, if_match: IfMatch = None) -> Response:
    """Remove a code."""
    with store.write() as tx:
        extranet.delete(tx, id, if_match)
    return no_content(tx)


@router.get("/users/{id}/options", response_model=BilledOptions)
def get_options(store: StoreDep, id: IdPath) -> JSONResponse:
    """A user's billed options."""
    with store.read() as tx:
        row = users.get_row(tx, id)
        return json_ok(tx, record_of(row)["options"] or DEFAULT_OPTIONS, version=row["version"])


@router.put("/users/{id}/options", status_code=204, response_class=Response)
def put_options(store: StoreDep, id: IdPath, body: BilledOptions, if_match: IfMatch = None) -> Response:
    """Replace the options the body carries."""
    with store.write() as tx:
        current = record_of(users.get_row(tx, id))["options"] or {}
        users.update(tx, id, {"options": {**current, **body.model_dump(exclude_unset=True)}}, if_match)
    return no_content(tx, tx.revision)


@router.post("/users/{id}/password-reset", response_model=OutboxItem, status_code=202)
def password_reset(store: StoreDep, id: IdPath) -> JSONResponse:
    """ "Envoyer la demande de réinitialisation du mot de passe": the e-mail goes to the outbox."""
    with store.write() as tx:
        entry = outbox.get_row(tx, users.request_password_reset(tx, id))
    return json_ok(tx, outbox.to_wire(entry), 202)


@router.get("/outbox", response_model=list[OutboxItem])
def list_outbox(store: StoreDep, limit: Limit = DEFAULT_PAGE, offset: Offset = 0) -> JSONResponse:
    """The e-mails the tenant would have sent, oldest first."""
    return table_page(store, "outbox", outbox.to_wire, limit, offset)


_BINARY = {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}


@router.get("/files", response_model=list[StoredFile])
def list_files(store: StoreDep) -> JSONResponse:
    """Every file the tenant holds (logos, e-mail template bodies, letters): name, SHA-256, size."""
    return reads.file_list(store)


@router.get("/files/{path:path}", response_class=Response, responses={200: {"content": _BINARY}})
def get_file(store: StoreDep, path: str) -> Response:
    """A file's content, byte for byte as it was uploaded."""
    with store.read() as tx:
        body, version = files.content(tx, path)
        headers = {"X-Tenant-Revision": str(tx.revision), "ETag": etag(version)}
    return Response(body, media_type="application/octet-stream", headers=headers)


@router.put(
    "/files/{path:path}",
    response_model=StoredFile,
    openapi_extra={"requestBody": {"required": True, "content": _BINARY}},
)
async def put_file(store: StoreDep, path: str, request: Request) -> JSONResponse:
    """Upload a file under ``path`` (replaces the file of that name); the body is the raw content."""
    body = await request.body()
    with store.write() as tx:
        stored = files.put(tx, path, body)
    return json_ok(tx, stored, version=tx.revision)
