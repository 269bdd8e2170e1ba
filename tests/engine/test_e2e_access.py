"""Access reviews of a real tenant, and policies refusing plan and apply, through the sandbox (embedded and served)."""

from __future__ import annotations

import json
from pathlib import Path

from ruamel.yaml import YAML

from tests.engine.conftest import Tenant
from tests.engine.scenarios import firm, person, write

CONSEILLERS = {"jdurand", "mmartin", "pbernard", "crobert", "nrichard", "idupont", "tlefebvre"}
ELEVEN_ADVISORS = CONSEILLERS | {"lpetit", "egarnier", "hfaure", "arousseau"}


def review(tenant: Tenant, *args: str) -> dict[str, object]:
    result = tenant.cli("access", *args, "--target", tenant.target, "--format", "json")
    assert result.exit_code == 0, result.output
    document: dict[str, object] = json.loads(result.stdout)
    return document


def test_the_tenant_after_apply_gives_the_same_review_as_the_file(tenant: Tenant, example: Path) -> None:
    assert tenant.cli("apply", str(example), "--auto-approve").exit_code == 0
    current = review(tenant)
    assert current["source"] == {"kind": "target", "name": tenant.target}
    users = {u["login"]: u for u in current["users"]}  # type: ignore[attr-defined]
    assert set(users["adubois"]["agendas"]["users"]) == ELEVEN_ADVISORS | {"adubois"}
    assert users["lpetit"]["agendas"]["users"] == ["lpetit"]
    assert current["administrators"] == ["admin", "vgirard"]  # the sandbox's own administrator, and the file's
    desired = json.loads(tenant.cli("access", str(example), "--format", "json").stdout)
    wanted = {u["login"]: u for u in desired["users"]}
    assert set(users) == {*wanted, "admin"}
    for login, mine in wanted.items():
        for what in ("agendas", "clients"):
            assert set(users[login][what]["users"]) == set(mine[what]["users"]), (login, what)
            assert users[login][what]["scope"] == mine[what]["scope"], (login, what)


def test_the_file_policies_are_checked_against_the_tenant(tenant: Tenant, example: Path) -> None:
    assert tenant.cli("apply", str(example), "--auto-approve").exit_code == 0
    assert review(tenant, str(example))["policy_violations"] == []
    for login in ("jdurand",):  # the sandbox's admin and vgirard, and one more made by hand in the screens
        answer = tenant.request(
            "PUT", f"/utilisateurs/{tenant.user_id(login)}", json={"ext": {"profile": "Administrateur"}}
        )
        assert answer.status_code == 204
    (violation,) = review(tenant, str(example))["policy_violations"]  # type: ignore[misc]
    assert violation.startswith("policy 'administrators': 3 active user(s)") and "at most 2 allowed" in violation


def test_plan_and_apply_refuse_a_file_that_breaks_a_policy(tenant: Tenant, tmp_path: Path) -> None:
    document = firm({"a": person("a"), "b": person("b")}, policies={"administrators": {"min": 2}})
    file = write(tmp_path, "firm", document)
    for command in ("plan", "apply"):
        result = (
            tenant.cli(command, str(file), "--auto-approve") if command == "apply" else tenant.cli(command, str(file))
        )
        assert result.exit_code == 1, result.output
        assert "firm.yaml:" in result.stderr and "policy 'administrators'" in result.stderr
        assert "Traceback" not in result.output and result.stdout == ""
    assert {u["ext"]["login"] for u in tenant.users()} & {"a", "b"} == set()  # nothing was written


def test_a_saved_plan_is_refused_once_its_file_breaks_a_policy(tenant: Tenant, tmp_path: Path) -> None:
    file = write(tmp_path, "firm", firm({"a": person("a")}))
    saved = tmp_path / "plan.json"
    assert tenant.cli("plan", str(file), "--out", str(saved)).exit_code == 0
    write(tmp_path, "firm", firm({"a": person("a")}, policies={"administrators": {"max": 0}}))
    result = tenant.cli("apply", str(saved), "--auto-approve")
    assert result.exit_code == 1 and "policy 'administrators'" in result.stderr
    assert "a" not in {u["ext"]["login"] for u in tenant.users()}


def two_teams(example: Path, lyon: list[str]) -> Path:
    """The example with a second manager, Bruno Mercier, leading ``lyon``; Alexis Dubois keeps the others."""
    document = YAML(typ="safe").load(example.read_text(encoding="utf-8"))
    document["users"]["bmercier"] = {
        **document["users"]["adubois"],
        "first_name": "Bruno",
        "last_name": "Mercier",
        "email": "bruno.mercier@dubois-patrimoine.fr",
        "advisor_id": "RH-0003",
    }
    document["hierarchy"] = {
        "adubois": [login for login in document["hierarchy"]["adubois"] if login not in lyon],
        "bmercier": lyon,
    }
    return write(example.parent, f"two-teams-{len(lyon)}", document)


def test_a_plan_moving_one_advisor_lists_exactly_the_users_whose_visibility_changes(
    tenant: Tenant, example: Path
) -> None:
    assert (
        tenant.cli("apply", str(two_teams(example, ["crobert", "nrichard", "tlefebvre"])), "--auto-approve").exit_code
        == 0
    )
    result = tenant.cli("plan", str(two_teams(example, ["crobert", "nrichard"])), "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [(c["resource"], c["key"]) for c in plan["changes"]] == [("hierarchy", "tlefebvre")]
    # From the guide's semantics: Thomas Lefebvre's group changes; Mercier (attached) loses him and
    # Dubois (attached) gains him; his old group-mates lose him; in Dubois's team the Conseillers
    # (group agendas and clients) and the active juniors (group clients) gain him.
    old_peers = {"crobert", "nrichard"}
    new_peers = {"jdurand", "mmartin", "pbernard", "idupont", "lpetit", "egarnier", "hfaure"}
    users = {u["login"]: u for u in plan["access_changes"]["users"]}
    assert set(users) == {"tlefebvre", "adubois", "bmercier"} | old_peers | new_peers
    assert set(users["tlefebvre"]["clients"]["gained"]) == new_peers | {"arousseau"}  # she is on leave, still seen
    assert set(users["tlefebvre"]["clients"]["lost"]) == old_peers
    assert users["adubois"]["agendas"] == {"gained": ["tlefebvre"], "lost": []}
    assert users["bmercier"]["agendas"] == {"gained": [], "lost": ["tlefebvre"]}
    text = tenant.cli("plan", str(two_teams(example, ["crobert", "nrichard"]))).stdout
    assert "Access changes: 12 user(s) whose visibility or sensitive rights change" in text
