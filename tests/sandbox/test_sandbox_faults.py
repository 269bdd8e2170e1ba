"""Faults on demand: 503 with Retry-After, 429 beyond the rate limit, latency, reproducible draws.

A faulty server and a healthy one share a tenant file, so the healthy one can show that a
faulted write left nothing behind.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from sandbox_harness import Server, assert_problem, new_user


def test_fail_rate_answers_503_and_writes_nothing(fresh: Callable[..., Server], tmp_path: Path) -> None:
    healthy = fresh(tmp_path / "shared.db")
    faulty = fresh(tmp_path / "shared.db", fail_rate=1.0, seed=1)
    before = healthy.client().get("/ext/v1/revision").json()["revision"]
    response = new_user(faulty.client(), login="never")
    assert_problem(response, 503, "unavailable")
    assert response.headers["retry-after"] == "1"
    assert healthy.client().get("/ext/v1/revision").json()["revision"] == before
    assert healthy.client().get("/utilisateurs", params={"refext": "x:never"}).json() == []
    assert all(
        u["ext"]["login"] != "never" for u in healthy.client().get("/utilisateurs", params={"limit": 1000}).json()
    )


def test_the_same_seed_draws_the_same_faults(fresh: Callable[..., Server]) -> None:
    runs = []
    for _ in range(2):
        client = fresh(fail_rate=0.5, seed=42).client()
        runs.append([client.get("/ext/v1/revision").status_code for _ in range(30)])
    assert runs[0] == runs[1]
    assert set(runs[0]) == {200, 503}


def test_rate_limit_answers_429_with_retry_after(fresh: Callable[..., Server]) -> None:
    client = fresh(rate_limit=2).client()
    statuses = []
    for _ in range(10):
        response = client.get("/ext/v1/revision")
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert_problem(response, 429, "rate-limited")
            assert response.headers["retry-after"] == "1"
    assert 429 in statuses and 200 in statuses


def test_rate_limited_writes_leave_nothing(fresh: Callable[..., Server], tmp_path: Path) -> None:
    healthy = fresh(tmp_path / "shared.db")
    limited = fresh(tmp_path / "shared.db", rate_limit=1).client()
    answers = [new_user(limited, login=f"rl{index}").status_code for index in range(6)]
    assert 429 in answers
    logins = {u["ext"]["login"] for u in healthy.client().get("/utilisateurs", params={"limit": 1000}).json()}
    assert {f"rl{index}" for index, status in enumerate(answers) if status == 201} == logins - {"admin"}


def test_latency_delays_every_request(fresh: Callable[..., Server]) -> None:
    client = fresh(latency_ms=300).client()
    started = time.monotonic()
    assert client.get("/ext/v1/revision").status_code == 200
    # a lower bound only: the injected delay is the behaviour under test, not the server's speed
    assert time.monotonic() - started >= 0.3
