"""No change may leave the tenant without an active user holding the Administration module."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sandbox_harness import Server, assert_problem, new_user

ADMIN_ID = 1  # the seeded ``admin`` user of a new tenant


def _revision(api: httpx.Client) -> int:
    return int(api.get("/ext/v1/revision").json()["revision"])


def test_deactivating_the_last_administrator_is_refused(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    before = _revision(api)
    problem = assert_problem(api.put(f"/utilisateurs/{ADMIN_ID}/statut", json={"statut": "INACTIVE"}), 409, "lockout")
    assert "administration.module_access" in problem["detail"]
    assert api.get(f"/utilisateurs/{ADMIN_ID}").json()["statut"] == "ACTIVE"
    assert _revision(api) == before  # refused writes leave nothing, not even a revision


def test_deleting_or_demoting_the_last_administrator_is_refused(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    assert_problem(api.delete(f"/utilisateurs/{ADMIN_ID}"), 409, "lockout")
    assert_problem(api.put(f"/utilisateurs/{ADMIN_ID}", json={"profilId": None}), 409, "lockout")
    custom = {"from": "all", "rights": {"administration": {"module_access": False}}}
    assert_problem(api.put(f"/utilisateurs/{ADMIN_ID}", json={"ext": {"custom_profile": custom}}), 409, "lockout")


def test_another_administrator_makes_it_possible(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    assert new_user(api, custom_profile={"from": "all"}).status_code == 201
    assert api.put(f"/utilisateurs/{ADMIN_ID}/statut", json={"statut": "INACTIVE"}).status_code == 204


def test_taking_the_module_from_the_last_administrators_profile_is_refused(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    chief = api.post("/ext/v1/profiles", json={"label": "Chef", "from": "all"}).json()
    assert new_user(api, profile="Chef").status_code == 201
    assert api.put(f"/utilisateurs/{ADMIN_ID}/statut", json={"statut": "INACTIVE"}).status_code == 204
    demoted = {"label": "Chef", "from": "all", "rights": {"administration": {"module_access": False}}}
    assert_problem(api.put(f"/ext/v1/profiles/{chief['id']}", json=demoted), 409, "lockout")
    # an invalid profile gives no rights either
    assert_problem(
        api.put(f"/ext/v1/profiles/{chief['id']}", json={"label": "Chef", "from": "all", "valid": False}),
        409,
        "lockout",
    )
