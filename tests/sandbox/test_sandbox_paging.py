"""Paging of the published lists: limit/offset, 206 partial pages, 200 on the last one."""

from __future__ import annotations

import httpx
from sandbox_harness import assert_problem, new_structure, new_user


def test_pages_are_206_until_the_last_which_is_200(api: httpx.Client) -> None:
    structure = new_structure(api)
    created = [new_user(api, structure=structure["code"]).json()["id"] for _ in range(45)]
    seen: list[int] = []
    statuses: list[int] = []
    offset = 0
    while True:
        response = api.get("/utilisateurs", params={"agenceId": structure["id"], "limit": 20, "offset": offset})
        statuses.append(response.status_code)
        assert response.headers["x-total-count"] == "45"
        page = response.json()
        assert response.headers["content-range"] == f"items {offset}-{offset + len(page) - 1}/45"
        seen += [user["id"] for user in page]
        if response.status_code == 200:
            break
        offset += len(page)
    assert statuses == [206, 206, 200]
    assert seen == created


def test_a_page_ending_exactly_at_the_end_is_200(api: httpx.Client) -> None:
    structure = new_structure(api)
    for _ in range(4):
        new_user(api, structure=structure["code"])
    assert api.get("/utilisateurs", params={"agenceId": structure["id"], "limit": 2}).status_code == 206
    last = api.get("/utilisateurs", params={"agenceId": structure["id"], "limit": 2, "offset": 2})
    assert last.status_code == 200 and len(last.json()) == 2


def test_past_the_end_is_an_empty_200(api: httpx.Client) -> None:
    response = api.get("/agences", params={"offset": 100000})
    assert response.status_code == 200 and response.json() == []
    assert response.headers["content-range"].startswith("items */")


def test_default_page_is_20(api: httpx.Client) -> None:
    structure = new_structure(api)
    for _ in range(21):
        new_user(api, structure=structure["code"])
    response = api.get("/utilisateurs", params={"agenceId": structure["id"]})
    assert response.status_code == 206 and len(response.json()) == 20


def test_limit_bounds(api: httpx.Client) -> None:
    assert api.get("/utilisateurs", params={"limit": 1000}).status_code in (200, 206)
    assert_problem(api.get("/utilisateurs", params={"limit": 1001}), 422, "validation", "limit")
    assert_problem(api.get("/utilisateurs", params={"limit": 0}), 422, "validation", "limit")
    assert_problem(api.get("/profils", params={"offset": -1}), 422, "validation", "offset")


def test_outbox_and_profils_are_paged_too(api: httpx.Client) -> None:
    new_user(api)
    new_user(api)
    assert api.get("/ext/v1/outbox", params={"limit": 1}).status_code == 206
    profils = api.get("/profils", params={"limit": 1000})
    assert profils.status_code == 200 and profils.json()[0]["libelle"] == "Administrateur"
