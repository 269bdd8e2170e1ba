"""The one HTTP client o2s-config uses for every target (embedded sandbox or remote tenant).

Every request goes through ``O2SClient.request``: bearer token (renewed when it expires),
bounded concurrency, retries with backoff on connection errors, 429 and 503 (honouring
``Retry-After``), and Problem JSON answers turned into the typed errors of ``errors.py``.
Every request is bounded (``bounds.py``): the command's deadline, a time limit per request,
a size limit per answer. Lists are read whole or refused (``paging.py``).
A create whose answer was lost is looked up by its natural key before it is sent again,
so a flaky network never makes a duplicate user.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
import ssl
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx

from o2s_config.backends.answers import listed
from o2s_config.backends.auth import Credentials, TokenSource
from o2s_config.backends.bounds import MAX_RESPONSE_BYTES, REQUEST_LIMIT, Deadline, buffered, json_of, read_bounded
from o2s_config.backends.paging import Page, count_hint, read_all
from o2s_config.backends.target import Target, check_transport, redacted
from o2s_config.errors import (
    ApiError,
    AuthenticationError,
    ConflictError,
    PreconditionFailedError,
    TargetError,
    TargetUnreachableError,
)
from o2s_config.files import database_error, os_error

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
        body = json_of(response)
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
        deadline: Deadline | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        self.target = target
        self.requests = 0  # HTTP requests sent, retries included
        self.max_attempts = max_attempts
        self.deadline = deadline or Deadline()
        self.max_response_bytes = max_response_bytes
        self._trouble: str | None = None  # why the last request is being retried, for a deadline error
        self._slots = asyncio.Semaphore(max(1, parallelism))
        http: httpx.AsyncClient | None = None
        if transport is None and target.embedded:
            http, credentials = _embedded(target)
        if credentials is None:
            raise AuthenticationError(
                f"no credentials for {target.text}: set O2S_TOKEN, or O2S_CLIENT_ID, O2S_CLIENT_SECRET, "
                "O2S_USERNAME, O2S_PASSWORD and O2S_AUTH_URL"
            )
        if credentials.grant is not None and not target.embedded:
            # the password grant sends the client secret and the user's password: same rule as the target
            check_transport(credentials.grant["O2S_AUTH_URL"], "O2S_AUTH_URL")
        self._http = http or httpx.AsyncClient(
            base_url=target.base_url or "http://sandbox", transport=transport, timeout=TIMEOUT
        )
        self._tokens = TokenSource(credentials, self._post_form)

    async def __aenter__(self) -> O2SClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections (and the embedded tenant)."""
        await self._http.aclose()

    async def _post_form(self, url: str, form: dict[str, str]) -> tuple[int, dict[str, object]]:
        response = await self._send("POST", url, data=form, authorised=False)
        try:
            body = json_of(response)
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
                    response = await self._exchange(method, path, headers, options)
            except NOT_SENT as error:
                await self._give_up_or_wait(attempt, error)
                continue
            except MAYBE_SENT as error:
                if not idempotent:
                    raise AnswerLost(str(error)) from error
                await self._give_up_or_wait(attempt, error)
                continue
            if response.status_code in (429, 503) and attempt < self.max_attempts:
                self._trouble = str(problem_error(response))
                await self._pause(attempt, response.headers.get("Retry-After"))
                continue
            if response.status_code == 401 and authorised and not renewed and self._tokens.expire():
                renewed = True
                continue
            return response
        return response

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], options: dict[str, Any]
    ) -> httpx.Response:
        """One request and its whole answer, within the request's time limit and the command's deadline."""
        limit = min(REQUEST_LIMIT, self.deadline.remaining())
        if limit <= 0:
            raise self.deadline.exceeded(self._trouble)
        request = self._http.build_request(method, path, headers=headers, **options)
        try:
            async with asyncio.timeout(limit):
                response = await self._http.send(request, stream=True)
                try:
                    body = await read_bounded(response, self.max_response_bytes)
                finally:
                    await response.aclose()
                    # httpx's streamed answer and its stream refer to each other: a reference cycle
                    # that keeps the body (a page of 1,000 users, 1 MB) until the collector runs
                    response.stream = httpx.ByteStream(b"")
        except TimeoutError:
            if self.deadline.remaining() <= 0:
                raise self.deadline.exceeded(self._trouble) from None
            raise TargetUnreachableError(
                f"{self._shown} took more than {REQUEST_LIMIT:g} s to answer {method} {request.url.path} "
                "(it answers too slowly); nothing more was asked of it"
            ) from None
        except httpx.DecodingError as error:
            where = f"{method} {request.url.path}"
            raise TargetError(f"{self._shown} sent an answer to {where} that cannot be decoded") from error
        return buffered(response, body)

    @property
    def _shown(self) -> str:
        return redacted(self.target.text)

    async def _give_up_or_wait(self, attempt: int, error: Exception) -> None:
        refused = _tls_refusal(error, self._shown)
        if refused is not None:  # a certificate does not get better by asking again
            raise TargetUnreachableError(refused) from error
        self._trouble = f"{self._shown} {_what_failed(error)}"
        if attempt >= min(self.max_attempts, TRANSPORT_ATTEMPTS):
            raise TargetUnreachableError(f"{self._trouble} ({attempt} attempts)") from error
        await self._pause(attempt, None)

    async def _pause(self, attempt: int, retry_after: str | None) -> None:
        """Wait as the tenant asked (Retry-After), else an exponential backoff with jitter."""
        try:
            wait = float(retry_after) if retry_after is not None else 0.0
        except ValueError:
            wait = 0.0
        if not wait > 0:  # also NaN
            wait = min(MAX_PAUSE, 0.1 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        wait = min(wait, MAX_PAUSE)
        if wait >= self.deadline.remaining():
            raise self.deadline.exceeded(self._trouble)
        await asyncio.sleep(wait)

    async def get(self, path: str, missing_ok: bool = False, **params: Any) -> Any:
        """The JSON body of a GET; None for a 404 when ``missing_ok``."""
        try:
            response = await self.request("GET", path, params=params or None)
        except ApiError as error:
            if missing_ok and error.status == 404:
                return None
            raise
        return json_of(response)

    async def get_all(self, path: str, **params: Any) -> list[Any]:
        """Every item of a paged list, read until the tenant says it is complete (``paging.read_all``)."""

        async def fetch(offset: int, limit: int) -> Page:
            response = await self.request("GET", path, params={**params, "limit": limit, "offset": offset})
            items = listed(json_of(response), path)
            return Page(response.status_code, items, count_hint(response.headers.get("X-Total-Count")))

        return await read_all(fetch, path)

    async def create(self, path: str, body: dict[str, Any], lookup: Lookup) -> dict[str, Any]:
        """POST a new resource; when the answer is lost, look it up by its key before sending again."""
        lost = False
        for _ in range(self.max_attempts):
            try:
                created: dict[str, Any] = json_of(await self.request("POST", path, json=body, idempotent=False))
                return created
            except AnswerLost:
                lost = True
            except ConflictError:
                if not lost:
                    raise
            found = await lookup()
            if found is not None:
                return found
        raise TargetUnreachableError(f"{self._shown}: could not create {path} (answers kept getting lost)")


def _tls_refusal(error: Exception, shown: str) -> str | None:
    """What went wrong with TLS, when that is why the connection failed; None otherwise."""
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ssl.SSLError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, ssl.SSLCertVerificationError):
        return (
            f"the TLS certificate of {shown} could not be verified ({cause.verify_message or cause.reason}); "
            "if your network inspects TLS, point SSL_CERT_FILE at its CA bundle"
        )
    if isinstance(cause, ssl.SSLError):
        return f"the TLS handshake with {shown} failed ({cause.reason or cause}): is it an https:// server?"
    return None


