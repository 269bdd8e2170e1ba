"""Scripted tenants on 127.0.0.1, for the client's hostile cases.

``served_app`` serves an ASGI app (the sandbox, maybe behind ``PagingLiar``) with uvicorn in a
thread; ``raw_server`` serves a bare TCP (or TLS) handler that misbehaves below HTTP (an answer
dripped a byte at a time, one without end). The CLI is run against them as a separate process
(``tests.reliability.cli.run_o2s``).
"""

from __future__ import annotations

import asyncio
import json
import socket
import ssl
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from o2s_config.sandbox.process import listen

START_TIMEOUT_S = 20.0


@contextmanager
def served_app(app: ASGIApp) -> Iterator[str]:
    """Serve ``app`` on 127.0.0.1 in a thread; yield its URL; stop it at exit."""
    sock = listen("127.0.0.1", 0)  # bound before the thread starts: no window for another to take the port
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the scripted server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class PagingLiar:
    """ASGI middleware lying about the paged lists (``/utilisateurs``, ``/agences``) of the app behind it.

    ``count``: "keep", "none" (no count header), "wrong" (announces 1 item), "huge" (10^9);
    ``cap``: the largest page served, whatever the client asks; ``ignore_offset``: every page is the first;
    ``fail_after_first``: every page but the first answers 500.
    It counts the list requests, and the most that were in flight at once.
    """

    app: ASGIApp
    count: str = "keep"
    cap: int | None = None
    ignore_offset: bool = False
    fail_after_first: bool = False
    requests: int = 0
    in_flight: int = 0
    most_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] not in ("/utilisateurs", "/agences"):
            await self.app(scope, receive, send)
            return
        with self._lock:
            self.requests += 1
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(0.02)  # long enough for concurrent pages to overlap
            if self.fail_after_first and dict(parse_qsl(scope["query_string"].decode())).get("offset", "0") != "0":
                await _problem(send, 500, "Internal Server Error")
                return
            await self.app({**scope, "query_string": self._query(scope["query_string"])}, receive, self._lying(send))
        finally:
            with self._lock:
                self.in_flight -= 1

    def _query(self, raw: bytes) -> bytes:
        params = dict(parse_qsl(raw.decode()))
        if self.cap is not None:
            params["limit"] = str(min(int(params.get("limit", "20")), self.cap))
        if self.ignore_offset:
            params["offset"] = "0"
        return urlencode(params).encode()

    def _lying(self, send: Send) -> Callable[[Message], Awaitable[None]]:
        async def lying(message: Message) -> None:
            if message["type"] == "http.response.start" and self.count != "keep":
                headers = [
                    (k, v) for k, v in message["headers"] if k.lower() not in (b"x-total-count", b"content-range")
                ]
                announced = {"none": None, "wrong": b"1", "huge": b"1000000000"}[self.count]
                if announced is not None:
                    headers.append((b"x-total-count", announced))
                message = {**message, "headers": headers}
            await send(message)

        return lying


@dataclass
class EndlessList:
    """ASGI middleware whose ``/utilisateurs`` never ends: every page is full of users never seen, and 206.

    Everything else is the app behind it. It counts the pages it served.
    """

    app: ASGIApp
    requests: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/utilisateurs":
            await self.app(scope, receive, send)
            return
        self.requests += 1
        params = dict(parse_qsl(scope["query_string"].decode()))
        offset, limit = int(params.get("offset", "0")), int(params.get("limit", "20"))
        body = json.dumps([{"id": 1_000_000 + n} for n in range(offset, offset + limit)]).encode()
        await send({"type": "http.response.start", "status": 206, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})


@dataclass
class FixedAnswer:
    """ASGI middleware answering GET ``path`` with ``body`` (200, as JSON), whatever the app behind it holds."""

    app: ASGIApp
    path: str
    body: bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": self.body})


async def _problem(send: Send, status: int, title: str) -> None:
    body = json.dumps({"type": "about:blank", "title": title, "status": status}).encode()
    headers = [(b"content-type", b"application/problem+json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@contextmanager
def raw_server(handler: Handler, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """A bare TCP (or TLS) server on 127.0.0.1 running ``handler`` per connection, in a thread; yields its port."""
    loop = asyncio.new_event_loop()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    started = threading.Event()
    server: list[Any] = []

    async def serve() -> None:
        server.append(await asyncio.start_server(handler, sock=sock, ssl=tls))
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(serve(), loop)
    if not started.wait(START_TIMEOUT_S):
        raise RuntimeError("the raw server did not start")
    try:
        yield port
    finally:

        async def stop() -> None:
            server[0].close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)


async def read_request_head(reader: asyncio.StreamReader) -> bytes:
    """The request line and headers (the tests' requests are GETs: no body to read)."""
    return await reader.readuntil(b"\r\n\r\n")
