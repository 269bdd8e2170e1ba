"""Writes that changes running at the same moment ask for, sent together as one request.

The extension's hierarchy endpoint takes any number of manager links in one PATCH (one
transaction: all are made or none). A first apply of 10,000 users has 10,000 links to make; sent
one by one they were half of its requests. The first change to ask waits one turn of the event
loop, so the others started with it (up to the apply's parallelism) add theirs; one request then
carries them all, and each change succeeds or fails with it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]


class Coalescer:
    """Values keyed by resource, gathered while one batch forms and sent by its first asker."""

    def __init__(self) -> None:
        self._waiting: dict[str, Any] = {}
        self._sent: asyncio.Future[None] | None = None

    async def add(self, key: str, value: Any, send: Send) -> None:
        """Have ``key: value`` sent; returns once the request carrying it succeeded (raises its error)."""
        self._waiting[key] = value
        if self._sent is not None:  # a batch is forming: it carries this value too
            await asyncio.shield(self._sent)
            return
        sent = self._sent = asyncio.get_running_loop().create_future()
        try:
            await asyncio.sleep(0)  # the changes started with this one add their values
            batch, self._waiting, self._sent = self._waiting, {}, None
            await send(batch)
        except BaseException as error:
            if self._sent is sent:  # cancelled before sending: the next asker starts a new batch
                self._waiting, self._sent = {}, None
            if isinstance(error, asyncio.CancelledError):
                sent.cancel()
            else:
                sent.set_exception(error)
                sent.exception()  # retrieved: the askers raise it, the loop need not report it
            raise
        sent.set_result(None)
