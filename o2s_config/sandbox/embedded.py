"""The embedded targets ``sandbox:PATH`` and ``sandbox+published:PATH``: the sandbox app reached in-process.

Both go through httpx's ASGI transport, so the same HTTP client code serves embedded and
remote targets alike.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx

from o2s_config.sandbox.app import create_app
from o2s_config.sandbox.auth import Credentials
from o2s_config.sandbox.seed import ADMIN_LOGIN

EMBEDDED_BASE_URL = "http://sandbox.embedded"
PUBLISHED_CLIENT_ID = "o2s-config"


def embedded_client(db_path: str | Path, **client_options: object) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` on the tenant in ``db_path``, already carrying a usable bearer token."""
    token = secrets.token_urlsafe(24)
    app = create_app(db_path, token=token)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=EMBEDDED_BASE_URL,
        headers={"Authorization": f"Bearer {token}"},
        **client_options,  # type: ignore[arg-type]
    )


def published_embedded_client(
    db_path: str | Path, token_ttl: int | None = None, **client_options: object
) -> tuple[httpx.AsyncClient, dict[str, str]]:
    """An ``httpx.AsyncClient`` on the published-only face of ``db_path``, and the password grant it accepts.

    No static token: as on a real tenant, the client asks the Keycloak-style token endpoint
    (in-process too) and renews its short-lived tokens. The grant is keyed like the
    environment variables of a remote target (``O2S_CLIENT_ID``...).
    """
    credentials = Credentials(PUBLISHED_CLIENT_ID, secrets.token_urlsafe(24), ADMIN_LOGIN, secrets.token_urlsafe(24))
    app = create_app(db_path, credentials=credentials, token_ttl=token_ttl, api="published")
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=EMBEDDED_BASE_URL,
        **client_options,  # type: ignore[arg-type]
    )
    grant = {
        "O2S_CLIENT_ID": credentials.client_id,
        "O2S_CLIENT_SECRET": credentials.client_secret,
        "O2S_USERNAME": credentials.username,
        "O2S_PASSWORD": credentials.password,
        "O2S_AUTH_URL": EMBEDDED_BASE_URL,
    }
    return http, grant
