"""Who sees whose agendas and clients: the seed's firm and hand-built trees, sets written out by hand.

Every expected set below comes from the set-up guide's scope semantics, not from the code:
- « Voir uniquement mon agenda » / « Mes clients »: the user himself;
- « ... qui me sont rattachés »: himself and everyone below him, all levels down;
- « ... de mon groupe » / « ... du groupe »: the users attached to his manager (himself included)
  and everyone below him.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from o2s_config.access import AccessMap, build_tree, compute_access, reach
from o2s_config.catalog import load_catalog
from o2s_config.cli import main
from o2s_config.model import Organisation
from o2s_config.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "organisation.yaml"
SCHEMA = json.loads((ROOT / "schemas" / "access.schema.json").read_text(encoding="utf-8"))
CATALOG = load_catalog()

# The seed's firm, as its guide lays it out: Alexis Dubois (Manager) and his eleven advisors.
CONSEILLERS = {"jdurand", "mmartin", "pbernard", "crobert", "nrichard", "idupont", "tlefebvre"}
JUNIORS_ACTIVE = {"lpetit", "egarnier", "hfaure"}
JUNIOR_ON_LEAVE = "arousseau"
ELEVEN_ADVISORS = CONSEILLERS | JUNIORS_ACTIVE | {JUNIOR_ON_LEAVE}


@pytest.fixture(scope="module")
def seed_firm() -> AccessMap:
    validated = validate_file(EXAMPLE)
    return compute_access(validated.organisation, validated.rights, CATALOG)


def test_the_example_has_eleven_advisors_under_alexis_dubois() -> None:
    assert len(ELEVEN_ADVISORS) == 11


def test_alexis_dubois_sees_the_agendas_and_clients_of_his_eleven_advisors(seed_firm: AccessMap) -> None:
    adubois = seed_firm.users["adubois"]
    assert adubois.agendas is not None and adubois.clients is not None
    assert adubois.agendas.logins() == ELEVEN_ADVISORS | {"adubois"}
    assert adubois.clients.logins() == ELEVEN_ADVISORS | {"adubois"}


def test_a_junior_advisor_sees_only_his_own_agenda(seed_firm: AccessMap) -> None:
    for login in JUNIORS_ACTIVE:
        junior = seed_firm.users[login]
        assert junior.agendas is not None and junior.agendas.logins() == {login}


def test_a_junior_advisor_sees_the_clients_of_his_group(seed_firm: AccessMap) -> None:
    # « Mes clients et ceux du groupe »: the users attached to Alexis Dubois, the junior included
    lpetit = seed_firm.users["lpetit"]
    assert lpetit.clients is not None and lpetit.clients.logins() == ELEVEN_ADVISORS


def test_who_can_see_an_advisor_is_his_manager_and_his_group(seed_firm: AccessMap) -> None:
    agendas, clients = seed_firm.who_can_see("jdurand")
    # agendas: the manager (attached) and the Conseillers of the group; juniors and back-office see only their own
    assert {a.login for a in agendas} == {"adubois"} | (CONSEILLERS - {"jdurand"})
    # clients: the manager and the whole group with « ... du groupe », juniors included; not the one on leave
    assert {a.login for a in clients} == {"adubois"} | (CONSEILLERS - {"jdurand"}) | JUNIORS_ACTIVE


def test_an_inactive_user_sees_nothing_but_is_still_seen(seed_firm: AccessMap) -> None:
    assert JUNIOR_ON_LEAVE not in seed_firm.users
    agendas, clients = seed_firm.who_can_see(JUNIOR_ON_LEAVE)
    assert {a.login for a in agendas} == {"adubois"} | CONSEILLERS
    assert {a.login for a in clients} == {"adubois"} | CONSEILLERS | JUNIORS_ACTIVE


def test_a_user_outside_the_hierarchy_has_no_group(seed_firm: AccessMap) -> None:
    # Back-office is « Mes clients et ceux du groupe » but attached to no manager: a group of one
    sblanc = seed_firm.users["sblanc"]
    assert sblanc.client_scope == "group"
    assert sblanc.clients is not None and sblanc.clients.logins() == {"sblanc"}


def test_only_the_administrator_has_the_administration_module(seed_firm: AccessMap) -> None:
    assert [a.login for a in seed_firm.administrators()] == ["vgirard"]


# --- hand-built trees -------------------------------------------------------------------------


def organisation(hierarchy: dict[str, Any], scopes: dict[str, str], inactive: tuple[str, ...] = ()) -> Organisation:
    """Users each on a one-off profile giving ``scope`` to both agendas and clients."""
    users = {
        login: {
            "last_name": login,
            "email": f"{login}@exemple.fr",
            "structure": "paris",
            "active": login not in inactive,
            "custom_profile": {
                "from": "none",
                "rights": {"agenda": {"view_calendars": scope}, "contact": {"client_access": scope}},
            },
        }
        for login, scope in scopes.items()
    }
    return Organisation.model_validate({"version": 1, "users": users, "hierarchy": hierarchy})


# boss -> [m1 -> [a, b -> [c]], m2 -> [d, e]], plus x outside the tree
TREE = {"boss": [{"m1": ["a", {"b": ["c"]}]}, {"m2": ["d", "e"]}]}
LOGINS = ["boss", "m1", "m2", "a", "b", "c", "d", "e", "x"]


def seen(scope: str, login: str) -> frozenset[str]:
    org = organisation(TREE, dict.fromkeys(LOGINS, scope))
    found = compute_access(org, {}, CATALOG).users[login].clients
    assert found is not None
    return found.logins()


def test_attached_covers_every_level_below() -> None:
    assert seen("attached", "boss") == {"boss", "m1", "m2", "a", "b", "c", "d", "e"}
    assert seen("attached", "m1") == {"m1", "a", "b", "c"}
    assert seen("attached", "a") == {"a"}


def test_group_is_the_same_manager_plus_everyone_below() -> None:
    assert seen("group", "a") == {"a", "b"}
    assert seen("group", "b") == {"a", "b", "c"}
    assert seen("group", "m1") == {"m1", "m2", "a", "b", "c"}
    assert seen("group", "boss") == {"boss", "m1", "m2", "a", "b", "c", "d", "e"}  # no manager: no group-mates
    assert seen("group", "x") == {"x"}


def test_own_is_oneself() -> None:
    assert seen("own", "m1") == {"m1"}


def test_a_scope_access_does_not_know_opens_everyone_and_says_so() -> None:
    # a tenant may hold a wider choice than the catalogue knows: the review must not under-state it
    org = organisation(TREE, dict.fromkeys(LOGINS, "own"))
    users = dict(org.users or {})
    users["x"] = users["x"].model_copy(update={"custom_profile": None, "profile": "Large"})
    rights = {"agenda": {"view_calendars": "firm"}, "contact": {"client_access": "own"}}
    access = compute_access(org.model_copy(update={"users": users}), {"Large": rights}, CATALOG)
    agendas = access.users["x"].agendas
    assert agendas is not None and agendas.logins() == set(LOGINS)
    assert any("'firm'" in note for note in access.notes)


def test_a_user_whose_rights_are_not_known_sees_an_unknown_set() -> None:
    org = Organisation.model_validate(
        {"version": 1, "users": {"u": {"last_name": "U", "email": "u@exemple.fr", "structure": "paris"}}}
    )
    access = compute_access(org, {}, CATALOG)
    assert access.users["u"].agendas is None and access.users["u"].rights is None
    assert any("rights not known" in note for note in access.notes)


def test_effective_rights_drop_a_services_tab_without_the_services_module() -> None:
    org = Organisation.model_validate(
        {
            "version": 1,
            "users": {
                "u": {
                    "last_name": "U",
                    "email": "u@exemple.fr",
                    "structure": "paris",
                    "custom_profile": {"from": "none", "rights": {"configuration": {"services_editions_tab": True}}},
                }
            },
        }
    )
    u = compute_access(org, {}, CATALOG).users["u"]
    assert u.granted is not None and u.granted["configuration"]["services_editions_tab"] is True
    assert u.rights is not None and u.rights["configuration"]["services_editions_tab"] is False


# --- the sets against a naive reading of the definitions, on random trees -----------------------


def naive(parent: dict[str, str], login: str, scope: str, everyone: list[str]) -> set[str]:
    """The guide's definitions, literally: walk up for 'below', compare managers for the group."""

    def is_below(user: str, ancestor: str) -> bool:
        while user in parent:
            user = parent[user]
            if user == ancestor:
                return True
        return False

    below = {u for u in everyone if is_below(u, login)}
    if scope == "own":
        return {login}
    if scope == "attached":
        return {login} | below
    if login not in parent:
        return {login} | below
    return {u for u in everyone if parent.get(u) == parent[login]} | below


