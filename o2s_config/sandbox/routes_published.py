"""Harvest's published endpoints: /utilisateurs, /agences, /profils."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import JSONResponse

from o2s_config.sandbox import profiles, reads, structures, users
from o2s_config.sandbox.deps import CallerDep, IdPath, IdQuery, IfMatch, Limit, Offset, StoreDep, caller
from o2s_config.sandbox.etags import check_if_match
from o2s_config.sandbox.hierarchy import attach_to
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.responses import DEFAULT_PAGE, json_ok, no_content, table_page
from o2s_config.sandbox.rules import check_admin_left
from o2s_config.sandbox.store import Store, Tx
from o2s_config.sandbox.user_shape import to_wire
from o2s_config.sandbox.wire import Agence, AgenceIn, Profil, ResponsableIn, StatutIn, Utilisateur, UtilisateurIn

router = APIRouter(dependencies=[Depends(caller)])
WRITE_CHECKS = (check_admin_left,)


def user_filters(
    refext: str | None, manager: int | None, agence: int | None, profile: int | None
) -> tuple[str, list[Any]]:
    joins, where, params = "", list[str](), list[Any]()
    if refext is not None:
        referentiel, sep, identifiant = refext.partition(":")
        if not sep:
            raise ProblemError("validation", "refext is 'referentiel:identifiant'", "refext")
        joins = " JOIN user_refs r ON r.user_id = u.id"
        where.append("r.referentiel = ? AND r.identifiant = ?")
        params += [referentiel, identifiant]
    for column, value in (("u.manager_id", manager), ("u.structure_id", agence), ("u.profile_id", profile)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return joins + (" WHERE " + " AND ".join(where) if where else ""), params


@router.get("/utilisateurs", response_model=list[Utilisateur], tags=["utilisateurs"])
def list_users(
    store: StoreDep,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    refext: str | None = None,
    responsableId: IdQuery = None,
    agenceId: IdQuery = None,
    profilId: IdQuery = None,
) -> JSONResponse:
    """Users, by id, one page at a time (200 when the page ends the list, 206 when more follow)."""
    tail, params = user_filters(refext, responsableId, agenceId, profilId)
    return reads.user_page(store, limit, offset, tail, tuple(params))


@router.post("/utilisateurs", response_model=Utilisateur, status_code=201, tags=["utilisateurs"])
def create_user(store: StoreDep, body: UtilisateurIn) -> JSONResponse:
    """Create a user (records his activation e-mail in the outbox)."""
    with store.write() as tx:
        user_id = users.create(tx, users.changes_of(tx, body))
        row = users.get_row(tx, user_id)
    return json_ok(tx, to_wire(row), 201, row["version"], f"/utilisateurs/{user_id}")


@router.get("/utilisateurs/myself", response_model=Utilisateur, tags=["utilisateurs"])
def get_myself(store: StoreDep, login: CallerDep) -> JSONResponse:
    """The user the token acts for."""
    return reads.user_named(store, login)


@router.get("/utilisateurs/{id}", response_model=Utilisateur, tags=["utilisateurs"])
def get_user(store: StoreDep, id: IdPath) -> JSONResponse:
    """One user."""
    with store.read() as tx:
        row = users.get_row(tx, id)
        return json_ok(tx, to_wire(row), version=row["version"])


def _user_write(store: Store, user_id: int, action: Callable[[Tx], None]) -> Response:
    with store.write(WRITE_CHECKS) as tx:
        action(tx)
        version = users.get_row(tx, user_id)["version"]
    return no_content(tx, version)


@router.put("/utilisateurs/{id}", status_code=204, response_class=Response, tags=["utilisateurs"])
def put_user(store: StoreDep, id: IdPath, body: UtilisateurIn, if_match: IfMatch = None) -> Response:
    """Replace the fields the body carries; the others keep their value."""
    return _user_write(store, id, lambda tx: users.update(tx, id, users.changes_of(tx, body), if_match))


@router.delete("/utilisateurs/{id}", status_code=204, response_class=Response, tags=["utilisateurs"])
def delete_user(store: StoreDep, id: IdPath, if_match: IfMatch = None) -> Response:
    """Delete a user nobody is attached to."""
    with store.write(WRITE_CHECKS) as tx:
        users.delete(tx, id, if_match)
    return no_content(tx)


@router.put("/utilisateurs/{id}/statut", status_code=204, response_class=Response, tags=["utilisateurs"])
def put_statut(store: StoreDep, id: IdPath, body: StatutIn, if_match: IfMatch = None) -> Response:
    """Activate or deactivate a user."""
    return _user_write(store, id, lambda tx: users.update(tx, id, {"active": body.statut == "ACTIVE"}, if_match))


@router.put("/utilisateurs/{id}/responsable", status_code=204, response_class=Response, tags=["utilisateurs"])
def put_responsable(store: StoreDep, id: IdPath, body: ResponsableIn, if_match: IfMatch = None) -> Response:
    """Attach a user to his manager (``responsableId``), or detach him (null)."""

    def attach(tx: Tx) -> None:
        check_if_match(if_match, users.get_row(tx, id)["version"])
        attach_to(tx, id, body.responsableId)

    return _user_write(store, id, attach)


@router.get("/utilisateurs/{id}/responsable", response_model=ResponsableIn, tags=["utilisateurs"])
def get_responsable(store: StoreDep, id: IdPath) -> JSONResponse:
    """The id of the user's manager (``responsableId``, null when he has none)."""
    with store.read() as tx:
        row = users.get_row(tx, id)
        return json_ok(tx, {"responsableId": row["manager_id"]}, version=row["version"])


