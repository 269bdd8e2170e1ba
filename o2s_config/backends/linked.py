"""A published-only tenant's people placed under the file's logins, once ``identity.py`` has linked them.

Each linked or adopted person becomes a user of the tenant's state with the fields the published
API carries (``field_map.USER_FIELDS``), his tenant id is remembered under his login, and the
managers read per person become the hierarchy. A manager the file does not name is shown as
``#<tenant id>``, so that a user the file detaches from him is still seen as attached.
"""

from __future__ import annotations

from typing import Any

from o2s_config.backends.published import REFERENTIEL, Person
from o2s_config.backends.tenant import TenantState, tenant_model
from o2s_config.changes import Change, FieldChange
from o2s_config.identity import Identities
from o2s_config.kinds import HIERARCHY, PROFILE, STRUCTURE, USER
from o2s_config.model.hierarchy import tree_of

TITLES = ("M.", "Mme")  # « Autre » needs its free title, which only the screen shows: read as unknown


def place(state: TenantState, identities: Identities) -> None:
    """Put the linked and adopted people into ``state`` under their logins (users, hierarchy, ids)."""
    published = state.published
    if published is None:
        return
    codes = {tenant_id: code for code, tenant_id in state.ids.get(STRUCTURE.name, {}).items()}
    labels = {tenant_id: label for label, tenant_id in published.profile_ids.items()}
    state.ids[PROFILE.name] = dict(published.profile_ids)
    logins: dict[int, str] = {}
    users: dict[str, Any] = {}
    for login, person in [*identities.linked.items(), *identities.adopted.items()]:
        logins[person.id] = login
        state.remember(USER.name, login, person.id, None)
        users[login] = record(person, codes, labels)
    managers = {
        logins[person_id]: logins.get(manager_id, f"#{manager_id}")
        for person_id, manager_id in published.managers.items()
        if person_id in logins
    }
    sections = state.organisation.model_dump(exclude_none=True, by_alias=True)
    sections[USER.section] = users
    sections[HIERARCHY.section] = tree_of(managers)
    state.organisation = tenant_model(sections)


def record(person: Person, codes: dict[int, str], labels: dict[int, str]) -> dict[str, Any]:
    """A person as the model's user, from the published fields only (the rest is not read: not compared)."""
    found: dict[str, Any] = {
        "last_name": person.nom,
        "email": person.email or "",
        "structure": codes.get(person.agence_id, f"#{person.agence_id}") if person.agence_id else "",
        "active": person.active,
        "profile": labels.get(person.profil_id) if person.profil_id is not None else None,
    }
    if person.civilite in TITLES:
        found["title"] = person.civilite
    if person.prenoms:
        found["first_name"] = " ".join(person.prenoms)
    return {name: value for name, value in found.items() if value is not None}


def adoption(login: str, person: Person) -> Change:
    """The plan's ``adopt``: link ``person`` to the file's ``login`` (apply writes the reference, nothing else)."""
    link = f"{REFERENTIEL}:{login}"
    return Change(
        "adopt",
        USER.name,
        login,
        (FieldChange("refExternes", None, link, label="Références externes", op="add"),),
        facts={"person": person.name(), "tenant_id": person.id},
    )
