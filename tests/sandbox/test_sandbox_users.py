"""Users through /utilisateurs: shapes, required fields, unique values, references, filters."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from sandbox_harness import Server, assert_problem, new_structure, new_user, unique

from o2s_config.catalog import load_catalog


def test_created_user_has_published_shape_and_ext(api: httpx.Client) -> None:
    login = unique("ad")
    response = new_user(
        api,
        login=login,
        title="M.",
        first_name="Alexis",
        advisor_id=unique("HR"),
        commission_status="Conseiller niveau 2",
        moneypitch_grant="limited",
        moneypitch_limit=5,
    )
    assert response.status_code == 201, response.text
    user = response.json()
    assert response.headers["location"] == f"/utilisateurs/{user['id']}"
    assert response.headers["etag"] == user["ext"]["etag"]
    assert user["statut"] == "ACTIVE" and user["agenceIds"] == [1] and user["profilId"] is None
    assert user["donneesPersonnelles"] == {
        "civilite": "M.",
        "nom": "Martin",
        "prenoms": ["Alexis"],
        "moyensContact": {"adresse": None, "telephones": [], "emails": [f"{login}@exemple.fr"]},
    }
    ext = user["ext"]
    assert ext["login"] == login and ext["structure"] == "siege" and ext["moneypitch_limit"] == 5
    assert ext["active"] is True and ext["advisor"] is True and ext["esignature"] is True
    assert ext["options"] == {"o2s_access": True, "patritheque": False, "elearning": [], "moneypitch": False}
    assert api.get(f"/utilisateurs/{user['id']}").json() == user


def test_published_fields_alone_create_a_user(api: httpx.Client) -> None:
    login = unique("pub")
    body = {
        "donneesPersonnelles": {
            "civilite": "Mme",
            "nom": "Durand",
            "prenoms": ["Julie"],
            "moyensContact": {"emails": [f"{login}@exemple.fr"], "telephones": ["0102030405"]},
        },
        "agenceIds": [1],
        "profilId": 1,
        "refExternes": [{"referentiel": "RH", "identifiant": login}],
        "ext": {"login": login},
    }
    response = api.post("/utilisateurs", json=body)
    assert response.status_code == 201, response.text
    ext = response.json()["ext"]
    assert (ext["title"], ext["last_name"], ext["first_name"], ext["profile"]) == (
        "Mme",
        "Durand",
        "Julie",
        "Administrateur",
    )
    assert response.json()["donneesPersonnelles"]["moyensContact"]["telephones"] == ["0102030405"]


def test_required_fields_are_named(api: httpx.Client) -> None:
    complete = {"login": unique(), "last_name": "X", "email": f"{unique()}@exemple.fr", "structure": "siege"}
    # the structure is required only when the firm has several (test_structure_is_needed_only_with_several)
    for missing in ("login", "last_name", "email"):
        body = {key: value for key, value in complete.items() if key != missing}
        assert_problem(api.post("/utilisateurs", json={"ext": body}), 422, "validation", missing)


def test_structure_is_needed_only_with_several(fresh: Callable[..., Server]) -> None:
    api = fresh().client()
    alone = api.post("/utilisateurs", json={"ext": {"login": "a", "last_name": "A", "email": "a@exemple.fr"}})
    assert alone.status_code == 201, alone.text
    assert alone.json()["ext"]["structure"] == "siege"  # the firm's one structure
    code = new_structure(api)["code"]
    second = {"login": "b", "last_name": "B", "email": "b@exemple.fr"}
    assert_problem(api.post("/utilisateurs", json={"ext": second}), 422, "validation", "structure")
    assert api.post("/utilisateurs", json={"ext": {**second, "structure": code}}).status_code == 201


def test_model_rules_apply(api: httpx.Client) -> None:
    assert_problem(new_user(api, email="not-an-email"), 422, "validation", "email")
    assert_problem(new_user(api, title="Autre"), 422, "validation")
    assert_problem(new_user(api, moneypitch_grant="limited"), 422, "validation")
    assert_problem(
        api.post("/utilisateurs", json={"ext": {"login": unique(), "unknown": 1}}), 422, "validation", "ext.unknown"
    )


def test_unique_login_email_advisor_id_and_reference(api: httpx.Client) -> None:
    first = new_user(api, advisor_id=unique("HR")).json()["ext"]
    assert_problem(new_user(api, login=first["login"]), 409, "conflict", "login")
    assert_problem(new_user(api, email=first["email"].upper()), 409, "conflict", "email")
    assert_problem(new_user(api, advisor_id=first["advisor_id"]), 409, "conflict", "advisor_id")
    ref = [{"referentiel": "RH", "identifiant": unique()}]
    assert api.post("/utilisateurs", json={"refExternes": ref, "ext": _minimal()}).status_code == 201
    assert_problem(
        api.post("/utilisateurs", json={"refExternes": ref, "ext": _minimal()}), 409, "conflict", "refExternes"
    )


def _minimal() -> dict[str, str]:
    login = unique()
    return {"login": login, "last_name": "X", "email": f"{login}@exemple.fr", "structure": "siege"}


def test_unknown_structure_or_profile_is_422(api: httpx.Client) -> None:
    assert_problem(new_user(api, structure="nowhere"), 422, "validation", "structure")
    assert_problem(new_user(api, profile="Nobody"), 422, "validation", "profile")
    assert_problem(
        api.post("/utilisateurs", json={"agenceIds": [999999], "ext": _minimal()}), 422, "validation", "agenceIds"
    )
    assert_problem(
        api.post("/utilisateurs", json={"profilId": 999999, "ext": _minimal()}), 422, "validation", "profilId"
    )


def test_put_replaces_given_fields_and_keeps_others(api: httpx.Client) -> None:
    user = new_user(api, first_name="Anne", sender_name="Anne M.").json()
    response = api.put(
        f"/utilisateurs/{user['id']}", json={"donneesPersonnelles": {"nom": "Morel"}, "ext": {"sender_name": None}}
    )
    assert response.status_code == 204
    after = api.get(f"/utilisateurs/{user['id']}").json()
    assert after["ext"]["last_name"] == "Morel" and after["ext"]["first_name"] == "Anne"
    assert after["ext"]["sender_name"] is None
    assert response.headers["etag"] == after["ext"]["etag"] != user["ext"]["etag"]


def test_custom_profile_is_read_back_complete(api: httpx.Client) -> None:
    custom = {"from": "none", "rights": {"agenda": {"view_calendars": "group", "modify_calendars": True}}}
    user = new_user(api, custom_profile=custom).json()
    rights = user["ext"]["custom_profile"]["rights"]
    assert user["ext"]["profile"] is None and user["profilId"] is None
    assert rights["agenda"] == {"view_calendars": "group", "modify_calendars": True}
    catalog = load_catalog()
    assert {tab: set(values) for tab, values in rights.items()} == {
        tab.id: set(tab.rights) for tab in catalog.tabs.values()
    }
    # giving a profile replaces the custom one
    assert api.put(f"/utilisateurs/{user['id']}", json={"ext": {"profile": "Administrateur"}}).status_code == 204
    ext = api.get(f"/utilisateurs/{user['id']}").json()["ext"]
    assert ext["profile"] == "Administrateur" and ext["custom_profile"] is None


def test_custom_profile_rights_are_checked(api: httpx.Client) -> None:
    bad = {"from": "none", "rights": {"agenda": {"view_calendars": "everyone"}}}
    assert_problem(new_user(api, custom_profile=bad), 422, "rights", "custom_profile.rights.agenda.view_calendars")


def test_statut_deactivates_and_reactivates(api: httpx.Client) -> None:
    user = new_user(api).json()
    assert api.put(f"/utilisateurs/{user['id']}/statut", json={"statut": "INACTIVE"}).status_code == 204
    after = api.get(f"/utilisateurs/{user['id']}").json()
    assert after["statut"] == "INACTIVE" and after["ext"]["active"] is False
    assert api.put(f"/utilisateurs/{user['id']}/statut", json={"statut": "ACTIVE"}).status_code == 204
    assert api.get(f"/utilisateurs/{user['id']}").json()["statut"] == "ACTIVE"
    assert_problem(api.put(f"/utilisateurs/{user['id']}/statut", json={"statut": "GONE"}), 422, "validation", "statut")


def test_delete_and_404(api: httpx.Client) -> None:
    user = new_user(api).json()
    assert api.delete(f"/utilisateurs/{user['id']}").status_code == 204
    assert_problem(api.get(f"/utilisateurs/{user['id']}"), 404, "not-found")
    assert_problem(api.delete(f"/utilisateurs/{user['id']}"), 404, "not-found")


def test_filters(api: httpx.Client) -> None:
    structure = new_structure(api)
    manager = new_user(api, structure=structure["code"]).json()
    ref = unique()
    member = api.post(
        "/utilisateurs",
        json={
            "refExternes": [{"referentiel": "RH", "identifiant": ref}],
            "ext": {**_minimal(), "structure": structure["code"], "manager": manager["ext"]["login"]},
        },
    ).json()
    by_agence = api.get("/utilisateurs", params={"agenceId": structure["id"]}).json()
    assert [u["id"] for u in by_agence] == [manager["id"], member["id"]]
    assert [u["id"] for u in api.get("/utilisateurs", params={"refext": f"RH:{ref}"}).json()] == [member["id"]]
    assert [u["id"] for u in api.get("/utilisateurs", params={"responsableId": manager["id"]}).json()] == [member["id"]]
    admins = api.get("/utilisateurs", params={"profilId": 1, "limit": 1000}).json()
    assert admins and all(u["profilId"] == 1 for u in admins)
    assert_problem(api.get("/utilisateurs", params={"refext": "no-colon"}), 422, "validation", "refext")


def test_framework_errors_are_problem_json(api: httpx.Client) -> None:
    assert_problem(api.get("/nowhere"), 404, "not-found")
    assert_problem(api.patch("/utilisateurs"), 405, "method-not-allowed")
    assert_problem(api.get("/utilisateurs/abc"), 422, "validation", "id")
    assert_problem(
        api.post("/utilisateurs", content=b"{not json", headers={"content-type": "application/json"}),
        400,
        "bad-request",
    )


def test_text_that_cannot_be_stored_is_422_not_500(api: httpx.Client) -> None:
    body = b'{"code": "\\udc00", "nom": "Agence"}'  # a lone surrogate: valid JSON, not storable text
    response = api.post("/agences", content=body, headers={"content-type": "application/json"})
    assert_problem(response, 422, "validation")


def test_ids_beyond_64_bits_are_422_not_500(api: httpx.Client) -> None:
    assert_problem(
        api.post("/utilisateurs", json={"profilId": 2**64, "ext": _minimal()}), 422, "validation", "profilId"
    )
    assert_problem(api.get(f"/utilisateurs/{2**64}"), 422, "validation", "id")


def test_an_oversized_body_is_413_and_stores_nothing(api: httpx.Client) -> None:
    login = unique("big")
    body = {"ext": {**_minimal(), "login": login, "sender_name": "x" * (1024 * 1024)}}
    assert_problem(api.post("/utilisateurs", json=body), 413, "too-large")
    assert api.get("/utilisateurs", params={"refext": f"none:{login}"}).json() == []
    assert all(u["ext"]["login"] != login for u in api.get("/utilisateurs", params={"limit": 1000}).json())


def test_a_conflict_does_not_name_the_holder(api: httpx.Client) -> None:
    holder = new_user(api, advisor_id=unique("HR")).json()
    problem = assert_problem(new_user(api, email=holder["ext"]["email"]), 409, "conflict", "email")
    assert holder["ext"]["login"] not in problem["detail"] and str(holder["id"]) not in problem["detail"]


def test_the_same_reference_twice_is_422(api: httpx.Client) -> None:
    ref = {"referentiel": "RH", "identifiant": unique()}
    response = api.post("/utilisateurs", json={"refExternes": [ref, ref], "ext": _minimal()})
    assert_problem(response, 422, "validation", "refExternes")


def test_a_users_mail_passwords_are_stored_as_fingerprints(api: httpx.Client) -> None:
    servers = {"smtp": {"host": "smtp.exemple.fr", "port": 587, "password": "s3cret"}}
    user = new_user(api, email_server=servers).json()
    smtp = user["ext"]["email_server"]["smtp"]
    assert "password" not in smtp and smtp["password_fingerprint"].startswith("hmac-sha256$")
    assert "s3cret" not in api.get(f"/utilisateurs/{user['id']}").text
    # a server given again without its password keeps the stored one
    again = {"smtp": {"host": "smtp2.exemple.fr", "port": 587}}
    assert api.put(f"/utilisateurs/{user['id']}", json={"ext": {"email_server": again}}).status_code == 204
    stored = api.get(f"/utilisateurs/{user['id']}").json()["ext"]["email_server"]["smtp"]
    assert (stored["host"], stored["password_fingerprint"]) == ("smtp2.exemple.fr", smtp["password_fingerprint"])
