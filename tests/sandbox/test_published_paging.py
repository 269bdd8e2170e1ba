"""Paging of the published-only lists: limit 20 by default, at most 100 served, 206 until the last page."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from published_helpers import create, new_agence, person
from sandbox_harness import Server, assert_problem

from o2s_config.sandbox.people import seed_people
from o2s_config.sandbox.store import Store


def test_default_page_is_20_then_206_until_the_last_page_which_is_200(pub: httpx.Client) -> None:
    agence = new_agence(pub)
    created = [create(pub, person(agence=agence["id"]))["id"] for _ in range(45)]
    seen: list[int] = []
    statuses: list[int] = []
    while True:
        response = pub.get("/utilisateurs", params={"agenceId": agence["id"], "offset": len(seen)})
        statuses.append(response.status_code)
        page = response.json()
        assert len(page) == (20 if response.status_code == 206 else 5)
        seen += [user["id"] for user in page]
        if response.status_code == 200:
            break
    assert statuses == [206, 206, 200]
    assert seen == created


def test_a_page_ending_exactly_at_the_end_is_200_and_past_the_end_is_an_empty_200(pub: httpx.Client) -> None:
    agence = new_agence(pub)
    for _ in range(4):
        create(pub, person(agence=agence["id"]))
    assert pub.get("/utilisateurs", params={"agenceId": agence["id"], "limit": 2}).status_code == 206
    last = pub.get("/utilisateurs", params={"agenceId": agence["id"], "limit": 2, "offset": 2})
    assert last.status_code == 200 and len(last.json()) == 2
    past = pub.get("/agences", params={"offset": 100000})
    assert past.status_code == 200 and past.json() == []


def test_at_most_100_are_served_whatever_the_limit(fresh: Callable[..., Server]) -> None:
    running = fresh(api="published")
    store = Store(running.db)
    seed_people(store, 130)
    store.close()
    client = running.client()
    first = client.get("/utilisateurs", params={"limit": 1000})
    assert first.status_code == 206 and len(first.json()) == 100
    rest = client.get("/utilisateurs", params={"limit": 1000, "offset": 100})
    assert rest.status_code == 200 and len(rest.json()) == 31
    assert {u["id"] for u in first.json()}.isdisjoint(u["id"] for u in rest.json())


def test_limit_and_offset_bounds_are_problem_json(pub: httpx.Client) -> None:
    assert_problem(pub.get("/utilisateurs", params={"limit": 0}), 422, "validation", "limit")
    assert_problem(pub.get("/utilisateurs", params={"offset": -1}), 422, "validation", "offset")
    assert_problem(pub.get("/agences", params={"limit": "many"}), 422, "validation", "limit")
    assert_problem(pub.get("/profils", params={"offset": 2**63}), 422, "validation", "offset")


def test_agences_and_profils_are_paged_too(fresh: Callable[..., Server]) -> None:
    client = fresh(api="published").client()
    for _ in range(21):
        new_agence(client)
    page = client.get("/agences")
    assert page.status_code == 206 and len(page.json()) == 20
    assert client.get("/agences", params={"offset": 20}).status_code == 200
    profils = client.get("/profils")
    assert profils.status_code == 200 and [p["libelle"] for p in profils.json()] == ["Administrateur"]
    assert client.get("/profils", params={"limit": 1, "offset": 0}).status_code == 200
