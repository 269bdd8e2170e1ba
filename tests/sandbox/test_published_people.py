"""Existing people for rehearsals (``sandbox seed``) and the logins the tenant gives published creations."""

from __future__ import annotations

import asyncio
from pathlib import Path

from o2s_config.sandbox.embedded import embedded_client
from o2s_config.sandbox.people import DEFAULT_DOMAIN, Person, seed_people
from o2s_config.sandbox.published_only.logins import assign_login, base_login, fold
from o2s_config.sandbox.store import Store


def _seed(path: Path, count: int, seed: int = 1) -> list[Person]:
    store = Store(path)
    try:
        return seed_people(store, count, seed)
    finally:
        store.close()


def _full_view(path: Path, route: str) -> object:
    async def read() -> object:
        async with embedded_client(path) as client:
            return (await client.get(route, params={"limit": 1000})).json()

    return asyncio.run(read())


def test_the_same_seed_gives_the_same_people(tmp_path: Path) -> None:
    first = _seed(tmp_path / "a.db", 30)
    again = _seed(tmp_path / "b.db", 30)
    other = _seed(tmp_path / "c.db", 30, seed=2)
    assert first == again
    assert [p.email for p in first] != [p.email for p in other]


def test_seeded_people_look_like_a_firm_and_are_linked_to_nothing(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    people = _seed(db, 30)
    assert len(people) == 30 and len({p.email for p in people}) == 30
    assert all(p.email.endswith(f"@{DEFAULT_DOMAIN}") and p.email.isascii() for p in people)
    assert {p.agence for p in people} == {"paris", "lyon"}
    assert {p.civilite for p in people} == {"M.", "Mme"}
    assert {p.profil for p in people} <= {"Manager", "Conseiller", "Conseiller junior", "Back-office"}
    managers = {p.agence: p.id for p in people if p.profil == "Manager"}
    assert len(managers) == 2
    assert all(p.responsableId == managers[p.agence] for p in people if p.id not in managers.values())
    users = {u["id"]: u for u in _full_view(db, "/utilisateurs")}  # type: ignore[attr-defined]
    for p in people:
        user = users[p.id]
        assert user["refExternes"] == [] and user["statut"] == "ACTIVE"
        assert user["donneesPersonnelles"]["moyensContact"]["emails"] == [p.email]
        assert user["ext"]["login"].startswith(base_login(p.prenoms, p.nom, p.email))
        assert user["dateCreation"] < users[1]["dateCreation"]  # they were there before
    outbox = _full_view(db, "/ext/v1/outbox")
    assert [mail["login"] for mail in outbox] == ["admin"]  # type: ignore[attr-defined]  # none for the seeded


def test_seeding_again_adds_other_people(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    first, second = _seed(db, 10), _seed(db, 10)
    assert {p.email for p in first}.isdisjoint(p.email for p in second)
    assert len(_full_view(db, "/utilisateurs")) == 21  # type: ignore[arg-type]


def test_logins_are_initial_and_name_folded() -> None:
    assert fold("Lefèvre") == "lefevre" and fold("N'Diaye") == "ndiaye"
    assert base_login(["Élodie"], "Le Goff", "x@y.fr") == "elegoff"
    assert base_login([], "Martin", "Julie.Martin@exemple.fr") == "juliemartin"
    assert base_login([], "?", "?@exemple.fr") == "utilisateur"
    assert len(base_login(["A"], "B" * 80, "x@y.fr")) == 30


def test_a_taken_login_gets_the_next_free_number(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    with store.write() as tx:
        tx.run("INSERT INTO structures (code, name, created, updated, version) VALUES ('s', 'S', '', '', 1)")
        for login in ("jdurand", "JDurand2", "jdurandx"):
            tx.run(
                "INSERT INTO users (login, email_key, structure_id, active, data, created, updated, version) "
                "VALUES (?, ?, 1, 1, '{}', '', '', 1)",
                login,
                f"{login}@x.fr",
            )
        assert assign_login(tx, ["Julie"], "Durand", "j@x.fr") == "jdurand3"
        assert assign_login(tx, ["Marc"], "Martin", "m@x.fr") == "mmartin"
    store.close()