@st.composite
def forests(draw: st.DrawFn) -> tuple[list[str], dict[str, str]]:
    count = draw(st.integers(1, 25))
    logins = [f"u{i}" for i in range(count)]
    parent = {}
    for index in range(1, count):
        choice = draw(st.integers(-1, index - 1))
        if choice >= 0:
            parent[logins[index]] = logins[choice]
    return logins, parent


def nested(logins: list[str], parent: dict[str, str]) -> dict[str, Any]:
    """The forest in the file's shape: roots as keys, children as logins or one-key mappings."""
    children: dict[str, list[str]] = {}
    for child, boss in parent.items():
        children.setdefault(boss, []).append(child)

    def entry(login: str) -> Any:
        return {login: [entry(c) for c in children[login]]} if login in children else login

    return {root: [entry(c) for c in children.get(root, [])] for root in logins if root not in parent}


@settings(max_examples=60, deadline=None)
@given(forests(), st.sampled_from(["own", "attached", "group"]))
def test_every_set_matches_the_definitions_on_random_trees(
    forest: tuple[list[str], dict[str, str]], scope: str
) -> None:
    logins, parent = forest
    org = organisation(nested(logins, parent), dict.fromkeys(logins, scope))
    tree = build_tree(org)
    for login in logins:
        found = reach(tree, login, scope)
        expected = naive(parent, login, scope, logins)
        assert found.logins() == expected
        assert len(found) == len(expected)
        assert all(u in found for u in expected) and "nobody" not in found
        assert list(found) == sorted(expected, key=tree.position.__getitem__)


