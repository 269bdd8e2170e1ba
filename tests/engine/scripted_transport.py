"""The client on a scripted transport (httpx.MockTransport), for the engine's unit tests of the HTTP client."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx

from o2s_config.backends.auth import Credentials
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target

Handler = Callable[[httpx.Request], httpx.Response]
TARGET = resolve_target("https://o2s.example")


def run(
    handler: Handler, work: Callable[[O2SClient], Any], credentials: Credentials | None = None, **options: Any
) -> Any:
    """``work`` done by a client of TARGET whose requests ``handler`` answers (a static token unless given)."""

    async def main() -> Any:
        transport = httpx.MockTransport(handler)
        client = O2SClient(TARGET, credentials or Credentials(token="t"), transport=transport, **options)
        async with client:
            return await work(client)

    return asyncio.run(main())
