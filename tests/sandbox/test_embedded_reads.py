"""The embedded target's direct reads: the same answers as the sandbox app's, without building it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.backends.tenant import read_tenant
from o2s_config.cli import main
from o2s_config.sandbox.app import create_app
from o2s_config.sandbox.embedded import DIRECT_READS, EmbeddedTransport

REPO = Path(__file__).resolve().parents[2]
TOKEN = "direct-reads-token"
# every read served directly, then the queries it leaves to the app
REQUESTS: list[tuple[str, dict[str, str]]] = [(path, {}) for path in DIRECT_READS] + [
    ("/utilisateurs", {"limit": "3", "offset": "2"}),
    ("/utilisateurs", {"limit": "1000"}),
    ("/agences", {"limit": "1", "offset": "1"}),
    ("/utilisateurs", {"limit": "0"}),  # 422
    ("/utilisateurs", {"limit": "1001"}),  # 422
    ("/utilisateurs", {"limit": "x"}),  # 422
    ("/utilisateurs", {"limit": "٣"}),  # an Arabic-Indic digit: not a number the API takes
    ("/agences", {"offset": "-1"}),  # 422
    ("/utilisateurs", {"refext": "o2s-config:admin"}),  # a filter: served by the app
    ("/ext/v1/capabilities", {"x": "1"}),
    ("/ext/v1/revision", {}),  # not a plan's read: the app's
    ("/ext/v1/nowhere", {}),  # 404
]


@pytest.fixture(scope="module")
def tenant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tenant holding the example organisation (every kind has members)."""
    db = tmp_path_factory.mktemp("direct") / "tenant.db"
    applied = CliRunner().invoke(
        main,
        ["apply", str(REPO / "examples" / "organisation.yaml"), "--target", f"sandbox:{db}", "--auto-approve"],
        env={"NO_COLOR": "1"},
        catch_exceptions=False,
    )
    assert applied.exit_code == 0, applied.output
    return db


def _answers(transport: httpx.AsyncBaseTransport, token: str) -> list[tuple[int, list[tuple[str, str]], bytes]]:
    async def ask() -> list[tuple[int, list[tuple[str, str]], bytes]]:
        found = []
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as client:
            for path, params in REQUESTS:
                answer = await client.get(path, params=params)
                found.append((answer.status_code, sorted(answer.headers.multi_items()), answer.content))
        return found

    return asyncio.run(ask())


@pytest.mark.parametrize("token", [TOKEN, "a-wrong-token"])
def test_direct_reads_answer_what_the_app_answers(tenant: Path, token: str) -> None:
    direct = _answers(EmbeddedTransport(tenant, TOKEN), token)
    app = _answers(httpx.ASGITransport(app=create_app(tenant, token=TOKEN)), token)
    for (path, params), mine, theirs in zip(REQUESTS, direct, app, strict=True):
        assert mine == theirs, f"GET {path} {params}"
    statuses = {status for status, _, _ in direct}
    # a wrong token is refused everywhere but at a path no route serves (404 comes first, as on the app)
    assert statuses == ({401, 404} if token != TOKEN else {200, 206, 404, 422})


def test_a_plan_reads_the_tenant_without_building_the_app(tenant: Path) -> None:
    async def read() -> tuple[int, EmbeddedTransport]:
        async with O2SClient(resolve_target(f"sandbox:{tenant}"), None) as client:
            state = await read_tenant(client)
            transport = client._http._transport
            assert isinstance(transport, EmbeddedTransport)
            return len(state.organisation.users or {}), transport

    users, transport = asyncio.run(read())
    assert users > 1
    assert transport._app is None


def test_a_write_builds_the_app_once_and_shares_the_tenant(tenant: Path, tmp_path: Path) -> None:
    transport = EmbeddedTransport(tenant, TOKEN)

    async def write_then_read() -> list[str]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://t", headers=headers) as client:
            created = await client.post("/agences", json={"code": "direct-reads", "nom": "Agence test"})
            assert created.status_code == 201
            listed = await client.get("/agences", params={"limit": "1000"})
            return [structure["code"] for structure in listed.json()]

    assert "direct-reads" in asyncio.run(write_then_read())
    assert transport._app is not None
