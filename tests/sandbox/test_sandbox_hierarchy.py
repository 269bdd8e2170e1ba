"""The manager tree: read whole, written whole or in part, never a self-manager or a cycle."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sandbox_harness import Server, assert_problem, new_user


def _users(api: httpx.Client, count: int) -> list[dict[str, object]]:
    return [new_user(api).json() for _ in range(count)]


def test_tree_written_whole_and_read_back(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    a, b, c, d = (u["ext"]["login"] for u in _users(api, 4))  # type: ignore[index]
    tree = {a: [b, {c: [d]}]}
    assert api.put("/ext/v1/hierarchy", json={"tree": tree}).status_code == 204
    body = api.get("/ext/v1/hierarchy").json()
    assert body == {"tree": tree, "managers": {b: a, c: a, d: c}}
    # PUT replaces the whole tree: c is no longer attached below a
    assert api.put("/ext/v1/hierarchy", json={"managers": {d: c}}).status_code == 204
    assert api.get("/ext/v1/hierarchy").json() == {"tree": {c: [d]}, "managers": {d: c}}


def test_patch_changes_only_the_users_listed(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    a, b, c = (u["ext"]["login"] for u in _users(api, 3))  # type: ignore[index]
    api.put("/ext/v1/hierarchy", json={"managers": {b: a}})
    assert api.patch("/ext/v1/hierarchy", json={"managers": {c: a}}).status_code == 204
    assert api.get("/ext/v1/hierarchy").json()["managers"] == {b: a, c: a}
    assert api.patch("/ext/v1/hierarchy", json={"managers": {b: None}}).status_code == 204
    assert api.get("/ext/v1/hierarchy").json()["managers"] == {c: a}


def test_self_manager_and_cycles_are_refused(api: httpx.Client) -> None:
    a, b, c = _users(api, 3)
    la, lb, lc = (u["ext"]["login"] for u in (a, b, c))  # type: ignore[index]
    assert_problem(api.patch("/ext/v1/hierarchy", json={"managers": {la: la}}), 422, "hierarchy", f"managers.{la}")
    assert_problem(
        api.put(f"/utilisateurs/{a['id']}/responsable", json={"responsableId": a["id"]}),
        422,
        "hierarchy",
        "responsableId",
    )
    assert api.patch("/ext/v1/hierarchy", json={"managers": {lb: la, lc: lb}}).status_code == 204
    problem = assert_problem(api.patch("/ext/v1/hierarchy", json={"managers": {la: lc}}), 422, "hierarchy")
    assert la in problem["detail"] and lc in problem["detail"]
    assert_problem(api.put(f"/utilisateurs/{a['id']}/responsable", json={"responsableId": c["id"]}), 422, "hierarchy")
    assert_problem(api.put(f"/utilisateurs/{a['id']}", json={"ext": {"manager": lc}}), 422, "hierarchy", "manager")


def test_responsable_endpoint_attaches_and_detaches(api: httpx.Client) -> None:
    manager, member = _users(api, 2)
    url = f"/utilisateurs/{member['id']}/responsable"
    assert api.put(url, json={"responsableId": manager["id"]}).status_code == 204
    ext = api.get(f"/utilisateurs/{member['id']}").json()["ext"]
    assert (ext["manager"], ext["manager_id"]) == (manager["ext"]["login"], manager["id"])  # type: ignore[index]
    assert api.put(url, json={"responsableId": None}).status_code == 204
    assert api.get(f"/utilisateurs/{member['id']}").json()["ext"]["manager"] is None
    assert_problem(api.put(url, json={"responsableId": 10**12}), 422, "validation", "responsableId")


def test_unknown_logins_are_named(api: httpx.Client) -> None:
    (user,) = _users(api, 1)
    login = user["ext"]["login"]  # type: ignore[index]
    assert_problem(
        api.patch("/ext/v1/hierarchy", json={"managers": {"ghost": login}}), 422, "validation", "managers.ghost"
    )
    assert_problem(
        api.patch("/ext/v1/hierarchy", json={"managers": {login: "ghost"}}), 422, "validation", f"managers.{login}"
    )
    assert_problem(api.patch("/ext/v1/hierarchy", json={}), 422, "validation")


def test_a_manager_with_attached_users_cannot_be_deleted(api: httpx.Client) -> None:
    manager, member = _users(api, 2)
    api.put(f"/utilisateurs/{member['id']}/responsable", json={"responsableId": manager["id"]})
    assert_problem(api.delete(f"/utilisateurs/{manager['id']}"), 409, "in-use")
    assert api.delete(f"/utilisateurs/{member['id']}").status_code == 204
    assert api.delete(f"/utilisateurs/{manager['id']}").status_code == 204
