"""Profiles: all with rights in one request; create/replace/delete/duplicate; the catalogue's rules."""

from __future__ import annotations

from typing import Any

import httpx
from sandbox_harness import assert_problem, new_user, unique

from o2s_config.catalog import load_catalog


def _create(api: httpx.Client, **body: Any) -> httpx.Response:
    return api.post("/ext/v1/profiles", json={"label": unique("P"), **body})


def test_list_has_every_profile_with_complete_rights(api: httpx.Client) -> None:
    _create(api, **{"from": "all"})
    profiles = api.get("/ext/v1/profiles").json()
    admin = profiles[0]
    assert (admin["label"], admin["builtin"], admin["valid"]) == ("Administrateur", True, True)
    # "absolument tous les droits": every box, every drop-down at its widest choice
    assert admin["rights"] == load_catalog().administrator()
    assert len(profiles) >= 2 and all(p["rights"].keys() == admin["rights"].keys() for p in profiles)


def test_create_from_all_with_overrides(api: httpx.Client) -> None:
    response = _create(api, **{"from": "all", "rights": {"administration": {"module_access": False}}})
    assert response.status_code == 201, response.text
    rights = response.json()["rights"]
    expected = load_catalog().full("all")
    expected["administration"]["module_access"] = False
    # "Appliquer tous les droits" leaves the agenda at "own": the screen unticks the linked box
    expected["agenda"]["modify_calendars"] = False
    assert rights == expected
    assert api.get(response.headers["location"]).json() == response.json()


def test_forced_off_rule_is_applied_as_the_screen_does(api: httpx.Client) -> None:
    response = _create(api, **{"from": "all", "rights": {"agenda": {"view_calendars": "own"}}})
    assert response.json()["rights"]["agenda"] == {"view_calendars": "own", "modify_calendars": False}


def test_requires_any_rule_is_refused(api: httpx.Client) -> None:
    configuration: dict[str, bool] = {"services_access": True}
    body = {"from": "none", "rights": {"configuration": configuration}}
    problem = assert_problem(_create(api, **body), 422, "rights", "rights.configuration.services_access")
    assert problem["constraint"] == "services_needs_a_tab"
    configuration["services_emails_tab"] = True
    assert _create(api, **body).status_code == 201


def test_unknown_rights_and_values_are_refused(api: httpx.Client) -> None:
    assert_problem(_create(api, rights={"agendas": {"x": True}}), 422, "rights", "rights.agendas")
    assert_problem(_create(api, rights={"agenda": {"fly": True}}), 422, "rights", "rights.agenda.fly")
    assert_problem(
        _create(api, rights={"agenda": {"view_calendars": True}}), 422, "rights", "rights.agenda.view_calendars"
    )
    assert_problem(
        _create(api, rights={"agenda": {"modify_calendars": "yes"}}), 422, "rights", "rights.agenda.modify_calendars"
    )
    assert_problem(_create(api, **{"from": "Nobody"}), 422, "validation", "from")


def test_from_another_profile_copies_its_rights(api: httpx.Client) -> None:
    base = _create(api, **{"from": "all", "rights": {"contact": {"client_access": "attached"}}}).json()
    copy = _create(api, **{"from": base["label"], "rights": {"queries": {"export_results": False}}}).json()
    assert copy["rights"]["contact"]["client_access"] == "attached"
    assert copy["rights"]["queries"]["export_results"] is False


def test_label_is_unique_including_administrateur(api: httpx.Client) -> None:
    assert_problem(api.post("/ext/v1/profiles", json={"label": "Administrateur"}), 409, "conflict", "label")
    other = _create(api).json()
    mine = _create(api).json()
    assert_problem(api.put(f"/ext/v1/profiles/{mine['id']}", json={"label": other["label"]}), 409, "conflict", "label")


def test_replace_renames_and_changes_rights(api: httpx.Client) -> None:
    profile = _create(api).json()
    label = unique("Renamed")
    body = {"label": label, "valid": False, "from": "none", "rights": {"contact": {"modify_contacts": True}}}
    response = api.put(f"/ext/v1/profiles/{profile['id']}", json=body)
    assert response.status_code == 204
    after = api.get(f"/ext/v1/profiles/{profile['id']}").json()
    assert (after["label"], after["valid"], after["rights"]["contact"]["modify_contacts"]) == (label, False, True)
    assert response.headers["etag"] == after["etag"]


def test_administrateur_cannot_be_changed_or_deleted(api: httpx.Client) -> None:
    assert_problem(api.put("/ext/v1/profiles/1", json={"label": "Administrateur", "from": "none"}), 403, "forbidden")
    assert_problem(api.delete("/ext/v1/profiles/1"), 403, "forbidden")


def test_a_profile_given_to_users_cannot_be_deleted(api: httpx.Client) -> None:
    profile = _create(api).json()
    user = new_user(api, profile=profile["label"]).json()
    assert_problem(api.delete(f"/ext/v1/profiles/{profile['id']}"), 409, "in-use")
    assert api.put(f"/utilisateurs/{user['id']}", json={"ext": {"profile": None}}).status_code == 204
    assert api.delete(f"/ext/v1/profiles/{profile['id']}").status_code == 204
    assert_problem(api.get(f"/ext/v1/profiles/{profile['id']}"), 404, "not-found")


def test_duplicate(api: httpx.Client) -> None:
    source = _create(api, **{"from": "all", "rights": {"portfolio": {"manage_portfolios": False}}}).json()
    label = unique("Copy")
    response = api.post(f"/ext/v1/profiles/{source['id']}/duplicate", json={"label": label})
    assert response.status_code == 201
    copy = response.json()
    assert copy["label"] == label and copy["rights"] == source["rights"] and copy["id"] != source["id"]
    admin_copy = api.post("/ext/v1/profiles/1/duplicate", json={"label": unique("AdminCopy")}).json()
    assert admin_copy["builtin"] is False


def test_published_profils_list_labels_only(api: httpx.Client) -> None:
    profile = _create(api).json()
    listed = {p["id"]: p for p in api.get("/profils", params={"limit": 1000}).json()}
    assert listed[profile["id"]]["libelle"] == profile["label"]
    assert set(listed[profile["id"]]) == {"id", "libelle", "valide", "dateCreation", "dateMaj"}
