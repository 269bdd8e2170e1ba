"""Concurrent writers, from two server processes on one tenant file, lose nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sandbox_harness import Server, assert_problem, new_user

from o2s_config.sandbox import store
from o2s_config.sandbox.process import served

TOKEN = "two-process-token"
WRITES_PER_PROCESS = 40


@contextmanager
def serve_process(db: Path) -> Iterator[httpx.Client]:
    """``o2s-config sandbox serve`` in its own process, and a client of it."""
    with (
        served(db, TOKEN) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30) as client,
    ):
        yield client


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with serve_process(db) as first, serve_process(db) as second:
        start = first.get("/ext/v1/revision").json()["revision"]
        jobs = [
            (client, f"{name}{index}")
            for index in range(WRITES_PER_PROCESS)
            for client, name in ((first, "p1-"), (second, "p2-"))
        ]
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda job: new_user(job[0], login=job[1]).status_code, jobs))
        assert statuses == [201] * len(jobs)
        for client in (first, second):
            users = client.get("/utilisateurs", params={"limit": 1000}).json()
            assert {u["ext"]["login"] for u in users} == {"admin"} | {login for _, login in jobs}
            assert client.get("/ext/v1/revision").json()["revision"] == start + len(jobs)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_conditional_writers_racing_on_one_user_have_exactly_one_winner(api: httpx.Client) -> None:
    user = new_user(api).json()
    url, etag = f"/utilisateurs/{user['id']}", user["ext"]["etag"]

    def write(n: int) -> int:
        return api.put(url, json={"ext": {"sender_name": f"n{n}"}}, headers={"If-Match": etag}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(write, range(24)))
    assert sorted(statuses) == [204] + [412] * 23
    winner = statuses.index(204)
    assert api.get(url).json()["ext"]["sender_name"] == f"n{winner}"


def test_a_tenant_locked_too_long_answers_503_and_writes_nothing(
    fresh: Callable[..., Server], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "BUSY_TIMEOUT_MS", 200)
    db = tmp_path / "locked.db"
    api = fresh(db).client()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock
    try:
        response = new_user(api, login="blocked")
        assert_problem(response, 503, "unavailable")
        assert response.headers["retry-after"] == "1"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert all(u["ext"]["login"] != "blocked" for u in api.get("/utilisateurs").json())
    assert new_user(api, login="blocked").status_code == 201
