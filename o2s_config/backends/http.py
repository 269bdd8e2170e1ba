"""The one HTTP client o2s-config uses for every target (embedded sandbox or remote tenant).

Every request goes through ``O2SClient.request``: bearer token (renewed when it expires),
bounded concurrency, retries with backoff on connection errors, 429 and 503 (honouring
``Retry-After``), and Problem JSON answers turned into the typed errors of ``errors.py``.
A create whose answer was lost is looked up by its natural key before it is sent again,
so a flaky network never makes a duplicate user.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx

from o2s_config.backends.auth import Credentials, TokenSource
from o2s_config.backends.target import Target
from o2s_config.errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    PreconditionFailedError,
    TargetUnreachableError,
)

PAGE_SIZE = 1000  # the largest page O2S's lists accept: 10,000 users are read in 10 requests
MAX_ATTEMPTS = 8  # for answers that ask to come back later (429, 503)
TRANSPORT_ATTEMPTS = 5  # for a target that does not answer: about 2 s of backoff, then a clear error
MAX_PAUSE = 10.0  # seconds: the longest wait between two attempts
TIMEOUT = httpx.Timeout(30.0, connect=10.0)

# Raised before a request reached the tenant: always safe to send again.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Raised after a request may have reached the tenant: the answer is lost.
MAYBE_SENT = (httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)

Lookup = Callable[[], Awaitable[dict[str, Any] | None]]


class AnswerLost(Exception):
    """A request that writes was sent but its answer never came back."""


def problem_error(response: httpx.Response) -> Exception:
    """The typed error for a Problem JSON answer (matched on status, never on the text)."""
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    status = response.status_code
    title = str(body.get("title") or response.reason_phrase or "error")
    detail = str(body.get("detail") or "")
    if status == 401:
        return AuthenticationError(f"the target refused the credentials: {detail or title}")
    kind = {409: ConflictError, 412: PreconditionFailedError}.get(status, ApiError)
    return kind(status, title, detail, body)


class O2SClient:
    """An async client for one target; use it as ``async with O2SClient(...) as client``."""

    def __init__(
        self,
        target: Target,
        credentials: Credentials | None,
        parallelism: int = 8,
        transport: httpx.AsyncBaseTransport | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.target = target
        self.requests = 0  # HTTP requests sent, retries included
        self.max_attempts = max_attempts
        self._slots = asyncio.Semaphore(max(1, parallelism))
        http: httpx.AsyncClient | None = None
        if transport is None and target.embedded:
            http, credentials = _embedded(target)
        if credentials is None:
            raise AuthenticationError(
                f"no credentials for {target.text}: set O2S_TOKEN, or O2S_CLIENT_ID, O2S_CLIENT_SECRET, "
                "O2S_USERNAME, O2S_PASSWORD and O2S_AUTH_URL"
            )
        self._http = http or httpx.AsyncClient(
            base_url=target.base_url or "http://sandbox", transport=transport, timeout=TIMEOUT
        )
        self._tokens = TokenSource(credentials, self._post_form)

    async def __aenter__(self) -> O2SClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self._http.aclose()

    async def _post_form(self, url: str, form: dict[str, str]) -> tuple[int, dict[str, object]]:
        response = await self._send("POST", url, data=form, authorised=False)
        try:
            body = response.json()
        except ValueError:
            body = {}
        return response.status_code, body if isinstance(body, dict) else {}

    async def request(self, method: str, path: str, *, idempotent: bool = True, **options: Any) -> httpx.Response:
        """Send one request, retrying what can be retried; raise the typed error of a refusal."""
        response = await self._send(method, path, idempotent=idempotent, **options)
        if response.status_code >= 400:
            raise problem_error(response)
        return response

    async def _send(
        self, method: str, path: str, *, idempotent: bool = True, authorised: bool = True, **options: Any
    ) -> httpx.Response:
        renewed = False
        extra: dict[str, str] = options.pop("headers", None) or {}
        for attempt in range(1, self.max_attempts + 1):
            try:
                # the token is taken once a slot is free: a request queued longer than a short-lived
                # token's life (60 s on a real tenant) must not leave with an expired one; asking for
                # a token takes no slot, or the requests holding them would wait for it forever
                async with self._slots if authorised else contextlib.nullcontext():
                    headers = {"Authorization": f"Bearer {await self._tokens.token()}"} if authorised else {}
                    headers.update(extra)
                    self.requests += 1
                    response = await self._http.request(method, path, headers=headers, **options)
            except NOT_SENT as error:
                await self._give_up_or_wait(attempt, None, error)
                continue
            except MAYBE_SENT as error:
                if not idempotent:
                    raise AnswerLost(str(error)) from error
                await self._give_up_or_wait(attempt, None, error)
                continue
            if response.status_code in (429, 503) and attempt < self.max_attempts:
                await self._pause(attempt, response.headers.get("Retry-After"))
                continue
            if response.status_code == 401 and authorised and not renewed and self._tokens.expire():
                renewed = True
                continue
            return response
        return response

    async def _give_up_or_wait(self, attempt: int, retry_after: str | None, error: Exception) -> None:
        if attempt >= min(self.max_attempts, TRANSPORT_ATTEMPTS):
            raise TargetUnreachableError(f"{self.target.text} did not answer ({type(error).__name__})") from error
        await self._pause(attempt, retry_after)

    async def _pause(self, attempt: int, retry_after: str | None) -> None:
        """Wait as the tenant asked (Retry-After), else an exponential backoff with jitter."""
        try:
            wait = float(retry_after) if retry_after is not None else 0.0
        except ValueError:
            wait = 0.0
        if wait <= 0:
            wait = min(MAX_PAUSE, 0.1 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        await asyncio.sleep(min(wait, MAX_PAUSE))

    async def get(self, path: str, missing_ok: bool = False, **params: Any) -> Any:
        """The JSON body of a GET; None for a 404 when ``missing_ok``."""
        try:
            response = await self.request("GET", path, params=params or None)
        except ApiError as error:
            if missing_ok and error.status == 404:
                return None
            raise
        return response.json()

    async def get_all(self, path: str, **params: Any) -> list[Any]:
        """Every item of a paged list: the first page, then all the others at once (never one per item)."""
        first = await self.request("GET", path, params={**params, "limit": PAGE_SIZE, "offset": 0})
        items: list[Any] = list(first.json())
        if first.status_code != 206:
            return items
        total = int(first.headers.get("X-Total-Count", len(items)))
        offsets = range(len(items), total, PAGE_SIZE)
        pages = await asyncio.gather(
            *(self.request("GET", path, params={**params, "limit": PAGE_SIZE, "offset": o}) for o in offsets)
        )
        for page in pages:
            items += page.json()
        return items

    async def create(self, path: str, body: dict[str, Any], lookup: Lookup) -> dict[str, Any]:
        """POST a new resource; when the answer is lost, look it up by its key before sending again."""
        lost = False
        for _ in range(self.max_attempts):
            try:
                created: dict[str, Any] = (await self.request("POST", path, json=body, idempotent=False)).json()
                return created
            except AnswerLost:
                lost = True
            except ConflictError:
                if not lost:
                    raise
            found = await lookup()
            if found is not None:
                return found
        raise TargetUnreachableError(f"{self.target.text}: could not create {path} (answers kept getting lost)")


def _embedded(target: Target) -> tuple[httpx.AsyncClient, Credentials]:
    """The in-process sandbox for ``sandbox:PATH`` (its database created on first use) and its static token.

    ``sandbox+published:PATH`` has no static token: the client uses its password grant, as on a real tenant.
    """
    from o2s_config.sandbox.embedded import embedded_client, published_embedded_client

    assert target.database is not None
    target.database.parent.mkdir(parents=True, exist_ok=True)
    if target.api == "published":
        published, grant = published_embedded_client(target.database, timeout=TIMEOUT)
        return published, Credentials(grant=grant)
    http = embedded_client(target.database, timeout=TIMEOUT)
    token = http.headers["Authorization"].removeprefix("Bearer ")
    return http, Credentials(token=token)