@router.get("/agences", response_model=list[Agence], tags=["agences"])
def list_structures(store: StoreDep, limit: Limit = DEFAULT_PAGE, offset: Offset = 0) -> JSONResponse:
    """Structures, by id, one page at a time."""
    return reads.structure_page(store, limit, offset)


@router.post("/agences", response_model=Agence, status_code=201, tags=["agences"])
def create_structure(store: StoreDep, body: AgenceIn) -> JSONResponse:
    """Create a structure."""
    with store.write() as tx:
        structure_id = structures.create(tx, body.model_dump(exclude_unset=True))
        row = structures.get_row(tx, structure_id)
    return json_ok(tx, structures.to_wire(row), 201, row["version"], f"/agences/{structure_id}")


@router.get("/agences/{id}", response_model=Agence, tags=["agences"])
def get_structure(store: StoreDep, id: IdPath) -> JSONResponse:
    """One structure."""
    with store.read() as tx:
        row = structures.get_row(tx, id)
        return json_ok(tx, structures.to_wire(row), version=row["version"])


@router.put("/agences/{id}", status_code=204, response_class=Response, tags=["agences"])
def put_structure(store: StoreDep, id: IdPath, body: AgenceIn, if_match: IfMatch = None) -> Response:
    """Replace the fields the body carries."""
    with store.write() as tx:
        structures.update(tx, id, body.model_dump(exclude_unset=True), if_match)
    return no_content(tx, tx.revision)


@router.delete("/agences/{id}", status_code=204, response_class=Response, tags=["agences"])
def delete_structure(store: StoreDep, id: IdPath, if_match: IfMatch = None) -> Response:
    """Delete a structure no user belongs to."""
    with store.write() as tx:
        structures.delete(tx, id, if_match)
    return no_content(tx)


@router.get("/profils", response_model=list[Profil], tags=["profils"])
def list_profiles(store: StoreDep, limit: Limit = DEFAULT_PAGE, offset: Offset = 0) -> JSONResponse:
    """Profiles (labels and validity only), one page at a time."""
    return table_page(store, "profiles", profiles.to_published, limit, offset)
