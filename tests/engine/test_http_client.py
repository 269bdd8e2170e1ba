"""The HTTP client on a scripted transport: retries, lost answers, paging, errors, targets, tokens."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import httpx
import pytest

from o2s_config.backends.auth import credentials_from_env
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    PreconditionFailedError,
    TargetUnreachableError,
)
from tests.engine.scripted_transport import run


def problem(status: int, kind: str, **headers: str) -> httpx.Response:
    body = {"type": f"urn:o2s:problem:{kind}", "title": kind, "status": status, "detail": f"{kind} detail"}
    return httpx.Response(status, json=body, headers=headers)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Pauses are recorded instead of slept (the test's own: a sandbox server another test of this
    worker left serving in its thread keeps its real sleep, or its loop would spin into the record)."""
    waits: list[float] = []
    real_sleep = asyncio.sleep
    ours = threading.current_thread()

    async def record(seconds: float, result: object = None) -> object:
        if threading.current_thread() is not ours:
            return await real_sleep(seconds, result)
        waits.append(seconds)
        return result

    monkeypatch.setattr("o2s_config.backends.http.asyncio.sleep", record)
    return waits


def test_503_and_429_are_retried_honouring_retry_after(no_waiting: list[float]) -> None:
    answers = [
        problem(503, "unavailable", **{"Retry-After": "2"}),
        problem(429, "rate-limited", **{"Retry-After": "1"}),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if answers else httpx.Response(200, json={"ok": True})

    assert run(handler, lambda c: c.get("/x")) == {"ok": True}
    assert no_waiting == [2.0, 1.0]


def test_connection_errors_are_retried_then_reported() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(TargetUnreachableError):
        run(handler, lambda c: c.get("/x"))


def test_a_create_whose_answer_was_lost_is_looked_up_not_sent_again() -> None:
    created: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            created.append(json.loads(request.content))
            raise httpx.ReadTimeout("answer lost", request=request)
        return httpx.Response(200, json=[{"id": 1, "code": "paris"}])

    async def work(client: O2SClient) -> Any:
        async def lookup() -> Any:
            return next((s for s in await client.get_all("/agences") if s["code"] == "paris"), None)

        return await client.create("/agences", {"code": "paris", "nom": "Paris"}, lookup)

    assert run(handler, work) == {"id": 1, "code": "paris"}
    assert len(created) == 1


def test_a_create_not_found_after_a_lost_answer_is_sent_again() -> None:
    posts: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(1)
            if len(posts) == 1:
                raise httpx.ReadTimeout("answer lost", request=request)
            return httpx.Response(201, json={"id": 9})
        return httpx.Response(200, json=[])

    async def work(client: O2SClient) -> Any:
        async def lookup() -> None:
            return None

        return await client.create("/agences", {"code": "x"}, lookup)

    assert run(handler, work) == {"id": 9} and len(posts) == 2


def test_paged_reads_fetch_every_page_once() -> None:
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        seen.append(offset)
        items = [{"id": i} for i in range(offset, min(offset + 1000, 2500))]
        status = 200 if offset + 1000 >= 2500 else 206
        return httpx.Response(status, json=items, headers={"X-Total-Count": "2500"})

    items = run(handler, lambda c: c.get_all("/utilisateurs"))
    assert [i["id"] for i in items] == list(range(2500))
    assert sorted(seen) == [0, 1000, 2000]


@pytest.mark.parametrize(
    ("status", "kind", "error"),
    [
        (409, "conflict", ConflictError),
        (412, "precondition-failed", PreconditionFailedError),
        (422, "validation", ApiError),
    ],
)
def test_problem_json_becomes_a_typed_error(status: int, kind: str, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        run(lambda request: problem(status, kind), lambda c: c.get("/x"))
    assert isinstance(caught.value, ApiError) and caught.value.problem["type"] == f"urn:o2s:problem:{kind}"


def test_expired_token_is_renewed_once() -> None:
    grants: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            grants.append(request.content.decode())
            return httpx.Response(200, json={"access_token": f"jwt{len(grants)}", "expires_in": 300})
        if request.headers["Authorization"] == "Bearer jwt1":
            return problem(401, "unauthorized")
        return httpx.Response(200, json={"who": request.headers["Authorization"]})

    env = {
        "O2S_CLIENT_ID": "id",
        "O2S_CLIENT_SECRET": "cs",
        "O2S_USERNAME": "admin",
        "O2S_PASSWORD": "pw",
        "O2S_AUTH_URL": "https://auth.example",
    }
    answer = run(handler, lambda c: c.get("/x"), credentials_from_env(env))
    assert answer == {"who": "Bearer jwt2"} and len(grants) == 2 and "grant_type=password" in grants[0]


def test_a_refused_static_token_is_an_authentication_error() -> None:
    with pytest.raises(AuthenticationError):
        run(lambda request: problem(401, "unauthorized"), lambda c: c.get("/x"))


def test_incomplete_credentials_name_what_is_missing() -> None:
    with pytest.raises(AuthenticationError, match="O2S_PASSWORD"):
        credentials_from_env(
            {"O2S_CLIENT_ID": "id", "O2S_CLIENT_SECRET": "s", "O2S_USERNAME": "u", "O2S_AUTH_URL": "x"}
        )


@pytest.mark.parametrize("target", ["http://o2s.example", "http://10.0.0.5:8000", "ftp://x", "sandbox:"])
def test_unsafe_or_malformed_targets_are_refused(target: str) -> None:
    with pytest.raises(TargetUnreachableError):
        resolve_target(target)


@pytest.mark.parametrize(
    "target", ["http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:2", "https://o2s.example"]
)
def test_loopback_and_https_targets_are_accepted(target: str) -> None:
    assert resolve_target(target).base_url == target
