"""The client's bounds and credential rules on a scripted transport (the real-server cases are in
tests/reliability/test_hostile_client.py and test_credentials.py)."""

from __future__ import annotations

import httpx
import pytest

from o2s_config.backends import paging
from o2s_config.backends.auth import credentials_from_env, refusal
from o2s_config.backends.bounds import DEFAULT_DEADLINE, Deadline, deadline_seconds
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import redacted, resolve_target
from o2s_config.errors import (
    AuthenticationError,
    DeadlineExceededError,
    ListReadError,
    O2SConfigError,
    ResponseTooLargeError,
    TargetUnreachableError,
)
from tests.engine.scripted_transport import Handler, run


def listing(total: int, cap: int = 1000, count: str | None = "keep") -> tuple[Handler, list[int]]:
    """A list of ``total`` users served ``cap`` at most per page, announcing ``count`` (keep: the truth)."""
    offsets: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = min(int(request.url.params["limit"]), cap)
        offsets.append(offset)
        items = [{"id": i} for i in range(offset, min(offset + limit, total))]
        headers = {} if count is None else {"X-Total-Count": str(total) if count == "keep" else count}
        return httpx.Response(200 if offset + limit >= total else 206, json=items, headers=headers)

    return handler, offsets


@pytest.mark.parametrize("count", ["keep", None, "3", "1000000000", "-5", "many"])
def test_a_capped_list_is_read_whole_whatever_the_count_says(count: str | None) -> None:
    handler, offsets = listing(2345, cap=100, count=count)
    items = run(handler, lambda c: c.get_all("/utilisateurs"))
    assert [i["id"] for i in items] == list(range(2345))
    # every page once, plus at most the pages asked ahead past the end
    assert len(offsets) <= 24 + paging.AHEAD and len(set(offsets)) == len(offsets)


def test_a_huge_count_asks_a_few_pages_ahead_never_millions() -> None:
    handler, offsets = listing(150, cap=50, count="1000000000")
    items = run(handler, lambda c: c.get_all("/utilisateurs"))
    assert len(items) == 150 and len(offsets) <= 3 + paging.AHEAD


def test_an_empty_partial_page_ends_the_list() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(206, json=[{"id": offset}] if offset == 0 else [])

    assert run(handler, lambda c: c.get_all("/agences")) == [{"id": 0}]


def test_a_list_that_ignores_offset_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(206, json=[{"id": 1}, {"id": 2}])

    with pytest.raises(ListReadError, match="ignores 'offset'"):
        run(handler, lambda c: c.get_all("/utilisateurs"))


def test_a_list_that_never_ends_stops_at_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paging, "MAX_PAGES", 30)
    handler, offsets = listing(10**9, cap=10, count=None)
    with pytest.raises(ListReadError, match="did not end after 300 items in 30 pages"):
        run(handler, lambda c: c.get_all("/utilisateurs"))
    assert len(offsets) <= 30 + paging.AHEAD


def test_an_answer_announcing_more_than_the_limit_is_not_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"[" + b" " * 2000 + b"]")

    with pytest.raises(ResponseTooLargeError, match="larger than"):
        run(handler, lambda c: c.get("/utilisateurs"), max_response_bytes=1000)
    assert run(handler, lambda c: c.get("/utilisateurs"), max_response_bytes=5000) == []


def test_past_the_deadline_nothing_more_is_sent() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, json={})

    now = [0.0]

    async def first_then_late(client: O2SClient) -> None:
        await client.get("/first")
        now[0] = 100.0  # the first answer took the whole deadline
        await client.get("/second")

    deadline = Deadline(10, clock=lambda: now[0])
    with pytest.raises(DeadlineExceededError, match="deadline of 10 s"):
        run(handler, first_then_late, deadline=deadline)
    assert sent == ["/first"]


def test_the_deadline_comes_from_the_option_then_the_environment() -> None:
    assert deadline_seconds(None, {}) == DEFAULT_DEADLINE
    assert deadline_seconds(None, {"O2S_DEADLINE": "90"}) == 90
    assert deadline_seconds(5, {"O2S_DEADLINE": "90"}) == 5
    for wrong in ("0", "-3", "soon", "inf", "nan"):
        with pytest.raises(O2SConfigError, match="O2S_DEADLINE"):
            deadline_seconds(None, {"O2S_DEADLINE": wrong})


GRANT = {
    "O2S_CLIENT_ID": "id",
    "O2S_CLIENT_SECRET": "client-secret-x",
    "O2S_USERNAME": "admin",
    "O2S_PASSWORD": "password-y",
}


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://auth.example", True),
        ("http://127.0.0.1:8080", True),
        ("http://auth.example", False),
        ("http://10.1.2.3", False),
        ("ftp://auth.example", False),
        ("https://user:pw@auth.example", False),
    ],
)
def test_the_auth_url_follows_the_target_rules(url: str, allowed: bool) -> None:
    credentials = credentials_from_env({**GRANT, "O2S_AUTH_URL": url})
    assert credentials is not None

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return httpx.Response(200, json={"access_token": "jwt", "expires_in": 300})
        return httpx.Response(200, json={})

    if allowed:
        assert run(handler, lambda c: c.get("/x"), credentials=credentials) == {}
        return
    with pytest.raises(TargetUnreachableError, match="O2S_AUTH_URL") as refused:
        run(handler, lambda c: c.get("/x"), credentials=credentials)
    assert "pw@" not in str(refused.value)


def test_plain_http_to_a_remote_host_is_allowed_only_when_asked() -> None:
    with pytest.raises(TargetUnreachableError, match="O2S_ALLOW_PLAIN_HTTP=1"):
        resolve_target("http://o2s.intranet", {})
    assert resolve_target("http://o2s.intranet", {"O2S_ALLOW_PLAIN_HTTP": "1"}).base_url == "http://o2s.intranet"


def test_a_password_in_a_url_is_never_shown() -> None:
    assert redacted("https://admin:s3cret@o2s.example:8443/x") == "https://admin:***@o2s.example:8443/x"
    assert redacted("https://o2s.example") == "https://o2s.example"
    with pytest.raises(TargetUnreachableError) as refused:
        resolve_target("https://admin:s3cret@o2s.example", {})
    assert "s3cret" not in str(refused.value) and "admin:***@" in str(refused.value)


@pytest.mark.parametrize(
    ("status", "body", "named", "not_named"),
    [
        (401, {"error": "invalid_client"}, "the client", "O2S_PASSWORD"),
        (400, {"error": "invalid_grant", "error_description": "Invalid user credentials"}, "the user", "CLIENT"),
        (400, {"error": "unauthorized_client"}, "the client", "O2S_PASSWORD"),
        (403, {}, "without saying which", None),
        (404, {}, "check O2S_AUTH_URL", None),
    ],
)
def test_a_token_refusal_names_the_credential(
    status: int, body: dict[str, str], named: str, not_named: str | None
) -> None:
    message = refusal(status, body, "https://auth.example/t")
    assert named in message and str(status) in message
    if not_named:
        assert not_named not in message


def test_a_token_refusal_never_echoes_a_secret() -> None:
    credentials = credentials_from_env({**GRANT, "O2S_AUTH_URL": "https://auth.example"})

    def handler(request: httpx.Request) -> httpx.Response:
        # a token endpoint that repeats what it was sent in its error text
        return httpx.Response(401, json={"error": "invalid_grant", "error_description": request.content.decode()})

    with pytest.raises(AuthenticationError) as refused:
        run(handler, lambda c: c.get("/x"), credentials=credentials)
    assert "password-y" not in str(refused.value) and "client-secret-x" not in str(refused.value)
