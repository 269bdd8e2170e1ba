"""Hostile input to the sandbox server: every answer is a clean Problem JSON, never a 5xx or a leak."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from tests.reliability.conftest import Server

PROBLEM = "application/problem+json"
TRICKY = "Zoë \"l'Haÿ-les-Roses\" <b>&amp;</b> ‮ 𝔘𝔫𝔦 🙂 \\n \u00a0 ' OR '1'='1"
SQL_LOGIN = "o'brien\"; DROP TABLE users;--"


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    for marker in ("Traceback", 'File "', "sqlite3.", "Error:"):
        assert marker not in response.text
    return body  # type: ignore[no-any-return]


@pytest.fixture
def server(sandbox_server: Callable[..., Server]) -> Server:
    return sandbox_server()


def new_user(login: str, email: str, **ext: object) -> dict[str, object]:
    body = {"login": login, "last_name": "Durand", "email": email, "structure": "siege", **ext}
    return {"ext": body}


def test_malformed_json_is_a_bad_request(server: Server) -> None:
    with server.client() as client:
        response = client.post(
            "/utilisateurs", content=b'{"ext": {"login": ', headers={"content-type": "application/json"}
        )
    assert_problem(response, 400)


def test_oversized_body_is_refused_without_being_stored(server: Server) -> None:
    huge = {"ext": {"login": "huge", "last_name": "x" * (3 * 1024 * 1024), "email": "h@x.fr", "structure": "siege"}}
    with server.client() as client:
        response = client.post("/utilisateurs", json=huge)
        assert_problem(response, 413)
        assert client.get("/utilisateurs", params={"limit": 1000}).json()[-1]["ext"]["login"] != "huge"


@pytest.mark.parametrize(
    "body",
    [
        {"ext": {"login": 42, "last_name": "Durand", "email": "d@x.fr", "structure": "siege"}},
        {"ext": {"login": "d", "last_name": ["Durand"], "email": "d@x.fr", "structure": "siege"}},
        {"ext": {"login": "d", "last_name": "Durand", "email": "not-an-email", "structure": "siege"}},
        {"ext": {"login": "d", "last_name": "Durand", "email": "d@x.fr", "structure": "siege", "active": "maybe"}},
        {"ext": "a string"},
        [1, 2, 3],
    ],
    ids=["login-int", "name-list", "bad-email", "bool-string", "ext-string", "array-body"],
)
def test_wrong_types_are_validation_problems(server: Server, body: object) -> None:
    with server.client() as client:
        response = client.post("/utilisateurs", json=body)
    assert_problem(response, 422)


def test_unicode_and_quotes_round_trip_byte_for_byte(server: Server) -> None:
    fields = {
        "title": "Autre",
        "title_other": TRICKY,
        "first_name": TRICKY,
        "last_name": TRICKY,
        "sender_name": TRICKY,
        "advisor_id": TRICKY,
        "commission_status": TRICKY,
    }
    with server.client() as client:
        created = client.post("/utilisateurs", json=new_user("tricky", "zoe.o'brien@exemple.fr", **fields))
        assert created.status_code == 201, created.text
        read = client.get(f"/utilisateurs/{created.json()['id']}").json()["ext"]
        structure = client.post("/agences", json={"code": "qu'ote", "nom": TRICKY})
        assert structure.status_code == 201, structure.text
        read_structure = client.get(f"/agences/{structure.json()['id']}").json()
    for name, value in fields.items():
        assert read[name] == value, name
    assert read["email"] == "zoe.o'brien@exemple.fr"
    assert read_structure["nom"] == TRICKY and read_structure["code"] == "qu'ote"


def test_sql_metacharacters_in_a_login_are_plain_text(server: Server) -> None:
    with server.client() as client:
        created = client.post("/utilisateurs", json=new_user(SQL_LOGIN, "sql@exemple.fr"))
        assert created.status_code == 201, created.text
        logins = [u["ext"]["login"] for u in client.get("/utilisateurs", params={"limit": 1000}).json()]
        again = client.post("/utilisateurs", json=new_user(SQL_LOGIN, "other@exemple.fr"))
    assert SQL_LOGIN in logins and "admin" in logins
    assert_problem(again, 409)


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer wrong-token", "Basic YWRtaW46YWRtaW4=", "Bearer " + "x" * 5000]
)
def test_missing_and_wrong_tokens_are_unauthorized(server: Server, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    for method, path in (("GET", "/utilisateurs"), ("GET", "/ext/v1/profiles"), ("DELETE", "/agences/1")):
        response = httpx.request(method, server.url + path, headers=headers, timeout=10)
        assert_problem(response, 401)


def test_expired_token_is_unauthorized(sandbox_server: Callable[..., Server]) -> None:
    server = sandbox_server(
        "--token-ttl",
        "1",
        "--client-id",
        "cid",
        "--client-secret",
        "csecret",
        "--username",
        "admin",
        "--password",
        "pw",
    )
    grant = {
        "grant_type": "password",
        "client_id": "cid",
        "client_secret": "csecret",
        "username": "admin",
        "password": "pw",
    }
    token = httpx.post(server.url + "/auth/realms/AppUsers/protocol/openid-connect/token", data=grant).json()[
        "access_token"
    ]
    with server.client(token) as client:
        assert client.get("/ext/v1/revision").status_code == 200
        import time

        time.sleep(2.2)
        assert_problem(client.get("/ext/v1/revision"), 401)


def test_errors_name_no_other_resource(server: Server) -> None:
    """A refused write tells what is wrong, not who else holds the value."""
    with server.client() as client:
        first = client.post("/utilisateurs", json=new_user("first", "taken@exemple.fr", advisor_id="ADV-SECRET-1"))
        assert first.status_code == 201
        clash = client.post("/utilisateurs", json=new_user("second", "taken@exemple.fr", advisor_id="ADV-SECRET-1"))
    body = assert_problem(clash, 409)
    text = json.dumps(body)
    assert "first" not in text.replace("first_name", "")
    assert str(first.json()["id"]) not in json.dumps({k: v for k, v in body.items() if k not in ("status", "type")})


def test_unknown_paths_and_methods_are_problems(server: Server) -> None:
    with server.client() as client:
        assert_problem(client.get("/nowhere"), 404)
        assert_problem(client.get("/utilisateurs/999999"), 404)
        assert_problem(client.patch("/agences"), 405)
        assert_problem(client.get("/utilisateurs", params={"limit": "many"}), 422)
        assert_problem(client.get("/utilisateurs/not-a-number"), 422)
