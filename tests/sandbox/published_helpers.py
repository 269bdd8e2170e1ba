"""Bodies and checks for the published-only sandbox's tests (published field names only)."""

from __future__ import annotations

from typing import Any

import httpx
from sandbox_harness import unique

# the published user's keys, exactly (no login, no ext)
USER_KEYS = {"id", "dateCreation", "dateMaj", "profilId", "refExternes", "statut", "agenceIds", "donneesPersonnelles"}


def person(nom: str = "Martin", prenoms: list[str] | None = None, agence: int = 1, **fields: Any) -> dict[str, Any]:
    """A published user body with a unique e-mail; ``fields`` replace top-level keys."""
    email = f"{unique('p')}@exemple.fr"
    body: dict[str, Any] = {
        "agenceIds": [agence],
        "donneesPersonnelles": {
            "civilite": "Mme",
            "nom": nom,
            "prenoms": prenoms if prenoms is not None else ["Julie"],
            "moyensContact": {"emails": [email], "telephones": ["01 02 03 04 05"], "adresse": None},
        },
    }
    body.update(fields)
    return body


def create(client: httpx.Client, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST a user (a fresh ``person()`` by default); the published user answered."""
    response = client.post("/utilisateurs", json=body or person())
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def new_agence(client: httpx.Client) -> dict[str, Any]:
    """A fresh structure, as published."""
    response = client.post("/agences", json={"code": unique("a"), "nom": "Agence de test"})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def email_of(user: dict[str, Any]) -> str:
    """A published user's professional e-mail."""
    return str(user["donneesPersonnelles"]["moyensContact"]["emails"][0])
