"""Manager links asked for at the same moment go in one request; each change shares its fate."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from o2s_config.apply import run_changes
from o2s_config.backends.batch import Coalescer
from o2s_config.backends.http import O2SClient
from o2s_config.backends.tenant import TenantState
from o2s_config.backends.writes import execute
from o2s_config.changes import Change
from o2s_config.model import Organisation
from tests.engine.scripted_transport import run


def link(login: str, manager: str | None, after: tuple[str, ...] = ()) -> Change:
    return Change("create", "hierarchy", login, payload={"manager": manager}, depends_on=after)


def apply_links(changes: list[Change], answer: int = 204, parallelism: int = 8) -> tuple[Any, list[dict[str, Any]]]:
    """Run ``changes`` through the writer against a tenant answering each PATCH with ``answer``."""
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("PATCH", "/ext/v1/hierarchy")
        bodies.append(json.loads(request.content)["managers"])
        if answer == 204:
            return httpx.Response(204)
        return httpx.Response(answer, json={"type": "urn:o2s:problem:validation", "title": "cycle", "status": answer})

    async def work(client: O2SClient) -> Any:
        state = TenantState(organisation=Organisation(version=1))
        return await run_changes(changes, lambda change: execute(client, state, change), parallelism)

    return run(handler, work), bodies


def test_links_started_together_are_one_request() -> None:
    changes = [link(f"u{i}", "boss") for i in range(20)]
    report, bodies = apply_links(changes, parallelism=8)
    assert [len(body) for body in bodies] == [8, 8, 4]
    assert {login: manager for body in bodies for login, manager in body.items()} == {
        f"u{i}": "boss" for i in range(20)
    }
    assert [c.key for c in report.done] == [c.key for c in changes]


def test_one_at_a_time_each_link_is_its_own_request() -> None:
    changes = [link("a", "boss"), link("b", None)]
    report, bodies = apply_links(changes, parallelism=1)
    assert bodies == [{"a": "boss"}, {"b": None}]
    assert len(report.done) == 2


def test_a_refused_batch_fails_every_change_it_carried_and_starts_no_more() -> None:
    changes = [link(f"u{i}", "boss") for i in range(12)]
    report, bodies = apply_links(changes, answer=422, parallelism=4)
    assert len(bodies) == 1  # the first batch is refused: nothing more is sent
    assert [c.key for c, _ in report.failed] == ["u0", "u1", "u2", "u3"]
    assert {str(error) for _, error in report.failed} == {str(report.failed[0][1])}
    assert report.done == [] and len(report.not_started) == 8


def test_a_batch_cancelled_before_it_is_sent_leaves_nothing_for_the_next() -> None:
    sent: list[dict[str, Any]] = []

    async def send(batch: dict[str, Any]) -> None:
        sent.append(batch)

    async def scenario() -> None:
        links = Coalescer()
        first = asyncio.create_task(links.add("a", "boss", send))
        await asyncio.sleep(0)  # "a" waits for its batch to form
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        await links.add("b", None, send)

    asyncio.run(scenario())
    assert sent == [{"b": None}]
