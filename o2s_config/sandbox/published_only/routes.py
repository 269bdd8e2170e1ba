"""The published-only API: Harvest's endpoints and field names, nothing more (no ``/ext``, no ``ext``).

Answers carry no sandbox header (no ETag, tenant revision or count): a client rehearsing here
relies only on what Harvest publishes. Storage and rules are the full sandbox's own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response

from o2s_config.sandbox import profiles, structures, users
from o2s_config.sandbox.deps import CallerDep, IdPath, IdQuery, Offset, StoreDep, caller
from o2s_config.sandbox.hierarchy import attach_to, user_ids
from o2s_config.sandbox.json_answer import JSONAnswer
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.published_only.logins import assign_login
from o2s_config.sandbox.published_only.shapes import agence, utilisateur
from o2s_config.sandbox.published_only.translate import agence_fields, published_problems, user_changes
from o2s_config.sandbox.published_only.wire import Agence, AgenceIn, Responsable, Utilisateur, UtilisateurIn
from o2s_config.sandbox.responses import DEFAULT_PAGE, MAX_ID
from o2s_config.sandbox.routes_published import user_filters
from o2s_config.sandbox.rules import check_admin_left
from o2s_config.sandbox.store import Store, Tx
from o2s_config.sandbox.user_shape import SELECT_USERS
from o2s_config.sandbox.wire import Profil, StatutIn

MAX_PAGE = 100  # a larger ``limit`` is served as 100 (docs/real-tenant.md, assumptions)
WRITE_CHECKS = (check_admin_left,)

Limit = Annotated[
    int, Query(ge=1, le=MAX_ID, description=f"page size (default {DEFAULT_PAGE}); at most {MAX_PAGE} are served")
]

router = APIRouter(dependencies=[Depends(caller)])


def _page(rows: list[Any], limit: int, shape: Callable[[Any], dict[str, Any]]) -> JSONAnswer:
    """One page from rows read one past its size: 206 when that extra row exists, else 200."""
    size = min(limit, MAX_PAGE)
    return JSONAnswer([shape(row) for row in rows[:size]], status_code=206 if len(rows) > size else 200)


def _window(limit: int, offset: int) -> tuple[int, int]:
    """SQL ``LIMIT ? OFFSET ?`` values reading one row past the served page."""
    return min(limit, MAX_PAGE) + 1, offset


@router.get("/utilisateurs", response_model=list[Utilisateur], tags=["utilisateurs"])
def list_users(
    store: StoreDep,
    limit: Limit = DEFAULT_PAGE,
    offset: Offset = 0,
    refext: str | None = None,
    responsableId: IdQuery = None,
    agenceId: IdQuery = None,
    profilId: IdQuery = None,
) -> JSONAnswer:
    """Users by id, one page at a time: 200 when the page ends the list, 206 when more follow."""
    tail, params = user_filters(refext, responsableId, agenceId, profilId)
    with store.read() as tx:
        rows = tx.all(f"{SELECT_USERS}{tail} ORDER BY u.id LIMIT ? OFFSET ?", *params, *_window(limit, offset))
    return _page(rows, limit, utilisateur)


@router.post("/utilisateurs", response_model=Utilisateur, status_code=201, tags=["utilisateurs"])
def create_user(store: StoreDep, body: UtilisateurIn) -> JSONAnswer:
    """Create a user; the tenant gives him a login, which this API never shows."""
    personal = body.donneesPersonnelles
    with published_problems(), store.write() as tx:
        changes = user_changes(tx, body, None)
        changes["login"] = assign_login(tx, personal.prenoms, personal.nom, changes["email"])
        user_id = users.create(tx, changes)
        row = users.get_row(tx, user_id)
    return JSONAnswer(utilisateur(row), status_code=201, headers={"Location": f"/utilisateurs/{user_id}"})


@router.get("/utilisateurs/myself", response_model=Utilisateur, tags=["utilisateurs"])
def get_myself(store: StoreDep, login: CallerDep) -> JSONAnswer:
    """The user the token acts for."""
    with store.read() as tx:
        row = tx.one(f"{SELECT_USERS} WHERE u.login = ?", login)
    if row is None:
        raise ProblemError("not-found", "the token's user no longer exists")
    return JSONAnswer(utilisateur(row))


@router.get("/utilisateurs/{id}", response_model=Utilisateur, tags=["utilisateurs"])
def get_user(store: StoreDep, id: IdPath) -> JSONAnswer:
    """One user."""
    with store.read() as tx:
        return JSONAnswer(utilisateur(users.get_row(tx, id)))


def _user_write(store: Store, action: Callable[[Tx], None]) -> Response:
    with published_problems(), store.write(WRITE_CHECKS) as tx:
        action(tx)
    return Response(status_code=204)


@router.put("/utilisateurs/{id}", status_code=204, response_class=Response, tags=["utilisateurs"])
def put_user(store: StoreDep, id: IdPath, body: UtilisateurIn) -> Response:
    """Replace the user's published representation (what the body leaves out is cleared; ``statut`` is kept)."""

    def replace(tx: Tx) -> None:
        users.get_row(tx, id)  # 404 for an unknown user before the body's references are checked
        users.update(tx, id, user_changes(tx, body, id), None)

    return _user_write(store, replace)


