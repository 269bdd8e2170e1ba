"""A bound on request bodies: anything larger is refused (413) before it reaches an endpoint."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from o2s_config.sandbox.problems import ProblemError, problem_response

MAX_BODY_BYTES = 1024 * 1024  # far above any resource of a tenant (a user is ~1 KB, a profile ~2 KB)
# an oversized body is still read (and dropped) up to here, so the client can read the 413 cleanly
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024


class BodyLimitMiddleware:
    """ASGI middleware: buffers the body (up to ``limit``) and hands it on, or answers 413."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break  # the client went away: let the app see it
            size += len(message.get("body", b""))
            if size <= self.limit:
                chunks.append(message.get("body", b""))
            more = bool(message.get("more_body")) and size <= DRAIN_LIMIT_BYTES
        if size > self.limit:
            problem = ProblemError("too-large", f"the request body is over {self.limit} bytes")
            await problem_response(problem, scope.get("path"))(scope, receive, send)
            return
        await self.app(scope, _replay(b"".join(chunks), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` giving the buffered body once, then the client's own messages."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
