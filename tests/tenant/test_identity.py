"""Identity without a login: people linked by their o2s-config reference, or adopted by e-mail, never twice."""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from o2s_config.backends.published import Person, person_of
from o2s_config.identity import IdentityError, identify, normal_email


def person(tenant_id: int, email: str, login: str | None = None, nom: str = "Durand") -> Person:
    refs = [{"referentiel": "o2s-config", "identifiant": login}] if login else []
    raw: dict[str, Any] = {
        "id": tenant_id,
        "refExternes": [{"referentiel": "paie", "identifiant": "X1"}, *refs],
        "statut": "ACTIVE",
        "agenceIds": [1],
        "profilId": None,
        "donneesPersonnelles": {
            "civilite": "Mme",
            "nom": nom,
            "prenoms": ["Julie"],
            "moyensContact": {"emails": [email]},
        },
    }
    return person_of(raw, "/utilisateurs", f"[{tenant_id}]")


def people(*found: Person) -> dict[int, Person]:
    return {p.id: p for p in found}


def test_a_person_carrying_the_reference_is_linked_whatever_his_email() -> None:
    found = identify(people(person(7, "old@exemple.fr", login="jdurand")), {"jdurand": "new@exemple.fr"})
    assert found.linked["jdurand"].id == 7 and not found.adopted


def test_a_person_without_reference_is_adopted_by_email_case_and_accents_aside() -> None:
    decomposed = unicodedata.normalize("NFD", "Élodie.Lefèvre@Exemple.FR")
    found = identify(
        people(person(3, decomposed), person(4, "other@exemple.fr")), {"elefevre": "élodie.lefèvre@exemple.fr"}
    )
    assert found.adopted["elefevre"].id == 3
    assert [p.id for p in found.others] == [4]
    assert normal_email(decomposed) == normal_email("ÉLODIE.LEFÈVRE@exemple.fr")


def test_two_tenant_people_for_one_file_user_is_an_error_naming_both() -> None:
    tenant = people(person(3, "julie@exemple.fr", nom="Durand"), person(9, "JULIE@exemple.fr", nom="Dupont"))
    with pytest.raises(IdentityError) as raised:
        identify(tenant, {"jdurand": "julie@exemple.fr"})
    message = str(raised.value)
    assert "jdurand" in message and "tenant user 3" in message and "tenant user 9" in message


def test_one_tenant_person_for_two_file_users_is_an_error_naming_both() -> None:
    with pytest.raises(IdentityError) as raised:
        identify(people(person(3, "julie@exemple.fr")), {"jdurand": "julie@exemple.fr", "jdurand2": "Julie@exemple.fr"})
    message = str(raised.value)
    assert "jdurand" in message and "jdurand2" in message and "tenant user 3" in message


def test_creating_a_user_whose_email_a_linked_person_has_is_refused() -> None:
    tenant = people(person(3, "julie@exemple.fr", login="jdurand"))
    with pytest.raises(IdentityError) as raised:
        identify(tenant, {"julie": "julie@exemple.fr"})
    assert "julie" in str(raised.value) and "o2s-config:jdurand" in str(raised.value)


def test_every_conflict_is_reported_in_one_error() -> None:
    tenant = people(person(1, "a@x.fr"), person(2, "a@x.fr"), person(3, "b@x.fr"))
    with pytest.raises(IdentityError) as raised:
        identify(tenant, {"a": "a@x.fr", "b": "b@x.fr", "b2": "B@x.fr"})
    assert str(raised.value).count(";") == 1  # two problems, one message


def test_a_file_user_nobody_matches_is_left_to_create() -> None:
    found = identify(people(person(3, "julie@exemple.fr")), {"new": "new@exemple.fr"})
    assert not found.linked and not found.adopted and [p.id for p in found.others] == [3]