@router.delete("/utilisateurs/{id}", status_code=204, response_class=Response, tags=["utilisateurs"])
def delete_user(store: StoreDep, id: IdPath) -> Response:
    """Remove a user nobody is attached to (deactivating is ``PUT .../statut``)."""

    def remove(tx: Tx) -> None:
        # checked here too, so that the refusal names the user by id, never by his unpublished login
        attached = tx.scalar("SELECT count(*) FROM users WHERE manager_id = ?", id)
        if attached:
            message = f"user {id} still manages {attached} user(s) (responsableId={id}); attach them elsewhere first"
            raise ProblemError("in-use", message, "id")
        users.delete(tx, id, None)

    return _user_write(store, remove)


@router.put("/utilisateurs/{id}/statut", status_code=204, response_class=Response, tags=["utilisateurs"])
def put_statut(store: StoreDep, id: IdPath, body: StatutIn) -> Response:
    """Activate or deactivate a user."""
    return _user_write(store, lambda tx: users.update(tx, id, {"active": body.statut == "ACTIVE"}, None))


@router.get("/utilisateurs/{id}/responsable", response_model=Responsable, tags=["utilisateurs"])
def get_responsable(store: StoreDep, id: IdPath) -> JSONAnswer:
    """The id of the user's manager (null when he has none)."""
    with store.read() as tx:
        return JSONAnswer({"responsableId": users.get_row(tx, id)["manager_id"]})


@router.put("/utilisateurs/{id}/responsable", status_code=204, response_class=Response, tags=["utilisateurs"])
def put_responsable(store: StoreDep, id: IdPath, body: Responsable) -> Response:
    """Attach the user to his manager, or detach him (null)."""

    def attach(tx: Tx) -> None:
        users.get_row(tx, id)  # 404 for an unknown user before any other check
        attach_to(tx, id, body.responsableId, user_ids)

    return _user_write(store, attach)


@router.get("/agences", response_model=list[Agence], tags=["agences"])
def list_structures(store: StoreDep, limit: Limit = DEFAULT_PAGE, offset: Offset = 0) -> JSONAnswer:
    """Structures by id, one page at a time."""
    with store.read() as tx:
        rows = tx.all("SELECT * FROM structures ORDER BY id LIMIT ? OFFSET ?", *_window(limit, offset))
    return _page(rows, limit, agence)


@router.post("/agences", response_model=Agence, status_code=201, tags=["agences"])
def create_structure(store: StoreDep, body: AgenceIn) -> JSONAnswer:
    """Create a structure."""
    with store.write() as tx:
        structure_id = structures.create(tx, agence_fields(body))
        row = structures.get_row(tx, structure_id)
    return JSONAnswer(agence(row), status_code=201, headers={"Location": f"/agences/{structure_id}"})


@router.get("/agences/{id}", response_model=Agence, tags=["agences"])
def get_structure(store: StoreDep, id: IdPath) -> JSONAnswer:
    """One structure."""
    with store.read() as tx:
        return JSONAnswer(agence(structures.get_row(tx, id)))


@router.put("/agences/{id}", status_code=204, response_class=Response, tags=["agences"])
def put_structure(store: StoreDep, id: IdPath, body: AgenceIn) -> Response:
    """Replace the structure's representation (an absent ``adresse`` is cleared)."""
    with store.write() as tx:
        structures.update(tx, id, agence_fields(body), None)
    return Response(status_code=204)


@router.delete("/agences/{id}", status_code=204, response_class=Response, tags=["agences"])
def delete_structure(store: StoreDep, id: IdPath) -> Response:
    """Remove a structure no user belongs to."""
    with store.write() as tx:
        structures.delete(tx, id, None)
    return Response(status_code=204)


@router.get("/profils", response_model=list[Profil], tags=["profils"])
def list_profiles(store: StoreDep, limit: Limit = DEFAULT_PAGE, offset: Offset = 0) -> JSONAnswer:
    """Profiles (label and validity; no rights), one page at a time."""
    with store.read() as tx:
        rows = tx.all("SELECT * FROM profiles ORDER BY id LIMIT ? OFFSET ?", *_window(limit, offset))
    return _page(rows, limit, profiles.to_published)
