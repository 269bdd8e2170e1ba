"""The published-only sandbox's /utilisateurs: published names only, no login, replacing PUT, Problem JSON."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from published_helpers import USER_KEYS, create, email_of, new_agence, person
from sandbox_harness import Server, assert_problem, unique


def test_a_created_user_has_exactly_the_published_fields(pub: httpx.Client) -> None:
    ref = {"referentiel": "RH", "identifiant": unique("E-")}
    body = person("Lefèvre", ["Élodie"], refExternes=[ref], profilId=1, ext={"login": "ignored"})
    response = pub.post("/utilisateurs", json=body)
    assert response.status_code == 201, response.text
    user = response.json()
    assert set(user) == USER_KEYS
    assert response.headers["location"] == f"/utilisateurs/{user['id']}"
    assert user["refExternes"] == [ref] and user["profilId"] == 1 and user["agenceIds"] == [1]
    assert user["statut"] == "ACTIVE"
    assert user["donneesPersonnelles"] == body["donneesPersonnelles"]
    assert pub.get(f"/utilisateurs/{user['id']}").json() == user


def test_no_answer_carries_ext_or_a_sandbox_header(pub: httpx.Client) -> None:
    user = create(pub)
    for path in ("/utilisateurs", f"/utilisateurs/{user['id']}", "/utilisateurs/myself", "/agences", "/profils"):
        response = pub.get(path)
        assert response.status_code in (200, 206), path
        assert '"ext"' not in response.text and '"login"' not in response.text, path
        for header in ("etag", "x-tenant-revision", "x-total-count", "content-range"):
            assert header not in response.headers, (path, header)


def test_the_tenant_gives_a_login_that_only_the_full_mode_shows(fresh: Callable[..., Server]) -> None:
    published = fresh(api="published")
    first = create(published.client(), person("Durand", ["Julie", "Anne"]))
    second = create(published.client(), person("Durand", ["Jeanne"]))
    published.stop()
    full = fresh(db=published.db).client()  # the same tenant file, served in full
    logins = [full.get(f"/utilisateurs/{user['id']}").json()["ext"]["login"] for user in (first, second)]
    assert logins == ["jdurand", "jdurand2"]
    assert full.get(f"/utilisateurs/{first['id']}").json()["ext"]["first_name"] == "Julie Anne"


def test_409_when_the_external_reference_or_the_email_is_taken(pub: httpx.Client) -> None:
    ref = [{"referentiel": "o2s-config", "identifiant": unique("j")}]
    first = create(pub, person(refExternes=ref))
    assert_problem(pub.post("/utilisateurs", json=person(refExternes=ref)), 409, "conflict", "refExternes")
    again = person()
    again["donneesPersonnelles"]["moyensContact"]["emails"] = [email_of(first).upper()]
    field = "donneesPersonnelles.moyensContact.emails"
    assert_problem(pub.post("/utilisateurs", json=again), 409, "conflict", field)


def test_required_and_malformed_fields_are_named_as_published(pub: httpx.Client) -> None:
    body = person()
    del body["donneesPersonnelles"]["nom"]
    assert_problem(pub.post("/utilisateurs", json=body), 422, "validation", "donneesPersonnelles.nom")
    body = person()
    body["donneesPersonnelles"]["moyensContact"]["emails"] = []
    assert_problem(pub.post("/utilisateurs", json=body), 422, "validation", "donneesPersonnelles.moyensContact.emails")
    body["donneesPersonnelles"]["moyensContact"]["emails"] = ["not-an-email"]
    assert_problem(pub.post("/utilisateurs", json=body), 422, "validation")
    assert_problem(pub.post("/utilisateurs", json=person(agenceIds=[])), 422, "validation", "agenceIds")
    assert_problem(pub.post("/utilisateurs", json=person(agenceIds=[1, 1])), 422, "validation", "agenceIds")
    assert_problem(pub.post("/utilisateurs", json=person(agence=10**9)), 422, "validation", "agenceIds")
    assert_problem(pub.post("/utilisateurs", json=person(profilId=10**9)), 422, "validation", "profilId")
    ref = [{"referentiel": "RH"}]
    assert_problem(pub.post("/utilisateurs", json=person(refExternes=ref)), 422, "validation")
    assert_problem(
        pub.post("/utilisateurs", content=b"{", headers={"content-type": "application/json"}), 400, "bad-request"
    )


def test_civilite_autre_needs_the_screen(pub: httpx.Client) -> None:
    body = person()
    body["donneesPersonnelles"]["civilite"] = "Autre"
    problem = assert_problem(pub.post("/utilisateurs", json=body), 422, "validation", "donneesPersonnelles.civilite")
    assert "title_other" not in problem["detail"]


def test_put_replaces_the_published_fields_and_keeps_the_others(fresh: Callable[..., Server]) -> None:
    published = fresh(api="published")
    pub = published.client()
    agence = new_agence(pub)
    user = create(pub, person(refExternes=[{"referentiel": "RH", "identifiant": "E-1"}], profilId=1))
    full = fresh(db=published.db).client()
    assert (
        full.put(f"/utilisateurs/{user['id']}", json={"ext": {"advisor_id": "RH-77", "advisor": False}}).status_code
        == 204
    )
    replacement = person("Dupont", ["Marc"], agence=agence["id"])
    replacement["donneesPersonnelles"]["civilite"] = "M."
    del replacement["donneesPersonnelles"]["moyensContact"]["telephones"]
    response = pub.put(f"/utilisateurs/{user['id']}", json={**replacement, "id": 999, "dateCreation": "x"})
    assert response.status_code == 204 and response.content == b""
    after = pub.get(f"/utilisateurs/{user['id']}").json()
    assert after["donneesPersonnelles"] == {
        **replacement["donneesPersonnelles"],
        "moyensContact": {**replacement["donneesPersonnelles"]["moyensContact"], "telephones": []},
    }
    assert (after["refExternes"], after["profilId"], after["agenceIds"]) == ([], None, [agence["id"]])
    assert after["statut"] == "ACTIVE" and after["id"] == user["id"] and after["dateCreation"] == user["dateCreation"]
    ext = full.get(f"/utilisateurs/{user['id']}").json()["ext"]
    assert (ext["advisor_id"], ext["advisor"], ext["login"]) == ("RH-77", False, "jmartin")


def test_put_errors(pub: httpx.Client) -> None:
    user = create(pub)
    assert_problem(pub.put("/utilisateurs/999999999", json=person()), 404, "not-found", "id")
    body = person()
    del body["agenceIds"]
    assert_problem(pub.put(f"/utilisateurs/{user['id']}", json=body), 422, "validation", "agenceIds")
    other = create(pub)
    taken = person()
    taken["donneesPersonnelles"]["moyensContact"]["emails"] = [email_of(other)]
    field = "donneesPersonnelles.moyensContact.emails"
    assert_problem(pub.put(f"/utilisateurs/{user['id']}", json=taken), 409, "conflict", field)


def test_statut_deactivates_and_protects_the_last_administrator(fresh: Callable[..., Server]) -> None:
    pub = fresh(api="published").client()
    user = create(pub)
    assert pub.put(f"/utilisateurs/{user['id']}/statut", json={"statut": "INACTIVE"}).status_code == 204
    assert pub.get(f"/utilisateurs/{user['id']}").json()["statut"] == "INACTIVE"
    assert pub.put(f"/utilisateurs/{user['id']}", json=person()).status_code == 204
    assert pub.get(f"/utilisateurs/{user['id']}").json()["statut"] == "INACTIVE"  # PUT without statut keeps it
    assert_problem(pub.put("/utilisateurs/1/statut", json={"statut": "INACTIVE"}), 409, "lockout")
    assert_problem(pub.put("/utilisateurs/1/statut", json={"statut": "GONE"}), 422, "validation", "statut")
    assert_problem(pub.put("/utilisateurs/999999999/statut", json={"statut": "ACTIVE"}), 404, "not-found")


def test_delete_removes_a_user_nobody_reports_to(pub: httpx.Client) -> None:
    manager, member = create(pub), create(pub)
    assert (
        pub.put(f"/utilisateurs/{member['id']}/responsable", json={"responsableId": manager["id"]}).status_code == 204
    )
    problem = assert_problem(pub.delete(f"/utilisateurs/{manager['id']}"), 409, "in-use", "id")
    assert str(manager["id"]) in problem["detail"] and "jmartin" not in problem["detail"]
    assert pub.delete(f"/utilisateurs/{member['id']}").status_code == 204
    assert_problem(pub.get(f"/utilisateurs/{member['id']}"), 404, "not-found")
    assert pub.delete(f"/utilisateurs/{manager['id']}").status_code == 204
    assert_problem(pub.delete(f"/utilisateurs/{manager['id']}"), 404, "not-found")


def test_responsable_reads_and_writes_the_manager_by_id(pub: httpx.Client) -> None:
    a, b, c = create(pub), create(pub), create(pub)
    url = f"/utilisateurs/{b['id']}/responsable"
    assert pub.get(url).json() == {"responsableId": None}
    assert pub.put(url, json={"responsableId": a["id"]}).status_code == 204
    assert pub.get(url).json() == {"responsableId": a["id"]}
    assert pub.put(f"/utilisateurs/{c['id']}/responsable", json={"responsableId": b["id"]}).status_code == 204
    cycle = assert_problem(
        pub.put(f"/utilisateurs/{a['id']}/responsable", json={"responsableId": c["id"]}), 422, "hierarchy"
    )
    assert cycle["detail"].endswith(f"{a['id']} -> {c['id']} -> {b['id']} -> {a['id']}")
    assert_problem(pub.put(url, json={"responsableId": b["id"]}), 422, "hierarchy", "responsableId")
    assert_problem(pub.put(url, json={"responsableId": 10**12}), 422, "validation", "responsableId")
    assert_problem(pub.get("/utilisateurs/999999999/responsable"), 404, "not-found")
    assert pub.put(url, json={"responsableId": None}).status_code == 204
    assert pub.get(url).json() == {"responsableId": None}


def test_filters(pub: httpx.Client) -> None:
    agence = new_agence(pub)
    ref = {"referentiel": "o2s-config", "identifiant": f"{unique('x')}:with:colons"}
    manager = create(pub, person(agence=agence["id"], profilId=1))
    member = create(pub, person(agence=agence["id"], refExternes=[ref]))
    pub.put(f"/utilisateurs/{member['id']}/responsable", json={"responsableId": manager["id"]})

    def ids(**params: object) -> list[int]:
        response = pub.get("/utilisateurs", params={"limit": 100, **params})
        assert response.status_code == 200, response.text
        return [user["id"] for user in response.json()]

    assert ids(refext=f"o2s-config:{ref['identifiant']}") == [member["id"]]
    assert ids(responsableId=manager["id"]) == [member["id"]]
    assert ids(agenceId=agence["id"]) == [manager["id"], member["id"]]
    assert ids(agenceId=agence["id"], profilId=1) == [manager["id"]]
    assert ids(refext="o2s-config:nobody") == []
    assert_problem(pub.get("/utilisateurs", params={"refext": "no-colon"}), 422, "validation", "refext")
    assert_problem(pub.get("/utilisateurs", params={"agenceId": 0}), 422, "validation", "agenceId")


def test_myself_is_the_token_user_without_his_login(pub: httpx.Client) -> None:
    me = pub.get("/utilisateurs/myself")
    assert me.status_code == 200 and set(me.json()) == USER_KEYS
    assert me.json()["id"] == 1


def test_unknown_ids_and_paths_are_problem_json(pub: httpx.Client) -> None:
    assert_problem(pub.get("/utilisateurs/999999999"), 404, "not-found", "id")
    assert_problem(pub.get("/utilisateurs/0"), 422, "validation", "id")
    assert_problem(pub.patch("/utilisateurs/1", json={}), 405, "method-not-allowed")
    assert_problem(pub.post("/profils", json={"libelle": "X"}), 405, "method-not-allowed")
