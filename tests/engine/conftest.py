"""Fixtures of the engine's end-to-end tests: the CLI in-process, the example, a real sandbox server."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from o2s_config.cli import main
from o2s_config.sandbox.embedded import embedded_client
from tests.reliability.conftest import TOKEN as SERVER_TOKEN
from tests.reliability.conftest import start_server, stop_server

REPO = Path(__file__).resolve().parents[2]


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


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the examples folder (the example's templates and logos travel with it)."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path / "examples" / "organisation.yaml"


def served(tmp_path: Path, *options: str) -> Iterator[Tenant]:
    """``o2s-config sandbox serve`` on 127.0.0.1 (started as the reliability suite starts it), stopped after."""
    server = start_server(tmp_path / "served.db", *options)
    try:
        yield Tenant(
            target=server.url, env={"O2S_TOKEN": SERVER_TOKEN, "O2S_TARGET": "", "NO_COLOR": "1"}, url=server.url
        )
    finally:
        stop_server(server)


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
