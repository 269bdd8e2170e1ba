"""Published-only tenants for end-to-end tests: embedded (``sandbox+published:``) and served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from click.testing import CliRunner, Result

from o2s_config.cli import main
from o2s_config.sandbox.embedded import embedded_client
from tests.reliability.conftest import TOKEN, start_server, stop_server

REPO = Path(__file__).resolve().parents[2]
PLAN_SCHEMA = json.loads((REPO / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))


@dataclass
class PublishedTenant:
    """A published-only target, and its database (to look at it in full, as a rehearsal's inspector does)."""

    target: str
    db: Path
    env: dict[str, str]

    def cli(self, *args: str, target: bool = True) -> Result:
        """``o2s-config ARGS [--target T]`` in-process."""
        command = [*args, *(["--target", self.target] if target else [])]
        clean = {name: "" for name in os.environ if name.startswith("O2S_")}
        env = {**clean, "NO_COLOR": "1", "O2S_ACK_BY": "test", **self.env}
        return CliRunner().invoke(main, command, env=env, catch_exceptions=False)

    def plan_json(self, file: Path) -> dict[str, Any]:
        result = self.cli("plan", str(file), "--format", "json")
        assert result.exit_code == 0, result.output + result.stderr
        document: dict[str, Any] = json.loads(result.stdout)
        jsonschema.validate(document, PLAN_SCHEMA)  # adopt and manual steps keep to the published contract
        return document

    def full_users(self) -> list[dict[str, Any]]:
        """Every user as the full sandbox shows the same file: with his login and external references."""

        async def read() -> list[dict[str, Any]]:
            async with embedded_client(str(self.db)) as client:
                answer = await client.get("/utilisateurs", params={"limit": 1000})
                found: list[dict[str, Any]] = answer.json()
                return found

        return asyncio.run(read())


def seed_people(db: Path, count: int) -> list[dict[str, Any]]:
    """``o2s-config sandbox seed --people COUNT --json``: the people a firm already has."""
    result = CliRunner().invoke(main, ["sandbox", "seed", "--people", str(count), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.stderr
    people: list[dict[str, Any]] = json.loads(result.stdout)
    return people


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the examples folder (the acknowledgement file is written next to it)."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    return tmp_path / "examples" / "organisation.yaml"


@pytest.fixture(params=["embedded", "served"])
def published(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[PublishedTenant]:
    """A fresh published-only tenant, embedded or served by ``sandbox serve --api published``."""
    db = tmp_path / "tenant.db"
    if request.param == "embedded":
        yield PublishedTenant(f"sandbox+published:{db}", db, {})
        return
    server = start_server(db, "--api", "published")
    try:
        yield PublishedTenant(server.url, db, {"O2S_TOKEN": TOKEN})
    finally:
        stop_server(server)


def grant(url: str, form: dict[str, str]) -> str:
    """A token from the published token endpoint."""
    from o2s_config.sandbox.app import TOKEN_PATH

    answer = httpx.post(url + TOKEN_PATH, data={"grant_type": "password", **form}, timeout=10)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])
