"""The embedded target: the same app in-process through httpx's ASGI transport."""

from __future__ import annotations

import asyncio
from pathlib import Path

from o2s_config.sandbox.embedded import embedded_client


def test_embedded_client_reads_and_writes_a_tenant_file(tmp_path: Path) -> None:
    db = tmp_path / ".o2s" / "sandbox.db"

    async def scenario() -> tuple[int, str, int]:
        async with embedded_client(db) as client:
            me = await client.get("/utilisateurs/myself")
            created = await client.post("/agences", json={"code": "paris", "nom": "Agence Paris"})
            return me.status_code, me.json()["ext"]["login"], created.status_code

    assert asyncio.run(scenario()) == (200, "admin", 201)
    assert db.exists()

    async def reopen() -> list[str]:
        async with embedded_client(db) as client:
            return [s["code"] for s in (await client.get("/agences")).json()]

    assert asyncio.run(reopen()) == ["siege", "paris"]
