"""The diff: key-set arithmetic, unmanaged fields, effective rights, renames, pruning."""

from __future__ import annotations

from o2s_config.catalog import load_catalog
from o2s_config.diff import diff
from tests.engine.factories import CONSEILLER, org, user, users

CATALOG = load_catalog()
BASE = {"structures": {"paris": {"name": "Agence Paris"}}, "profiles": {"Conseiller": CONSEILLER}}


def ids(changes: list) -> list[str]:
    return [f"{c.action} {c.id}" for c in changes]


def test_identical_organisations_give_no_change() -> None:
    state = org(**BASE, users=users("a", "b"), hierarchy={"a": ["b"]})
    assert diff(state, state, CATALOG).changes == []


def test_created_updated_and_unmanaged_keys() -> None:
    current = org(**BASE, users=users("a", "old"))
    desired = org(**BASE, users={**users("a", first_name="Anne"), **users("new")})
    found = diff(desired, current, CATALOG)
    assert ids(found.changes) == ["update user:a", "create user:new"]
    assert found.unmanaged == {"users": ["old"]}


def test_a_field_left_out_of_the_file_is_not_managed() -> None:
    current = org(**BASE, users={"a": user(login="a", first_name="Anne", advisor_id="E1")})
    desired = org(**BASE, users={"a": user(login="a")})
    assert diff(desired, current, CATALOG).changes == []


def test_profiles_compare_on_effective_rights() -> None:
    full = CATALOG.full("all")
    full["administration"]["module_access"] = False
    current = org(profiles={"Conseiller": {"from": "none", "rights": full}})
    desired = org(profiles={"Conseiller": CONSEILLER})
    assert diff(desired, current, CATALOG).changes == []


def test_rights_change_carries_the_french_label() -> None:
    current = org(profiles={"Conseiller": CONSEILLER})
    desired = org(
        profiles={
            "Conseiller": {
                "from": "all",
                "rights": {"administration": {"module_access": False}, "agenda": {"view_calendars": "group"}},
            }
        }
    )
    (change,) = diff(desired, current, CATALOG).changes
    by_path = {f.path: f for f in change.fields}
    assert by_path["rights.agenda.view_calendars"].label == "Voir les agendas…"
    # "Appliquer tous les droits" leaves the drop-down at its narrowest choice
    assert (by_path["rights.agenda.view_calendars"].before, by_path["rights.agenda.view_calendars"].after) == (
        "own",
        "group",
    )


def test_renamed_profile_is_moved_not_recreated() -> None:
    current = org(**BASE, users=users("a"))
    desired = org(
        structures=BASE["structures"],
        profiles={"Conseiller senior": {**CONSEILLER, "renamed_from": "Conseiller"}},
        users=users("a", profile="Conseiller senior"),
    )
    (change,) = diff(desired, current, CATALOG).changes
    assert (change.action, change.id, change.renamed_from) == ("update", "profile:Conseiller senior", "Conseiller")


def test_renamed_user_keeps_his_place_in_the_tree() -> None:
    current = org(**BASE, users=users("a", "b"), hierarchy={"a": ["b"]})
    desired = org(**BASE, users={**users("a"), "bb": {**user(login="b"), "renamed_from": "b"}}, hierarchy={"a": ["bb"]})
    assert ids(diff(desired, current, CATALOG).changes) == ["update user:bb"]


def test_pruned_users_are_deactivated_never_deleted() -> None:
    current = org(**BASE, users=users("a", "b"))
    desired = org(**BASE, users=users("a"), prune={"users": True})
    (change,) = diff(desired, current, CATALOG).changes
    assert (change.action, change.key, change.payload) == ("update", "b", {"active": False})


def test_without_prune_nothing_is_deleted() -> None:
    current = org(structures={"paris": {"name": "P"}, "lyon": {"name": "L"}})
    desired = org(structures={"paris": {"name": "P"}})
    found = diff(desired, current, CATALOG)
    assert found.changes == [] and found.unmanaged == {"structures": ["lyon"]}


def test_hierarchy_changes_are_attach_move_detach() -> None:
    current = org(**BASE, users=users("a", "b", "c", "d"), hierarchy={"a": ["b", "c"]})
    desired = org(**BASE, users=users("a", "b", "c", "d"), hierarchy={"a": ["b"], "d": ["c", "a"]})
    assert sorted(ids(diff(desired, current, CATALOG).changes)) == ["create hierarchy:a", "update hierarchy:c"]


def test_secret_values_are_marked_sensitive() -> None:
    server = {"host": "smtp.exemple.fr", "port": 587}
    current = org(services={"email_server": {"smtp": {**server, "password": "old-secret"}}})
    desired = org(services={"email_server": {"smtp": {**server, "password": "new-secret"}}})
    (change,) = diff(desired, current, CATALOG).changes
    (field,) = change.fields
    assert field.path == "email_server.smtp.password" and field.sensitive
