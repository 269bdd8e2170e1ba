"""The embedded ``sandbox+published:PATH`` target: the one client, the published answers, the token path."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from published_helpers import USER_KEYS, person
from sandbox_harness import Server

from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from o2s_config.errors import ApiError, TargetUnreachableError
from o2s_config.sandbox.people import seed_people
from o2s_config.sandbox.store import Store

# requests asked of both faces of the same tenant: their answers must be the same
PROBES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/utilisateurs", None),
    ("GET", "/utilisateurs?limit=7&offset=3", None),
    ("GET", "/utilisateurs?offset=20", None),
    ("GET", "/utilisateurs?agenceId=2&limit=100", None),
    ("GET", "/utilisateurs?responsableId=2", None),
    ("GET", "/utilisateurs/5", None),
    ("GET", "/utilisateurs/5/responsable", None),
    ("GET", "/utilisateurs/myself", None),
    ("GET", "/agences", None),
    ("GET", "/profils", None),
    ("GET", "/utilisateurs/999", None),
    ("GET", "/ext/v1/capabilities", None),
    ("GET", "/utilisateurs?limit=0", None),
    ("PUT", "/utilisateurs/5/statut", {"statut": "INACTIVE"}),
    ("POST", "/agences", {"code": "paris", "nom": "Doublon"}),
]


def _seeded(path: Path) -> Path:
    store = Store(path)
    seed_people(store, 30)
    store.close()
    return path


async def _embedded_answers(target: str) -> list[tuple[int, Any]]:
    answers = []
    async with O2SClient(resolve_target(target), None) as client:
        for method, path, body in PROBES:
            try:
                response = await client.request(method, path, json=body)
            except ApiError as refused:
                answers.append((refused.status, refused.problem))
                continue
            answers.append((response.status_code, response.json() if response.content else None))
    return answers


def test_the_target_string_selects_the_published_face() -> None:
    assert resolve_target("sandbox+published:.o2s/t.db").api == "published"
    assert resolve_target("sandbox+published:.o2s/t.db").database == Path(".o2s/t.db")
    assert resolve_target("sandbox:.o2s/t.db").api == "full"
    with pytest.raises(TargetUnreachableError, match="sandbox\\+published:"):
        resolve_target("sandbox+published:")


def test_the_one_client_reads_and_writes_the_published_face(tmp_path: Path) -> None:
    target = f"sandbox+published:{tmp_path / 'tenant.db'}"

    async def scenario() -> dict[str, Any]:
        async with O2SClient(resolve_target(target), None) as client:
            me = await client.get("/utilisateurs/myself")
            sent_for_me = client.requests  # the token request, then the read
            created = (await client.request("POST", "/utilisateurs", json=person())).json()
            page = await client.request("GET", "/utilisateurs", params={"limit": 1})
            capabilities = await client.get("/ext/v1/capabilities", missing_ok=True)
            with pytest.raises(ApiError) as refused:
                await client.get("/ext/v1/profiles")
            return {
                "me": me,
                "sent": sent_for_me,
                "created": created,
                "page": (page.status_code, len(page.json())),
                "capabilities": capabilities,
                "refused": refused.value.status,
            }

    seen = asyncio.run(scenario())
    assert set(seen["me"]) == USER_KEYS and seen["me"]["id"] == 1
    assert seen["sent"] == 2  # no static token: the client asked the token endpoint first
    assert set(seen["created"]) == USER_KEYS
    assert seen["page"] == (206, 1)
    assert seen["capabilities"] is None and seen["refused"] == 404


def test_embedded_and_served_answer_alike(tmp_path: Path, fresh: Callable[..., Server]) -> None:
    embedded_db = _seeded(tmp_path / "embedded.db")
    served_db = tmp_path / "served.db"
    shutil.copy(embedded_db, served_db)
    embedded = asyncio.run(_embedded_answers(f"sandbox+published:{embedded_db}"))
    client = fresh(db=served_db, api="published").client()
    served = []
    for method, path, body in PROBES:
        response: httpx.Response = client.request(method, path, json=body)
        served.append((response.status_code, response.json() if response.content else None))
    statuses = [206, 206, 200, 200, 200, 200, 200, 200, 200, 200, 404, 404, 422, 204, 409]
    assert [status for status, _ in embedded] == statuses
    assert embedded == served
