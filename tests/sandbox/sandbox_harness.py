"""Real sandbox servers for the tests: uvicorn on 127.0.0.1, a free port, bounded start, clean stop."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from o2s_config.sandbox.app import create_app
from o2s_config.sandbox.auth import Credentials
from o2s_config.sandbox.process import listen

START_TIMEOUT = 10.0
TOKEN = "test-static-token"
# A sandbox started with CREDENTIALS grants a token to GRANT, the password-grant form of the same
CREDENTIALS = Credentials("o2s-config", "client-secret", "admin", "s3cret")
GRANT = {
    "grant_type": "password",
    "client_id": "o2s-config",
    "client_secret": "client-secret",
    "username": "admin",
    "password": "s3cret",
}


@dataclass
class Server:
    """A sandbox served over real HTTP from a thread of the test process."""

    url: str
    db: Path
    token: str
    _server: uvicorn.Server
    _thread: threading.Thread
    _clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None, auth: bool = True) -> httpx.Client:
        """An HTTP client on this server, carrying the static token unless told otherwise."""
        headers = {"Authorization": f"Bearer {token or self.token}"} if auth else {}
        client = httpx.Client(base_url=self.url, headers=headers, timeout=30)
        self._clients.append(client)
        return client

    @property
    def app(self) -> Any:
        """The served application (to reach its state from a test, e.g. its token authority)."""
        return self._server.config.app

    def stop(self) -> None:
        for client in self._clients:
            client.close()
        self._server.should_exit = True
        self._thread.join(timeout=START_TIMEOUT)


def start_server(db: Path, **options: Any) -> Server:
    """Serve a sandbox on ``db`` and wait (bounded) until it answers."""
    options.setdefault("token", TOKEN)
    app = create_app(db, **options)
    sock = listen("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            raise RuntimeError("the sandbox server did not start in time")
        time.sleep(0.01)
    return Server(f"http://127.0.0.1:{port}", db, options["token"], server, thread)


def unique(prefix: str = "u") -> str:
    """A name no other test uses (tests share the session's tenant)."""
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def new_user(client: httpx.Client, structure: str = "siege", **ext: Any) -> httpx.Response:
    """POST a user given by model fields; unique login and e-mail unless given."""
    login = ext.pop("login", None) or unique("user")
    body = {"login": login, "last_name": "Martin", "email": f"{login}@exemple.fr", "structure": structure, **ext}
    return client.post("/utilisateurs", json={"ext": body})


def new_structure(client: httpx.Client) -> dict[str, Any]:
    """A fresh structure (its published JSON)."""
    response = client.post("/agences", json={"code": unique("s"), "nom": "Agence de test"})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_problem(response: httpx.Response, status: int, kind: str, field: str | None = None) -> dict[str, Any]:
    """The response is Problem JSON with this status, type and (when given) field."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:o2s:problem:{kind}"
    assert body["status"] == status
    assert body["title"] and body["detail"]
    if field is not None:
        assert body.get("field") == field, body
    return body
