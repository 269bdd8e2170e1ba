"""A small fake of the GitHub and GitLab comment APIs, served on 127.0.0.1 for the CI kit's tests."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LIST = re.compile(r"^(?:/repos/[^/]+/[^/]+/issues/\d+/comments|/api/v4/projects/[^/]+/merge_requests/\d+/notes)$")
ITEM = re.compile(r"^(?:/repos/[^/]+/[^/]+/issues/comments|/api/v4/projects/[^/]+/merge_requests/\d+/notes)/(\d+)$")


@dataclass
class Forge:
    """What the fake holds and saw."""

    url: str = ""
    comments: dict[int, dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # method, path, headers
    refuse_writes: bool = False  # as a read-only token of a fork's pull request

    def add(self, body: str) -> int:
        ident = len(self.comments) + 1
        self.comments[ident] = {"id": ident, "body": body}
        return ident


def _handler(forge: Forge) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            loaded: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
            return loaded

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            forge.requests.append((self.command, parts.path, dict(self.headers)))
            if self.command != "GET" and forge.refuse_writes:
                self._answer(403, {"message": "Resource not accessible by integration"})
                return
            if LIST.match(parts.path) and self.command == "GET":
                query = parse_qs(parts.query)
                size, page = int(query["per_page"][0]), int(query["page"][0])
                items = sorted(forge.comments.values(), key=lambda c: c["id"])
                self._answer(200, items[(page - 1) * size : page * size])
            elif LIST.match(parts.path) and self.command == "POST":
                ident = forge.add(self._body()["body"])
                self._answer(201, forge.comments[ident])
            elif (match := ITEM.match(parts.path)) and self.command in ("PATCH", "PUT"):
                ident = int(match[1])
                forge.comments[ident]["body"] = self._body()["body"]
                self._answer(200, forge.comments[ident])
            else:
                self._answer(404, {"message": "Not Found"})

        do_GET = do_POST = do_PATCH = do_PUT = _handle

    return Handler


@contextmanager
def fake_forge() -> Iterator[Forge]:
    """A running fake on 127.0.0.1 (a free port), stopped on exit."""
    forge = Forge()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(forge))
    forge.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield forge
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
