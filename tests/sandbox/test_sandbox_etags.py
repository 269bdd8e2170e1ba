"""ETags on every resource, If-Match honoured with 412, a tenant revision bumped by every write."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sandbox_harness import Server, assert_problem, new_structure, new_user


def _revision(api: httpx.Client) -> int:
    return int(api.get("/ext/v1/revision").json()["revision"])


def test_user_if_match(api: httpx.Client) -> None:
    user = new_user(api).json()
    url = f"/utilisateurs/{user['id']}"
    etag = api.get(url).headers["etag"]
    assert etag == user["ext"]["etag"]
    changed = api.put(url, json={"ext": {"first_name": "Léa"}}, headers={"If-Match": etag})
    assert changed.status_code == 204 and changed.headers["etag"] != etag
    stale = api.put(url, json={"ext": {"first_name": "Zoé"}}, headers={"If-Match": etag})
    assert_problem(stale, 412, "precondition-failed")
    assert api.get(url).json()["ext"]["first_name"] == "Léa"
    assert_problem(api.delete(url, headers={"If-Match": etag}), 412, "precondition-failed")
    assert_problem(
        api.put(f"{url}/statut", json={"statut": "INACTIVE"}, headers={"If-Match": etag}), 412, "precondition-failed"
    )
    assert api.delete(url, headers={"If-Match": "*"}).status_code == 204


def test_structure_profile_and_code_if_match(api: httpx.Client) -> None:
    structure = new_structure(api)
    old = structure["ext"]["etag"]
    assert api.put(f"/agences/{structure['id']}", json={"nom": "A"}, headers={"If-Match": old}).status_code == 204
    assert_problem(
        api.put(f"/agences/{structure['id']}", json={"nom": "B"}, headers={"If-Match": old}), 412, "precondition-failed"
    )
    profile = api.post("/ext/v1/profiles", json={"label": structure["code"]}).json()
    body = {"label": structure["code"], "from": "all"}
    assert_problem(
        api.put(f"/ext/v1/profiles/{profile['id']}", json=body, headers={"If-Match": '"1"'}), 412, "precondition-failed"
    )
    assert (
        api.put(f"/ext/v1/profiles/{profile['id']}", json=body, headers={"If-Match": profile["etag"]}).status_code
        == 204
    )


def test_documents_if_match(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    establishment = {"general": {"name": "Cabinet Exemple", "email": "contact@exemple.fr"}}
    assert api.put("/ext/v1/establishment", json=establishment).status_code == 204
    etag = api.get("/ext/v1/establishment").headers["etag"]
    assert api.put("/ext/v1/establishment", json=establishment, headers={"If-Match": etag}).status_code == 204
    assert_problem(
        api.put("/ext/v1/establishment", json=establishment, headers={"If-Match": etag}), 412, "precondition-failed"
    )
    tree_etag = api.get("/ext/v1/hierarchy").headers["etag"]
    user = new_user(api, manager="admin").json()
    assert_problem(
        api.put("/ext/v1/hierarchy", json={"managers": {}}, headers={"If-Match": tree_etag}), 412, "precondition-failed"
    )
    assert api.get("/ext/v1/hierarchy").json()["managers"] == {user["ext"]["login"]: "admin"}
    services_etag = api.get("/ext/v1/services").headers["etag"]
    api.put("/ext/v1/services", json={"contact_categories": ["Client"]})
    assert_problem(
        api.patch("/ext/v1/services", json={}, headers={"If-Match": services_etag}), 412, "precondition-failed"
    )


def test_revision_changes_on_every_write_and_not_on_reads(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    start = _revision(api)
    api.get("/utilisateurs")
    api.get("/ext/v1/profiles")
    assert _revision(api) == start
    created = new_user(api)
    assert int(created.headers["x-tenant-revision"]) == start + 1
    api.put(f"/utilisateurs/{created.json()['id']}", json={"ext": {"first_name": "X"}})
    new_structure(api)
    assert _revision(api) == start + 3
    assert api.get("/ext/v1/revision").headers["etag"] == f'"{start + 3}"'
    listing = api.get("/utilisateurs")
    assert listing.headers["x-tenant-revision"] == str(start + 3)
    new_user(api, structure="nowhere")  # refused: no revision
    assert _revision(api) == start + 3
