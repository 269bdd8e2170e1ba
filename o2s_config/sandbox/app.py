"""The sandbox's ASGI application: one FastAPI app, served by uvicorn or embedded in-process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

from fastapi import FastAPI

from o2s_config.sandbox import handlers, routes_ext, routes_published
from o2s_config.sandbox.auth import DEFAULT_TOKEN_TTL, PUBLISHED_TOKEN_TTL, Authority, Credentials
from o2s_config.sandbox.faults import FaultMiddleware, Faults
from o2s_config.sandbox.limits import BodyLimitMiddleware
from o2s_config.sandbox.openapi_doc import PUBLISHED_STATUSES, document
from o2s_config.sandbox.published_only import routes as published_only
from o2s_config.sandbox.seed import open_tenant
from o2s_config.sandbox.store import Store
from o2s_config.sandbox.token import TOKEN_PATH, add_token_route

__all__ = ["TOKEN_PATH", "ApiMode", "create_app"]

ApiMode = Literal["full", "published"]
_DESCRIPTIONS = {
    "full": "Harvest's published O2S endpoints plus extensions under /ext/v1. See docs/api.md.",
    "published": "Harvest's published O2S endpoints only (sandbox --api published). See docs/api.md.",
}


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    credentials: Credentials | None = None,
    token_ttl: int | None = None,
    fail_rate: float = 0.0,
    rate_limit: int | None = None,
    latency_ms: int = 0,
    seed: int | None = None,
    api: ApiMode = "full",
    store: Store | None = None,
) -> FastAPI:
    """The sandbox app over the tenant stored at ``db_path`` (created and seeded when new).

    ``api`` chooses what it serves of that tenant: ``full`` (published endpoints with their ``ext``
    objects, and ``/ext/v1``) or ``published`` (Harvest's published API only). ``token_ttl``
    defaults to 300 s, or 60 s in the published mode. ``store``: that tenant already open (and seeded).
    """
    owned = store is None
    if store is None:
        store = open_tenant(db_path)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:  # a served sandbox stopping closes the database it opened (a given one is its owner's)
            app.state.store.close()

    app = FastAPI(
        title="O2S API (o2s-config sandbox)" if api == "full" else "O2S published API (o2s-config sandbox)",
        version="1",
        description=_DESCRIPTIONS[api],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # the document is committed as schemas/o2s-api.openapi.json
        lifespan=lifespan,
    )
    app.state.store = store
    if token_ttl is None:
        token_ttl = PUBLISHED_TOKEN_TTL if api == "published" else DEFAULT_TOKEN_TTL
    app.state.authority = Authority(token, credentials, token_ttl)
    if api == "published":
        app.include_router(published_only.router)
        app.openapi = lambda: document(app, PUBLISHED_STATUSES)  # type: ignore[method-assign]
    else:
        app.include_router(routes_published.router)
        app.include_router(routes_ext.router)
        app.openapi = lambda: document(app)  # type: ignore[method-assign]
    add_token_route(app)
    handlers.install(app)
    app.add_middleware(BodyLimitMiddleware)
    faults = Faults(fail_rate, rate_limit, latency_ms, seed)
    if faults.active:  # added last, so it runs first: a faulted request is not even read
        app.add_middleware(FaultMiddleware, faults=faults)
    return app
