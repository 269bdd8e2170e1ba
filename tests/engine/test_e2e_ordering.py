"""Each hard ordering case applies in one apply, on the sandbox's rules, and leaves an empty plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.engine.conftest import Tenant
from tests.engine.scenarios import ADMIN, CONSEILLER, firm, person, write

FORCE = {"safety": {"max_delete_share": 1.0}}


def converge(tenant: Tenant, folder: Path, before: dict[str, Any], after: dict[str, Any]) -> None:
    for name, document in (("before", before), ("after", after)):
        result = tenant.cli("apply", str(write(folder, name, document)), "--auto-approve")
        assert result.exit_code == 0, f"{name}: {result.stdout}{result.stderr}"
    assert tenant.cli("plan", str(folder / "after.yaml"), "--detailed-exitcode").exit_code == 0


def test_swap_manager_and_advisor(tenant: Tenant, tmp_path: Path) -> None:
    people = {"a": person("a"), "b": person("b")}
    converge(tenant, tmp_path, firm(people, hierarchy={"a": ["b"]}), firm(people, hierarchy={"b": ["a"]}))


def test_users_move_off_a_profile_before_it_is_deleted(tenant: Tenant, tmp_path: Path) -> None:
    before = firm({"a": person("a", profile="Ancien")}, profiles={"Conseiller": CONSEILLER, "Ancien": CONSEILLER})
    after = firm({"a": person("a")}, prune={"profiles": True}, **FORCE)
    converge(tenant, tmp_path, before, after)


def test_users_move_off_a_structure_before_it_is_deleted(tenant: Tenant, tmp_path: Path) -> None:
    before = firm({"a": person("a", structure="lyon")})
    before["structures"]["lyon"] = {"name": "Agence Lyon"}
    after = firm({"a": person("a")}, prune={"structures": True}, **FORCE)
    converge(tenant, tmp_path, before, after)


def test_advisors_reattached_before_their_manager_is_deactivated(tenant: Tenant, tmp_path: Path) -> None:
    people = {"m": person("m"), "n": person("n"), "x": person("x"), "y": person("y")}
    before = firm(people, hierarchy={"m": ["x", "y"], "n": []})
    after_people = {**people, "m": person("m", active=False)}
    after = firm(after_people, hierarchy={"n": ["x", "y"]}, **FORCE)
    converge(tenant, tmp_path, before, after)


def test_rights_change_precedes_the_users_new_profile(tenant: Tenant, tmp_path: Path) -> None:
    """The applying admin moves to a profile that only gains the Administration module in the same plan."""
    direction_before = {"from": "all", "rights": {"administration": {"module_access": False}}}
    direction_after = {"from": "all"}
    before = firm(
        {"admin": {**ADMIN, "profile": "Administrateur"}},
        profiles={"Conseiller": CONSEILLER, "Direction": direction_before},
    )
    after = firm(
        {"admin": {**ADMIN, "profile": "Direction"}}, profiles={"Conseiller": CONSEILLER, "Direction": direction_after}
    )
    converge(tenant, tmp_path, before, after)


RENAMES = {
    # collection: (listing path, field holding the key, old key, new key, the "after" firm)
    "structures": (
        "/agences",
        "code",
        "paris",
        "paris-8",
        firm(
            {k: person(k, structure="paris-8") for k in ("a", "b")},
            structures={"siege": {"name": "Siège"}, "paris-8": {"name": "Paris 8e", "renamed_from": "paris"}},
            hierarchy={"a": ["b"]},
        ),
    ),
    "profiles": (
        "/ext/v1/profiles",
        "label",
        "Conseiller",
        "Conseiller senior",
        firm(
            {k: person(k, profile="Conseiller senior") for k in ("a", "b")},
            profiles={"Conseiller senior": {**CONSEILLER, "renamed_from": "Conseiller"}},
            hierarchy={"a": ["b"]},
        ),
    ),
    "users": (
        "/utilisateurs",
        "login",
        "b",
        "bb",
        firm({"a": person("a"), "bb": {**person("b"), "renamed_from": "b"}}, hierarchy={"a": ["bb"]}),
    ),
}


def ids_by_key(tenant: Tenant, path: str, key: str) -> dict[str, int]:
    items = tenant.request("GET", path, params={"limit": 1000}).json()
    return {(item.get("ext") or {}).get(key) or item.get(key): item["id"] for item in items}


@pytest.mark.parametrize("collection", list(RENAMES))
def test_renames_move_without_loss(tenant: Tenant, tmp_path: Path, collection: str) -> None:
    path, key, old, new, after = RENAMES[collection]
    tenant.cli(
        "apply",
        str(write(tmp_path, "start", firm({"a": person("a"), "b": person("b")}, hierarchy={"a": ["b"]}))),
        "--auto-approve",
    )
    before = ids_by_key(tenant, path, key)
    result = tenant.cli("apply", str(write(tmp_path, "after", after)), "--auto-approve")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert tenant.cli("plan", str(tmp_path / "after.yaml"), "--detailed-exitcode").exit_code == 0
    now = ids_by_key(tenant, path, key)
    assert old not in now and now[new] == before[old]


def test_attaching_under_a_manager_waits_for_his_chain_to_move(tenant: Tenant, tmp_path: Path) -> None:
    """x goes under m, whose own manager p leaves x: p must move first, though m himself does not."""
    people = {login: person(login) for login in ("x", "m", "p", "r")}
    before = firm(people, hierarchy={"x": [{"p": ["m"]}], "r": []})
    after = firm(people, hierarchy={"r": [{"p": [{"m": ["x"]}]}]})
    converge(tenant, tmp_path, before, after)
