"""Reading a tenant that publishes Harvest's API only: its people, its profiles' names, its managers.

Such a tenant shows no login. Each person is read as published (``Person``) and set aside;
``identity.py`` then links the people to the file's users (by the ``o2s-config:<login>``
reference this tool writes, else by professional e-mail) and only then are they placed in the
tenant's state under the file's logins. The profiles are read through ``GET /profils`` (names and
validity, never rights) and each person's manager through ``GET /utilisateurs/{id}/responsable``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from o2s_config.backends.answers import answer, document, objects, optional, required
from o2s_config.backends.http import O2SClient

REFERENTIEL = "o2s-config"  # the ``referentiel`` of the external reference linking a person to a file's login
PROFILES_PATH = "/profils"
USERS_PATH = "/utilisateurs"


@dataclass(frozen=True)
class Person:
    """One tenant user as the published API shows him; ``raw`` is sent back, changed, by a PUT."""

    id: int
    raw: dict[str, Any]
    civilite: str | None
    nom: str
    prenoms: tuple[str, ...]
    email: str | None
    agence_id: int | None
    profil_id: int | None
    active: bool
    linked_login: str | None  # the login of his ``o2s-config:<login>`` reference, when he has one

    def name(self) -> str:
        """How an error names him: id, names and e-mail (the published API has no login to show)."""
        names = " ".join([*self.prenoms, self.nom]).strip()
        return f"tenant user {self.id} ({names}, {self.email or 'no e-mail'})"


@dataclass
class PublishedTenant:
    """What a published-only tenant showed: its people, its profiles by label, its managers."""

    people: dict[int, Person] = field(default_factory=dict)
    profiles: dict[str, bool] = field(default_factory=dict)  # label -> « Profil valide »
    profile_ids: dict[str, int] = field(default_factory=dict)  # label -> tenant id
    managers: dict[int, int] = field(default_factory=dict)  # person id -> his manager's id


def person_of(item: dict[str, Any], endpoint: str, where: str) -> Person:
    """One published user, read field by field (a wrong shape names the endpoint and the field)."""
    personal = required(item, "donneesPersonnelles", dict, endpoint, where)
    inside = f"{where}.donneesPersonnelles"
    contact = optional(personal, "moyensContact", dict, endpoint, inside) or {}
    emails = optional(contact, "emails", list, endpoint, f"{inside}.moyensContact") or []
    agences = optional(item, "agenceIds", list, endpoint, where) or []
    refs = optional(item, "refExternes", list, endpoint, where) or []
    return Person(
        id=required(item, "id", int, endpoint, where),
        raw=item,
        civilite=optional(personal, "civilite", str, endpoint, inside),
        nom=required(personal, "nom", str, endpoint, inside),
        prenoms=tuple(str(p) for p in optional(personal, "prenoms", list, endpoint, inside) or []),
        email=str(emails[0]) if emails else None,
        agence_id=agences[0] if agences and isinstance(agences[0], int) else None,
        profil_id=optional(item, "profilId", int, endpoint, where),
        active=optional(item, "statut", str, endpoint, where) != "INACTIVE",
        linked_login=linked_login(refs),
    )


def linked_login(refs: list[Any] | None) -> str | None:
    """The login of an ``o2s-config:<login>`` reference among ``refs``, if any."""
    for ref in refs or []:
        if isinstance(ref, dict) and ref.get("referentiel") == REFERENTIEL and isinstance(ref.get("identifiant"), str):
            return str(ref["identifiant"])
    return None


def people_of(body: Any, endpoint: str) -> dict[int, Person]:
    """Every person of a ``GET /utilisateurs`` answer, by tenant id."""
    found = (person_of(item, endpoint, f"[{index}]") for index, item in enumerate(objects(body, endpoint)))
    return {person.id: person for person in found}


async def read_published(client: O2SClient, people: dict[int, Person]) -> PublishedTenant:
    """The profiles' names and every person's manager, read concurrently (one request per person)."""
    profiles_body, *managers = await asyncio.gather(
        answer(PROFILES_PATH, client.get_all(PROFILES_PATH)),
        *(_manager(client, person_id) for person_id in people),
    )
    profiles: dict[str, bool] = {}
    ids: dict[str, int] = {}
    for index, item in enumerate(objects(profiles_body, PROFILES_PATH)):
        label = required(item, "libelle", str, PROFILES_PATH, f"[{index}]")
        profiles[label] = optional(item, "valide", bool, PROFILES_PATH, f"[{index}]") is not False
        ids[label] = required(item, "id", int, PROFILES_PATH, f"[{index}]")
    return PublishedTenant(
        people=people,
        profiles=profiles,
        profile_ids=ids,
        managers={person: manager for person, manager in zip(people, managers, strict=True) if manager is not None},
    )


async def _manager(client: O2SClient, person_id: int) -> int | None:
    endpoint = f"{USERS_PATH}/{person_id}/responsable"
    body = document(await answer(endpoint, client.get(endpoint, missing_ok=True)), endpoint)
    return optional(body, "responsableId", int, endpoint, "")
