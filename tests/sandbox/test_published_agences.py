"""The published-only sandbox's /agences and /profils, and the absence of everything else (/ext)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from published_helpers import create, new_agence, person
from sandbox_harness import assert_problem, unique

FULL_DOCUMENT = Path(__file__).resolve().parents[2] / "schemas" / "o2s-api.openapi.json"


def test_agence_lifecycle(pub: httpx.Client) -> None:
    code = unique("a")
    address = {"street": "4 place Bellecour", "postal_code": "69002", "city": "Lyon", "country": "FR"}
    response = pub.post("/agences", json={"code": code, "nom": "Agence Lyon", "adresse": address, "ext": {}})
    assert response.status_code == 201, response.text
    agence = response.json()
    assert set(agence) == {"id", "code", "nom", "adresse", "dateCreation", "dateMaj"}
    assert response.headers["location"] == f"/agences/{agence['id']}"
    assert (agence["code"], agence["nom"], agence["adresse"]) == (code, "Agence Lyon", address)
    assert pub.get(f"/agences/{agence['id']}").json() == agence
    assert pub.put(f"/agences/{agence['id']}", json={"code": code, "nom": "Lyon Bellecour"}).status_code == 204
    after = pub.get(f"/agences/{agence['id']}").json()
    assert (after["nom"], after["adresse"]) == ("Lyon Bellecour", None)  # PUT replaces: no adresse, none kept
    assert pub.delete(f"/agences/{agence['id']}").status_code == 204
    assert_problem(pub.get(f"/agences/{agence['id']}"), 404, "not-found", "id")


def test_agence_problems(pub: httpx.Client) -> None:
    taken = new_agence(pub)
    assert_problem(pub.post("/agences", json={"code": taken["code"], "nom": "X"}), 409, "conflict", "code")
    assert_problem(pub.post("/agences", json={"code": unique("a")}), 422, "validation", "nom")
    assert_problem(pub.post("/agences", json={"nom": "X"}), 422, "validation", "code")
    other = new_agence(pub)
    assert_problem(pub.put(f"/agences/{other['id']}", json={"code": taken["code"], "nom": "X"}), 409, "conflict")
    assert_problem(pub.put(f"/agences/{other['id']}", json={"code": other["code"]}), 422, "validation", "nom")
    assert_problem(pub.put("/agences/999999999", json={"code": unique("a"), "nom": "X"}), 404, "not-found")
    create(pub, person(agence=other["id"]))
    assert_problem(pub.delete(f"/agences/{other['id']}"), 409, "in-use", "id")
    assert_problem(pub.delete("/agences/999999999"), 404, "not-found")


def test_profils_are_read_only_labels(pub: httpx.Client) -> None:
    (admin,) = [p for p in pub.get("/profils", params={"limit": 100}).json() if p["id"] == 1]
    assert set(admin) == {"id", "libelle", "valide", "dateCreation", "dateMaj"}
    assert (admin["libelle"], admin["valide"]) == ("Administrateur", True)
    assert_problem(pub.get("/profils/1"), 404, "not-found")
    assert_problem(pub.put("/profils", json={}), 405, "method-not-allowed")


def test_no_extension_path_exists(pub: httpx.Client) -> None:
    paths = json.loads(FULL_DOCUMENT.read_text(encoding="utf-8"))["paths"]
    extension = [path for path in paths if path.startswith("/ext/")]
    assert len(extension) >= 10
    for path in extension:
        concrete = path.replace("{id}", "1")
        for method in paths[path]:
            assert_problem(pub.request(method.upper(), concrete, json={}), 404, "not-found")
    assert_problem(pub.get("/ext"), 404, "not-found")
