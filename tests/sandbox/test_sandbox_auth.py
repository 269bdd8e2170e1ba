"""Authentication: bearer tokens on every endpoint, the password grant, token expiry."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from sandbox_harness import CREDENTIALS, GRANT, Server, assert_problem

from o2s_config.sandbox.app import TOKEN_PATH
from o2s_config.sandbox.auth import Authority
from o2s_config.sandbox.problems import ProblemError


def test_no_token_is_401_problem(server: Server) -> None:
    response = server.client(auth=False).get("/utilisateurs")
    assert_problem(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


def test_every_extension_endpoint_needs_a_token(server: Server) -> None:
    anonymous = server.client(auth=False)
    for path in ("/ext/v1/capabilities", "/ext/v1/profiles", "/ext/v1/revision", "/agences", "/profils"):
        assert_problem(anonymous.get(path), 401, "unauthorized")


def test_unknown_token_is_401(server: Server) -> None:
    assert_problem(server.client(token="not-a-token").get("/utilisateurs"), 401, "unauthorized")


def test_password_grant_gives_a_working_token(fresh: Callable[..., Server]) -> None:
    running = fresh(credentials=CREDENTIALS)
    response = running.client(auth=False).post(TOKEN_PATH, data=GRANT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 300
    me = running.client(token=body["access_token"]).get("/utilisateurs/myself")
    assert me.status_code == 200 and me.json()["ext"]["login"] == "admin"


def test_wrong_password_and_wrong_client_are_refused(fresh: Callable[..., Server]) -> None:
    anonymous = fresh(credentials=CREDENTIALS).client(auth=False)
    body = assert_problem(anonymous.post(TOKEN_PATH, data={**GRANT, "password": "nope"}), 401, "unauthorized")
    assert body["error"] == "invalid_grant"
    body = assert_problem(anonymous.post(TOKEN_PATH, data={**GRANT, "client_secret": "x"}), 401, "unauthorized")
    assert body["error"] == "invalid_client"


def test_other_grant_types_are_400(fresh: Callable[..., Server]) -> None:
    anonymous = fresh(credentials=CREDENTIALS).client(auth=False)
    response = anonymous.post(TOKEN_PATH, data={**GRANT, "grant_type": "client_credentials"})
    assert assert_problem(response, 400, "bad-request", "grant_type")["error"] == "unsupported_grant_type"


def test_server_without_credentials_refuses_every_grant(server: Server) -> None:
    assert_problem(server.client(auth=False).post(TOKEN_PATH, data=GRANT), 401, "unauthorized")


def test_issued_tokens_expire_and_can_be_renewed(fresh: Callable[..., Server]) -> None:
    running = fresh(credentials=CREDENTIALS, token_ttl=1)
    anonymous = running.client(auth=False)
    token = anonymous.post(TOKEN_PATH, data=GRANT).json()["access_token"]
    client = running.client(token=token)
    assert client.get("/utilisateurs").status_code == 200
    time.sleep(1.5)
    body = assert_problem(client.get("/utilisateurs"), 401, "unauthorized")
    assert "expired" in body["detail"]
    renewed = anonymous.post(TOKEN_PATH, data=GRANT).json()["access_token"]
    assert running.client(token=renewed).get("/utilisateurs").status_code == 200


def test_the_static_token_acts_as_admin(api: httpx.Client) -> None:
    me = api.get("/utilisateurs/myself")
    assert me.status_code == 200 and me.json()["ext"]["login"] == "admin"


def test_a_tampered_token_is_refused(fresh: Callable[..., Server]) -> None:
    running = fresh(credentials=CREDENTIALS)
    token = running.client(auth=False).post(TOKEN_PATH, data=GRANT).json()["access_token"]
    head, body, signature = token.split(".")
    forged = f"{head}.{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
    assert_problem(running.client(token=forged).get("/utilisateurs"), 401, "unauthorized")
    assert running.client(token=token).get("/utilisateurs").status_code == 200


def test_a_token_lives_exactly_its_ttl() -> None:
    now = [100.9]
    authority = Authority(None, CREDENTIALS, ttl=1, clock=lambda: now[0])
    token = authority.grant(GRANT)
    now[0] = 101.85  # 0.95 s later: still within the ttl
    assert authority.subject(f"Bearer {token}") == "admin"
    now[0] = 101.95
    with pytest.raises(ProblemError) as refused:
        authority.subject(f"Bearer {token}")
    assert refused.value.status == 401