# --- the command ------------------------------------------------------------------------------


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["access", *args], catch_exceptions=False)


def test_access_user_lists_the_twelve_users_alexis_dubois_sees() -> None:
    result = run(str(EXAMPLE), "--user", "adubois")
    assert result.exit_code == 0, result.output
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("    ")}
    assert listed >= ELEVEN_ADVISORS | {"adubois"}
    assert "sees 12 user(s):" in result.stdout
    assert "Gestion des profils [assumed]  (administration.manage_profiles)  ticked, no effect" in result.stdout


def test_access_who_can_see_names_the_manager_and_the_group() -> None:
    result = run(str(EXAMPLE), "--who-can-see", "jdurand")
    assert result.exit_code == 0, result.output
    sections = result.stdout.split("Clients:")
    agenda_viewers = {line.split()[0] for line in sections[0].splitlines() if line.startswith("  ")}
    client_viewers = {line.split()[0] for line in sections[1].splitlines() if line.startswith("  ")}
    assert agenda_viewers == {"adubois"} | (CONSEILLERS - {"jdurand"})
    assert client_viewers == {"adubois"} | (CONSEILLERS - {"jdurand"}) | JUNIORS_ACTIVE


def test_access_json_follows_its_schema_in_every_form() -> None:
    for extra in ((), ("--user", "lpetit"), ("--who-can-see", "jdurand"), ("--user", JUNIOR_ON_LEAVE)):
        result = run(str(EXAMPLE), "--format", "json", *extra)
        assert result.exit_code == 0, result.output
        jsonschema.validate(json.loads(result.stdout), SCHEMA)


def test_access_json_gives_the_sets_and_effective_rights() -> None:
    document = json.loads(run(str(EXAMPLE), "--format", "json").stdout)
    users = {u["login"]: u for u in document["users"]}
    assert set(users["adubois"]["clients"]["users"]) == ELEVEN_ADVISORS | {"adubois"}
    assert users["lpetit"]["agendas"] == {
        "scope": "own",
        "label": "Voir uniquement mon agenda",
        "count": 1,
        "users": ["lpetit"],
    }
    assert users["jdurand"]["manager"] == "adubois" and set(users["adubois"]["attached"]) == ELEVEN_ADVISORS
    junior = document["profiles"]["Conseiller junior"]
    assert "configuration.services_editions_tab" in junior["without_effect"]
    assert junior["rights"]["configuration"]["services_editions_tab"] is False
    assert document["administrators"] == ["vgirard"] and document["policy_violations"] == []


def test_an_unknown_login_is_a_clean_error_with_a_suggestion() -> None:
    result = run(str(EXAMPLE), "--user", "adubos")
    assert result.exit_code == 1 and "did you mean 'adubois'?" in result.stderr and "Traceback" not in result.output


def test_user_and_who_can_see_together_are_refused() -> None:
    result = run(str(EXAMPLE), "--user", "adubois", "--who-can-see", "jdurand")
    assert result.exit_code == 1 and "not both" in result.stderr


def test_a_workbook_needs_an_output_file() -> None:
    result = run(str(EXAMPLE), "--format", "xlsx")
    assert result.exit_code == 1 and "-o FILE" in result.stderr


def test_an_invalid_file_gives_located_errors_not_a_review(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nusers:\n  a: {last_name: A, email: nope, structure: paris}\n", encoding="utf-8")
    result = run(str(bad))
    assert result.exit_code == 1 and "bad.yaml:3:" in result.stderr and result.stdout == ""


def test_a_broken_policy_is_part_of_the_review_not_an_error(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    copy = tmp_path / "examples" / "organisation.yaml"
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("{min: 1, max: 2}", "{min: 2, max: 2}"), encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "{min: 1, max: 2}" in row)
    result = run(str(copy))
    assert result.exit_code == 0
    assert "1 policy violation(s):" in result.stdout
    assert f"organisation.yaml:{line}:" in result.stdout
    assert (
        "policy 'administrators': 1 active user(s) have « Accès au module «\u00a0Administration\u00a0» » (vgirard)"
        in (result.stdout)
    )
