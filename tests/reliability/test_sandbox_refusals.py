"""The sandbox refuses (422 Problem JSON) what it could not serve back, so no accepted write breaks a read.

Non-finite numbers, a manager tree deeper than a file can hold, keys that read the same as
another: each is refused, every read still answers, and an export is always a valid file.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import httpx
import pytest

from o2s_config.model.hierarchy import MAX_LEVELS
from tests.reliability.cli import run_cli
from tests.reliability.conftest import Server
from tests.reliability.test_hostile_server import assert_problem, new_user

ESTABLISHMENT = {"general": {"name": "Cabinet", "email": "contact@cabinet.fr"}}


@pytest.fixture
def server(sandbox_server: Callable[..., Server]) -> Server:
    return sandbox_server()


def _reads_answer(client: httpx.Client) -> None:
    for path in ("/utilisateurs", "/agences", "/ext/v1/profiles", "/ext/v1/hierarchy", "/ext/v1/services"):
        # a page of a longer list is 206: what matters is that it answers
        assert client.get(path, params={"limit": 1000} if "ext" not in path else None).status_code in (200, 206), path
    assert client.get("/ext/v1/establishment").status_code in (200, 404)


NON_FINITE = {
    "infinity": '{"legal": {"share_capital": Infinity}}',
    "minus-infinity": '{"legal": {"share_capital": -Infinity}}',
    "nan": '{"intermediation": {"rc_pro": {"insurer": "X", "amount": NaN}}}',
    "infinity-as-text": '{"legal": {"share_capital": "Infinity"}}',
    "overflow": '{"legal": {"share_capital": 1e999}}',
}


def test_non_finite_numbers_are_refused_and_reads_still_answer(server: Server) -> None:
    general = '"general": {"name": "Cabinet", "email": "contact@cabinet.fr"}, '
    with server.client() as client:
        for case, body in NON_FINITE.items():
            content = ("{" + general + body[1:]).encode()
            response = client.put(
                "/ext/v1/establishment", content=content, headers={"content-type": "application/json"}
            )
            assert response.status_code == 422, case
            assert_problem(response, 422)
            _reads_answer(client)


def _people(client: httpx.Client, count: int) -> list[str]:
    logins = [f"chain{n:04d}" for n in range(count)]
    for login in logins:
        created = client.post("/utilisateurs", json=new_user(login, f"{login}@exemple.fr"))
        assert created.status_code == 201, created.text
    return logins


def test_a_chain_1200_deep_is_refused_and_the_tree_still_reads(server: Server) -> None:
    with server.client() as client:
        logins = _people(client, 1200)
        chain = {login: above for above, login in pairwise(logins)}
        whole = client.put("/ext/v1/hierarchy", json={"managers": chain})
        assert_problem(whole, 422)
        assert "levels deep" in whole.json()["detail"]
        # the same chain link by link: accepted up to the file's limit, refused one level further
        for depth, (above, login) in enumerate(pairwise(logins), start=2):
            answer = client.patch("/ext/v1/hierarchy", json={"managers": {login: above}})
            if depth <= MAX_LEVELS:
                assert answer.status_code == 204, (depth, answer.text)
            else:
                assert_problem(answer, 422)
                break
        # a user's own manager field takes the same road
        deepest = logins[MAX_LEVELS - 1]
        user_id = next(
            u["id"]
            for u in client.get("/utilisateurs", params={"limit": 1000}).json()
            if u["ext"]["login"] == logins[MAX_LEVELS]
        )
        assert_problem(client.put(f"/utilisateurs/{user_id}", json={"ext": {"manager": deepest}}), 422)
        tree = client.get("/ext/v1/hierarchy")
        assert tree.status_code == 200 and len(tree.json()["managers"]) == MAX_LEVELS - 1
        _reads_answer(client)


def test_attaching_a_team_below_a_deep_chain_counts_the_team(server: Server) -> None:
    with server.client() as client:
        logins = _people(client, MAX_LEVELS + 2)
        top, team = logins[: MAX_LEVELS - 1], logins[MAX_LEVELS - 1 :]
        upper = {login: above for above, login in pairwise(top)}
        lower = {login: above for above, login in pairwise(team)}
        assert client.patch("/ext/v1/hierarchy", json={"managers": {**upper, **lower}}).status_code == 204
        # the team's head below the chain's foot: 31 + 3 levels
        assert_problem(client.patch("/ext/v1/hierarchy", json={"managers": {team[0]: top[-1]}}), 422)


LOOK_ALIKES = {
    "login-upper": ("/utilisateurs", new_user("ADMIN", "admin2@exemple.fr"), "login"),
    "login-title": ("/utilisateurs", new_user("Admin", "admin3@exemple.fr"), "login"),
    "structure-upper": ("/agences", {"code": "SIEGE", "nom": "Siège bis"}, "code"),
    "profile-upper": ("/ext/v1/profiles", {"label": "ADMINISTRATEUR", "from": "none"}, "label"),
    "login-ansi": ("/utilisateurs", new_user("\x1b[2K\radmin", "ansi@exemple.fr"), "login"),
    "login-zero-width": ("/utilisateurs", new_user("ad\u200bmin", "zw@exemple.fr"), "login"),
}


def test_keys_that_read_like_another_are_refused(server: Server) -> None:
    with server.client() as client:
        for case, (path, body, field) in LOOK_ALIKES.items():
            response = client.post(path, json=body)
            assert response.status_code == 422, case
            assert assert_problem(response, 422)["field"] == field, case
        _reads_answer(client)


def test_a_key_in_another_unicode_form_is_the_same_key(server: Server) -> None:
    with server.client() as client:
        assert client.post("/utilisateurs", json=new_user("zoé", "zoe1@exemple.fr")).status_code == 201
        assert_problem(client.post("/utilisateurs", json=new_user("zoe\u0301", "zoe2@exemple.fr")), 422)
        assert_problem(client.post("/utilisateurs", json=new_user("ZOÉ", "zoe3@exemple.fr")), 422)
        # renaming another user onto it is refused too
        other = client.post("/utilisateurs", json=new_user("zoe", "zoe4@exemple.fr"))
        assert other.status_code == 201
        renamed = client.put(f"/utilisateurs/{other.json()['id']}", json={"ext": {"login": "Zoé"}})
        assert_problem(renamed, 422)


def test_an_export_after_edge_and_hostile_writes_is_a_valid_file(server: Server, tmp_path: Path) -> None:
    """What the sandbox accepts, it can give back as a file validate accepts."""
    with server.client() as client:
        logins = _people(client, MAX_LEVELS)
        chain = {login: above for above, login in pairwise(logins)}
        assert client.patch("/ext/v1/hierarchy", json={"managers": chain}).status_code == 204
        tricky = new_user("zoë.o'brien", "zoe.obrien@exemple.fr", first_name="Zoë ‮ 𝔘𝔫𝔦 🙂", title="Autre")
        tricky["ext"]["title_other"] = 'Maître "l\'Haÿ" <b>'  # type: ignore[index]
        assert client.post("/utilisateurs", json=tricky).status_code == 201
        assert client.post("/agences", json={"code": "qu'ote: #1", "nom": "Agence « 1 »"}).status_code == 201
        assert client.put("/ext/v1/establishment", json=ESTABLISHMENT).status_code == 204
        hostile = [
            ("post", "/utilisateurs", new_user("ADMIN", "x1@exemple.fr")),
            ("post", "/agences", {"code": "QU'OTE: #1", "nom": "x"}),
            ("put", "/ext/v1/hierarchy", {"managers": {**chain, logins[0]: "zoë.o'brien", "zoë.o'brien": "admin"}}),
        ]
        for method, path, body in hostile:
            assert client.request(method.upper(), path, json=body).status_code == 422, path
        raw = b'{"general": {"name": "Cabinet", "email": "contact@cabinet.fr"}, "legal": {"share_capital": NaN}}'
        nan = client.put("/ext/v1/establishment", content=raw, headers={"content-type": "application/json"})
        assert nan.status_code == 422
    exported = tmp_path / "exported.yaml"
    result = run_cli(server, "export", "-o", str(exported))
    assert result.returncode == 0, result.stderr
    checked = run_cli(server, "validate", str(exported))
    assert checked.returncode == 0, checked.stderr + exported.read_text()