def _what_failed(error: Exception) -> str:
    """A transport failure in words (the target's name comes before it)."""
    if isinstance(error, httpx.ConnectTimeout):
        return "did not accept a connection in time"
    if isinstance(error, httpx.ConnectError):
        return f"could not be reached ({error or 'connection failed'}): is the address right and the server up?"
    if isinstance(error, httpx.ReadTimeout):
        return "took the request but sent no answer in time"
    if isinstance(error, httpx.WriteTimeout | httpx.PoolTimeout):
        return "did not take the request in time"
    return f"closed the connection without a complete answer ({type(error).__name__})"


def _embedded(target: Target) -> tuple[httpx.AsyncClient, Credentials]:
    """The in-process sandbox for ``sandbox:PATH`` (its database created on first use) and its static token.

    ``sandbox+published:PATH`` has no static token: the client uses its password grant, as on a real tenant.
    A database or folder that cannot be used is a one-line error naming it (``files.database_error``).
    """
    from o2s_config.sandbox.embedded import embedded_client, published_embedded_client

    assert target.database is not None
    try:
        target.database.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise os_error(target.database.parent, error, "make the sandbox's folder") from None
    try:
        if target.api == "published":
            published, grant = published_embedded_client(target.database, timeout=TIMEOUT)
            return published, Credentials(grant=grant)
        http = embedded_client(target.database, timeout=TIMEOUT)
    except (OSError, sqlite3.Error) as error:
        raise database_error(target.database, error) from None
    token = http.headers["Authorization"].removeprefix("Bearer ")
    return http, Credentials(token=token)
