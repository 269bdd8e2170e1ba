"""The embedded targets ``sandbox:PATH`` and ``sandbox+published:PATH``: the sandbox reached in-process.

Both are an ``httpx.AsyncClient``, so the same HTTP client code serves embedded and remote
targets alike. ``sandbox:PATH`` answers the reads a plan makes straight from the store
(``reads.py``, the functions the FastAPI routes call, so the same status, headers and bytes)
and hands every other request to the sandbox app, built on first use: a plan that only reads
does not import FastAPI (about 0.5 s) nor cross to a worker thread for each page.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
from starlette.responses import Response

from o2s_config.sandbox import reads
from o2s_config.sandbox.auth import DEFAULT_TOKEN_TTL, Authority, Credentials
from o2s_config.sandbox.responses import DEFAULT_PAGE, MAX_ID, MAX_PAGE
from o2s_config.sandbox.seed import ADMIN_LOGIN, open_tenant
from o2s_config.sandbox.store import Store

EMBEDDED_BASE_URL = "http://sandbox.embedded"
PUBLISHED_CLIENT_ID = "o2s-config"

# (store, caller's login, query) -> the answer; None: a query this table does not serve as is
Read = Callable[[Store, str, Mapping[str, str]], Response | None]


def _whole(read: Callable[[Store], Response]) -> Read:
    return lambda store, login, query: None if query else read(store)


def _paged(read: Callable[[Store, int, int], Response]) -> Read:
    def serve(store: Store, login: str, query: Mapping[str, str]) -> Response | None:
        window = _window(query)
        return None if window is None else read(store, *window)

    return serve


def _window(query: Mapping[str, str]) -> tuple[int, int] | None:
    """(limit, offset) as the routes accept them; None for anything else (the app answers it, 422 or so)."""
    if set(query) - {"limit", "offset"}:
        return None
    limit, offset = query.get("limit", str(DEFAULT_PAGE)), query.get("offset", "0")
    if not (limit.isascii() and limit.isdigit() and offset.isascii() and offset.isdigit()):
        return None
    if not (1 <= int(limit) <= MAX_PAGE and int(offset) <= MAX_ID):
        return None
    return int(limit), int(offset)


# the reads of a plan (backends/tenant.py), by path
DIRECT_READS: dict[str, Read] = {
    f"{reads.EXT_PREFIX}/capabilities": _whole(reads.capabilities),
    f"{reads.EXT_PREFIX}/establishment": _whole(reads.establishment),
    f"{reads.EXT_PREFIX}/profiles": _whole(reads.profile_list),
    f"{reads.EXT_PREFIX}/hierarchy": _whole(reads.manager_tree),
    f"{reads.EXT_PREFIX}/services": _whole(reads.services),
    f"{reads.EXT_PREFIX}/extranet-codes": _whole(reads.extranet_codes),
    f"{reads.EXT_PREFIX}/files": _whole(reads.file_list),
    "/utilisateurs/myself": lambda store, login, query: None if query else reads.user_named(store, login),
    "/utilisateurs": _paged(reads.user_page),
    "/agences": _paged(reads.structure_page),
}


class EmbeddedTransport(httpx.AsyncBaseTransport):
    """The tenant in ``db_path``, in-process: a plan's reads from the store, everything else by the sandbox app."""

    def __init__(self, db_path: str | Path, token: str) -> None:
        self._db_path = db_path
        self._token = token
        self._store = open_tenant(db_path)
        self._authority = Authority(token, None, DEFAULT_TOKEN_TTL)
        self._app: httpx.ASGITransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._direct(request)
        if answer is not None:
            return httpx.Response(answer.status_code, headers=answer.raw_headers, content=bytes(answer.body))
        return await self._app_transport().handle_async_request(request)

    async def aclose(self) -> None:
        """Close the tenant's database with the client (``Store.close``)."""
        self._store.close()

    def _direct(self, request: httpx.Request) -> Response | None:
        read = DIRECT_READS.get(request.url.path) if request.method == "GET" else None
        query = request.url.params
        if read is None or len(query.multi_items()) != len(query):
            return None
        try:
            login = self._authority.subject(request.headers.get("authorization"))
            return read(self._store, login, dict(query))
        except Exception:
            return None

    def _app_transport(self) -> httpx.ASGITransport:
        if self._app is None:
            from o2s_config.sandbox.app import create_app  # FastAPI: only once something else than a read is asked

            self._app = httpx.ASGITransport(app=create_app(self._db_path, token=self._token, store=self._store))
        return self._app


class _AppTransport(httpx.ASGITransport):
    """The sandbox app in-process; closing it closes the tenant's database (``Store.close``)."""

    async def aclose(self) -> None:
        self.app.state.store.close()  # type: ignore[attr-defined]


def embedded_client(db_path: str | Path, **client_options: Any) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` on the tenant in ``db_path``, already carrying a usable bearer token."""
    token = secrets.token_urlsafe(24)
    return httpx.AsyncClient(
        transport=EmbeddedTransport(db_path, token),
        base_url=EMBEDDED_BASE_URL,
        headers={"Authorization": f"Bearer {token}"},
        **client_options,
    )


def published_embedded_client(
    db_path: str | Path, token_ttl: int | None = None, **client_options: Any
) -> tuple[httpx.AsyncClient, dict[str, str]]:
    """An ``httpx.AsyncClient`` on the published-only face of ``db_path``, and the password grant it accepts.

    No static token: as on a real tenant, the client asks the Keycloak-style token endpoint
    (in-process too) and renews its short-lived tokens. The grant is keyed like the
    environment variables of a remote target (``O2S_CLIENT_ID``...).
    """
    from o2s_config.sandbox.app import create_app

    credentials = Credentials(PUBLISHED_CLIENT_ID, secrets.token_urlsafe(24), ADMIN_LOGIN, secrets.token_urlsafe(24))
    app = create_app(db_path, credentials=credentials, token_ttl=token_ttl, api="published")
    http = httpx.AsyncClient(transport=_AppTransport(app=app), base_url=EMBEDDED_BASE_URL, **client_options)
    grant = {
        "O2S_CLIENT_ID": credentials.client_id,
        "O2S_CLIENT_SECRET": credentials.client_secret,
        "O2S_USERNAME": credentials.username,
        "O2S_PASSWORD": credentials.password,
        "O2S_AUTH_URL": EMBEDDED_BASE_URL,
    }
    return http, grant
