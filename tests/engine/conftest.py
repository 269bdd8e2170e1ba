"""Fixtures of the engine's end-to-end tests: the CLI in-process, the example, a real sandbox server."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from o2s_config.cli import main
from o2s_config.sandbox.embedded import embedded_client

REPO = Path(__file__).resolve().parents[2]
SERVER_TOKEN = "e2e-static-token"
START_TIMEOUT = 20.0


@dataclass
class Tenant:
    """A target string and how to reach it directly (to make changes by hand, as an admin would)."""

    target: str
    env: dict[str, str]
    url: str | None = None

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        """One request to the tenant's API, as an administrator changing it by hand."""
        if self.url is not None:
            headers = {"Authorization": f"Bearer {SERVER_TOKEN}"}
            with httpx.Client(base_url=self.url, headers=headers) as client:
                return client.request(method, path, **options)

        async def embedded() -> httpx.Response:
            async with embedded_client(self.target.removeprefix("sandbox:")) as client:
                return await client.request(method, path, **options)

        return asyncio.run(embedded())

    def users(self) -> list[dict[str, Any]]:
        """Every user of the tenant (one page is enough for the tests' tenants)."""
        return list(self.request("GET", "/utilisateurs", params={"limit": 1000}).json())

    def user_id(self, login: str) -> int:
        return next(int(u["id"]) for u in self.users() if u["ext"]["login"] == login)

    def cli(self, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        """Run ``o2s-config ARGS --target T`` in-process."""
        command = [*args]
        if args and args[0] in ("plan", "apply", "export"):
            command += ["--target", self.target]
        return CliRunner().invoke(main, command, env={**self.env, **(env or {})}, input=input, catch_exceptions=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the examples folder (the example's templates and logos travel with it)."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path / "examples" / "organisation.yaml"


def start_server(db: Path, *options: str) -> Iterator[str]:
    """``o2s-config sandbox serve`` on 127.0.0.1 in a child process; yields its URL, stops it after."""
    port = free_port()
    command = [sys.executable, "-m", "o2s_config", "sandbox", "serve", "--db", str(db), "--host", "127.0.0.1"]
    command += ["--port", str(port), "--token", SERVER_TOKEN, *options]
    process = subprocess.Popen(command, cwd=db.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sandbox serve exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            httpx.get(f"{url}/ext/v1/revision", headers={"Authorization": f"Bearer {SERVER_TOKEN}"}, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("sandbox serve did not start in time")


def served(tmp_path: Path, *options: str) -> Iterator[Tenant]:
    for url in start_server(tmp_path / "served.db", *options):
        yield Tenant(target=url, env={"O2S_TOKEN": SERVER_TOKEN, "O2S_TARGET": "", "NO_COLOR": "1"}, url=url)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Tenant]:
    """A real ``sandbox serve`` over HTTP."""
    yield from served(tmp_path)


@pytest.fixture(params=["embedded", "server"])
def tenant(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tenant]:
    """Each end-to-end test runs on the embedded default and on a real server."""
    if request.param == "embedded":
        yield Tenant(target=f"sandbox:{tmp_path / 'tenant.db'}", env={"O2S_TARGET": "", "NO_COLOR": "1"})
    else:
        yield from served(tmp_path)
