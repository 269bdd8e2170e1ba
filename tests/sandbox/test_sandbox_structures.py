"""Structures through /agences: CRUD, unique code, no deletion while users belong to it."""

from __future__ import annotations

import httpx
from sandbox_harness import assert_problem, new_structure, new_user, unique


def test_crud(api: httpx.Client) -> None:
    code = unique("s")
    address = {"street": "1 rue de la Paix", "postal_code": "75002", "city": "Paris", "country": "FR"}
    created = api.post("/agences", json={"code": code, "nom": "Agence Paris", "adresse": address})
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["code"], body["nom"], body["adresse"]) == (code, "Agence Paris", address)
    assert created.headers["location"] == f"/agences/{body['id']}"
    assert api.put(f"/agences/{body['id']}", json={"nom": "Agence Opéra"}).status_code == 204
    after = api.get(f"/agences/{body['id']}").json()
    assert after["nom"] == "Agence Opéra" and after["adresse"] == address
    assert api.delete(f"/agences/{body['id']}").status_code == 204
    assert_problem(api.get(f"/agences/{body['id']}"), 404, "not-found")


def test_required_and_unique(api: httpx.Client) -> None:
    assert_problem(api.post("/agences", json={"nom": "Sans code"}), 422, "validation", "code")
    assert_problem(api.post("/agences", json={"code": unique()}), 422, "validation", "nom")
    taken = new_structure(api)["code"]
    assert_problem(api.post("/agences", json={"code": taken, "nom": "Bis"}), 409, "conflict", "code")


def test_a_structure_with_users_cannot_be_deleted(api: httpx.Client) -> None:
    structure = new_structure(api)
    user = new_user(api, structure=structure["code"]).json()
    body = assert_problem(api.delete(f"/agences/{structure['id']}"), 409, "in-use")
    assert structure["code"] in body["detail"]
    assert api.put(f"/utilisateurs/{user['id']}", json={"agenceIds": [1]}).status_code == 204
    assert api.delete(f"/agences/{structure['id']}").status_code == 204
