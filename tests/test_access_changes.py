"""The plan's access changes on the seed's firm: every expected set is written out from the guide's scope semantics.

- « Voir uniquement mon agenda » / « Mes clients »: the user himself;
- « ... qui me sont rattachés » (Manager): himself and everyone below him, all levels down;
- « ... de mon groupe » / « ... du groupe » (Conseiller; the junior's clients): the users attached to
  his manager (himself included) and everyone below him; a user attached to nobody has no group-mates.
Viewers are active users; what a scope opens includes inactive users (arousseau, on leave).

The firm used here is the example plus a second manager, Bruno Mercier (bmercier), who leads the
Lyon advisors crobert, nrichard and tlefebvre; Alexis Dubois (adubois) keeps the other eight.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from o2s_config import access_diff
from o2s_config.catalog import RightValue, load_catalog
from o2s_config.model import Organisation
from o2s_config.model.profiles import Profile
from o2s_config.plan import Plan, build_plan
from o2s_config.render.json import render_json
from o2s_config.render.markdown import render_markdown
from o2s_config.render.text import render_text
from o2s_config.validate import validate_file

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "organisation.yaml"
SCHEMA = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
CATALOG = load_catalog()

LYON_TEAM = ["crobert", "nrichard", "tlefebvre"]
# Under Alexis Dubois once the Lyon team has its own manager (arousseau is on leave).
DUBOIS_CONSEILLERS = ["jdurand", "mmartin", "pbernard", "idupont"]  # group agendas, group clients
DUBOIS_JUNIORS = ["lpetit", "egarnier", "hfaure"]  # own agenda, group clients
DUBOIS_TEAM = [*DUBOIS_CONSEILLERS, *DUBOIS_JUNIORS, "arousseau"]


def example() -> Organisation:
    return validate_file(EXAMPLE).organisation


def with_user(org: Organisation, login: str, like: str | None = None, **fields: Any) -> Organisation:
    """``org`` where ``login`` is the user ``like`` (by default himself) with ``fields`` changed."""
    users = dict(org.users or {})
    users[login] = users[like or login].model_copy(update=fields)
    return org.model_copy(update={"users": users})


def with_right(org: Organisation, profile: str, tab: str, right: str, value: RightValue) -> Organisation:
    """``org`` where ``profile`` (rewritten ``from: all``) gives ``value`` to one right."""
    profiles = dict(org.profiles or {})
    rights = profiles[profile].rights
    rights = {**rights, tab: {**rights[tab], right: value}}
    profiles[profile] = Profile.model_validate({"valid": True, "from": "all", "rights": rights})
    return org.model_copy(update={"profiles": profiles})


def two_teams(mercier_profile: str = "Manager") -> Organisation:
    """The example with the Lyon advisors attached to Bruno Mercier."""
    mercier = {"first_name": "Bruno", "last_name": "Mercier", "email": "bruno.mercier@dubois-patrimoine.fr"}
    found = with_user(example(), "bmercier", like="adubois", **mercier, profile=mercier_profile, advisor_id="RH-0003")
    return found.model_copy(update={"hierarchy": {"adubois": DUBOIS_TEAM, "bmercier": LYON_TEAM}})


def plan_of(desired: Organisation, current: Organisation) -> Plan:
    return build_plan(desired, current, CATALOG, "sandbox:test")


def tlefebvre_moved() -> Plan:
    """Thomas Lefebvre leaves Mercier's Lyon team for Dubois's."""
    current = two_teams()
    hierarchy = {"adubois": [*DUBOIS_TEAM, "tlefebvre"], "bmercier": ["crobert", "nrichard"]}
    return plan_of(current.model_copy(update={"hierarchy": hierarchy}), current)


def juniors_given_services() -> Plan:
    """The Conseiller junior profile ticks « Accès au module « Services » » (a sensitive right)."""
    current = example()
    return plan_of(with_right(current, "Conseiller junior", "configuration", "services_access", True), current)


def listed(plan: Plan) -> dict[str, tuple[set[str], set[str], set[str], set[str]]]:
    """login -> (agendas gained, agendas lost, clients gained, clients lost)."""
    return {
        u.login: (set(u.agendas.gained), set(u.agendas.lost), set(u.clients.gained), set(u.clients.lost))
        for u in plan.access.users
    }


def test_moving_one_advisor_to_another_manager_lists_exactly_the_users_whose_visibility_changes() -> None:
    plan = tlefebvre_moved()
    old_peers = {"crobert", "nrichard"}  # Conseillers: their group loses him
    new_peers = set(DUBOIS_TEAM) - {"arousseau"}  # active: their group (agenda or clients) gains him
    expected: dict[str, tuple[set[str], set[str], set[str], set[str]]] = {
        "tlefebvre": (set(DUBOIS_TEAM), old_peers, set(DUBOIS_TEAM), old_peers),  # his group is his new team
        "adubois": ({"tlefebvre"}, set(), {"tlefebvre"}, set()),  # attached: his subtree gains him
        "bmercier": (set(), {"tlefebvre"}, set(), {"tlefebvre"}),  # attached: his subtree loses him
        **{peer: (set(), {"tlefebvre"}, set(), {"tlefebvre"}) for peer in old_peers},
        **{c: ({"tlefebvre"}, set(), {"tlefebvre"}, set()) for c in DUBOIS_CONSEILLERS},
        **{j: (set(), set(), {"tlefebvre"}, set()) for j in DUBOIS_JUNIORS},  # their own agenda only
    }
    assert set(expected) == new_peers | old_peers | {"tlefebvre", "adubois", "bmercier"}
    assert listed(plan) == expected
    assert all(u.status == "changed" and u.rights == () for u in plan.access.users)


def test_a_manager_moved_with_his_team_shows_the_managers_and_the_team_members_changes() -> None:
    # Bruno Mercier leads his team as a Conseiller (group scopes) and is attached to nobody: moved
    # under Alexis Dubois, he joins Dubois's team, and his own team comes along below him.
    current = two_teams("Conseiller")
    hierarchy = {"adubois": [*DUBOIS_TEAM, {"bmercier": LYON_TEAM}]}
    plan = plan_of(current.model_copy(update={"hierarchy": hierarchy}), current)
    expected: dict[str, tuple[set[str], set[str], set[str], set[str]]] = {
        # attached: the whole subtree below him gains Mercier and the three he leads
        "adubois": ({"bmercier", *LYON_TEAM}, set(), {"bmercier", *LYON_TEAM}, set()),
        # group: he now has group-mates, Dubois's team; his own team stays below him
        "bmercier": (set(DUBOIS_TEAM), set(), set(DUBOIS_TEAM), set()),
        # Dubois's team gains a group-mate, Mercier, but not the users below him (not below them)
        **{c: ({"bmercier"}, set(), {"bmercier"}, set()) for c in DUBOIS_CONSEILLERS},
        **{j: (set(), set(), {"bmercier"}, set()) for j in DUBOIS_JUNIORS},
    }
    assert listed(plan) == expected
    # Mercier's team keeps its manager: their group (his team, themselves included) is unchanged
    assert not set(LYON_TEAM) & set(listed(plan))


def test_a_sensitive_right_granted_by_a_profile_lists_its_users_and_marks_the_right() -> None:
    plan = juniors_given_services()
    assert set(listed(plan)) == set(DUBOIS_JUNIORS)  # the active juniors; arousseau is on leave
    for user in plan.access.users:
        assert not user.agendas and not user.clients
        sensitive = [r for r in user.rights if r.sensitive]
        # « Gestion du paramétrage des éditions pour les autres utilisateurs » was ticked (from: all)
        # without effect: it takes effect with the module it needs
        assert [(r.key, r.before, r.after) for r in sensitive] == [
            ("configuration.services_access", False, True),
            ("configuration.editions_for_others", False, True),
        ]


def test_a_right_that_is_not_sensitive_and_opens_no_one_lists_nobody() -> None:
    current = example()
    plan = plan_of(with_right(current, "Conseiller", "contact", "modify_contacts", False), current)
    assert [c.resource for c in plan.changes] == ["profile"]
    assert plan.access.users == ()


def test_a_new_advisor_is_seen_by_his_manager_and_group_and_sees_them() -> None:
    current = two_teams()
    moreau = {"first_name": "Léa", "last_name": "Moreau", "email": "lea.moreau@dubois-patrimoine.fr"}
    desired = with_user(current, "lmoreau", like="tlefebvre", **moreau, advisor_id="RH-0099")
    hierarchy = {"adubois": DUBOIS_TEAM, "bmercier": [*LYON_TEAM, "lmoreau"]}
    plan = plan_of(desired.model_copy(update={"hierarchy": hierarchy}), current)
    found = listed(plan)
    lyon = {"lmoreau", *LYON_TEAM}
    assert found.pop("lmoreau") == (lyon, set(), lyon, set())  # a Conseiller: his group, himself included
    assert found == {login: ({"lmoreau"}, set(), {"lmoreau"}, set()) for login in ["bmercier", *LYON_TEAM]}
    (new,) = [u for u in plan.access.users if u.login == "lmoreau"]
    assert new.status == "activated"
    assert {r.key for r in new.rights if r.sensitive} == {
        "configuration.services_access",
        "configuration.editions_for_others",
    }  # the Conseiller's sensitive rights in effect


def test_a_deactivated_user_stops_seeing_and_is_still_seen() -> None:
    current = two_teams()
    plan = plan_of(with_user(current, "jdurand", active=False), current)
    (only,) = plan.access.users
    assert (only.login, only.status) == ("jdurand", "deactivated")
    assert set(only.agendas.lost) == set(DUBOIS_TEAM) and set(only.clients.lost) == set(DUBOIS_TEAM)
    assert only.agendas.gained == () and only.clients.gained == ()


def sender_name_changed(current: Organisation) -> Organisation:
    return with_user(current, "jdurand", sender_name="Julie Durand - Cabinet Dubois")


def phone_changed(current: Organisation) -> Organisation:
    general = current.establishment.general.model_copy(update={"phone": "+33 1 42 00 00 01"})  # type: ignore[union-attr]
    return current.model_copy(update={"establishment": current.establishment.model_copy(update={"general": general})})  # type: ignore[union-attr]


@pytest.mark.parametrize(("edit", "resource"), [(phone_changed, "establishment"), (sender_name_changed, "user")])
def test_a_plan_that_cannot_change_access_does_not_compute_it(
    monkeypatch: pytest.MonkeyPatch, edit: Callable[[Organisation], Organisation], resource: str
) -> None:
    current = example()

    def refuse(*args: object) -> None:
        raise AssertionError("access computed for a plan that cannot change it")

    monkeypatch.setattr(access_diff, "compute_access", refuse)
    plan = plan_of(edit(current), current)
    assert [c.resource for c in plan.changes] == [resource]
    assert plan.access.users == () and plan.access.notes == ()


def test_users_whose_rights_cannot_be_read_are_named_not_compared() -> None:
    desired = two_teams()
    # a tenant that shows its users but not its profiles' rights (a published-only tenant)
    current = desired.model_copy(update={"profiles": None, "hierarchy": {"adubois": DUBOIS_TEAM}})
    plan = plan_of(desired, current)
    assert any(c.resource == "hierarchy" for c in plan.changes)
    (note,) = plan.access.notes
    assert note.startswith("access of ") and "not compared (their rights cannot be read)" in note
    assert {u.login for u in plan.access.users} <= {"vgirard"}  # Administrateur: rights known without reading


def test_every_output_shows_the_access_changes_with_counts_and_capped_names() -> None:
    plan = tlefebvre_moved()
    text = render_text(plan, CATALOG)
    assert "Access changes: 12 user(s) whose visibility or sensitive rights change" in text
    # tlefebvre gains the eight of Dubois's team: five names, then the count of the rest
    gained = "+8 jdurand, mmartin, pbernard, idupont, lpetit and 3 more; -2 crobert, nrichard"
    assert f"agendas: {gained}" in text and f"clients: {gained}" in text
    markdown = render_markdown(plan, CATALOG)
    assert "### Access changes (12 user(s) whose visibility or sensitive rights change)" in markdown
    assert f"| ✏️ tlefebvre (Thomas Lefebvre) | {gained} | {gained} |  |" in markdown
    document = json.loads(render_json(plan))
    jsonschema.validate(document, SCHEMA)
    (mover,) = [u for u in document["access_changes"]["users"] if u["login"] == "tlefebvre"]
    assert set(mover["agendas"]["gained"]) == set(DUBOIS_TEAM)  # complete in JSON


def test_a_sensitive_right_is_marked_in_every_output() -> None:
    plan = juniors_given_services()
    label = "« Accès au module «\u00a0Services\u00a0» »"
    assert f"rights: + {label} (sensitive)" in render_text(plan, CATALOG)
    assert "(sensitive)" in render_markdown(plan, CATALOG)
    document = json.loads(render_json(plan))
    jsonschema.validate(document, SCHEMA)
    rights = document["access_changes"]["users"][0]["rights"]
    (services,) = [r for r in rights if r["right"] == "configuration.services_access"]
    assert (services["sensitive"], services["before"], services["after"]) == (True, False, True)
