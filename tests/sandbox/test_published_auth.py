"""The published-only sandbox's Keycloak-style token path: short-lived tokens, expiry, renewal by the one client."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

from sandbox_harness import CREDENTIALS, GRANT, Server, assert_problem

from o2s_config.backends.auth import Credentials as ClientCredentials
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.sandbox.app import TOKEN_PATH
from o2s_config.sandbox.auth import PUBLISHED_TOKEN_TTL


def _client_grant(url: str) -> ClientCredentials:
    variables = {
        "O2S_CLIENT_ID": GRANT["client_id"],
        "O2S_CLIENT_SECRET": GRANT["client_secret"],
        "O2S_USERNAME": GRANT["username"],
        "O2S_PASSWORD": GRANT["password"],
        "O2S_AUTH_URL": url,
    }
    return ClientCredentials(grant=variables)


def _count_grants(running: Server) -> list[int]:
    """Wrap the server's token authority so that each grant it issues is counted."""
    authority = running.app.state.authority
    issued = [0]
    original = authority.grant

    def counting(form: dict[str, str]) -> str:
        issued[0] += 1
        return str(original(form))

    authority.grant = counting
    return issued


def test_published_tokens_are_short_lived_by_default(fresh: Callable[..., Server]) -> None:
    running = fresh(api="published", credentials=CREDENTIALS)
    response = running.client(auth=False).post(TOKEN_PATH, data=GRANT)
    assert response.status_code == 200, response.text
    assert response.json()["expires_in"] == PUBLISHED_TOKEN_TTL == 60
    token = response.json()["access_token"]
    assert running.client(token=token).get("/utilisateurs/myself").json()["id"] == 1


def test_an_expired_token_is_refused_and_a_new_one_works(fresh: Callable[..., Server]) -> None:
    running = fresh(api="published", credentials=CREDENTIALS, token_ttl=1)
    anonymous = running.client(auth=False)
    token = anonymous.post(TOKEN_PATH, data=GRANT).json()["access_token"]
    assert running.client(token=token).get("/utilisateurs").status_code == 200
    time.sleep(1.3)
    expired = running.client(token=token).get("/utilisateurs")
    assert "expired" in assert_problem(expired, 401, "unauthorized")["detail"]
    assert expired.headers["www-authenticate"] == "Bearer"
    renewed = anonymous.post(TOKEN_PATH, data=GRANT).json()["access_token"]
    assert running.client(token=renewed).get("/utilisateurs").status_code == 200


def test_wrong_credentials_are_refused_with_the_oauth2_code(fresh: Callable[..., Server]) -> None:
    anonymous = fresh(api="published", credentials=CREDENTIALS).client(auth=False)
    refused = assert_problem(anonymous.post(TOKEN_PATH, data={**GRANT, "password": "x"}), 401, "unauthorized")
    assert refused["error"] == "invalid_grant"
    assert_problem(anonymous.get("/utilisateurs"), 401, "unauthorized")


def test_the_client_renews_its_token_through_the_token_path(fresh: Callable[..., Server]) -> None:
    running = fresh(api="published", credentials=CREDENTIALS, token_ttl=1)
    issued = _count_grants(running)

    async def scenario() -> list[int]:
        async with O2SClient(resolve_target(running.url), _client_grant(running.url)) as client:
            before = len(await client.get("/utilisateurs"))
            await asyncio.sleep(1.3)  # the first token is dead by now
            after = len(await client.get("/utilisateurs"))
            return [before, after]

    assert asyncio.run(scenario()) == [1, 1]
    assert issued[0] >= 2


def test_a_token_refused_mid_run_is_renewed_once_and_the_request_goes_through(fresh: Callable[..., Server]) -> None:
    running = fresh(api="published", credentials=CREDENTIALS)  # 60 s: the client keeps its token
    issued = _count_grants(running)

    async def scenario() -> Any:
        async with O2SClient(resolve_target(running.url), _client_grant(running.url)) as client:
            await client.get("/utilisateurs/myself")
            # the tenant forgets every token it issued (as after a restart of its auth server)
            running.app.state.authority.key = secrets.token_bytes(32)
            return await client.get("/utilisateurs/myself")

    assert asyncio.run(scenario())["id"] == 1
    assert issued[0] == 2
