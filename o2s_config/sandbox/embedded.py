"""The embedded target ``sandbox:PATH``: the sandbox app reached in-process through httpx."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx

from o2s_config.sandbox.app import create_app

EMBEDDED_BASE_URL = "http://sandbox.embedded"


def embedded_client(db_path: str | Path, **client_options: object) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` on the tenant in ``db_path``, already carrying a usable bearer token.

    The same HTTP client code then serves embedded and remote targets alike.
    """
    token = secrets.token_urlsafe(24)
    app = create_app(db_path, token=token)
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=EMBEDDED_BASE_URL,
        headers={"Authorization": f"Bearer {token}"},
        **client_options,  # type: ignore[arg-type]
    )
