"""A served tenant whose database cannot be used: messages say what happened.

A database locked by another program is "locked", not a timeout after minutes; a full disk is a
Problem JSON answer (507) and a line in the server's log, not a bare 500; the CLI says both.
"""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.engine.scenarios import firm, person, write
from tests.reliability.cli import run_cli
from tests.reliability.conftest import Server
from tests.reliability.test_hostile_server import assert_problem, new_user


def test_a_locked_served_tenant_says_locked(sandbox_server: Callable[..., Server], tmp_path: Path) -> None:
    """Another program holds the tenant's write lock: apply's writes are told "locked", reads still work."""
    server = sandbox_server()
    file = write(tmp_path, "firm", firm({"waiting": person("waiting")}))
    holder = sqlite3.connect(server.db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE meta SET value = value WHERE key = 'revision'")
        started = time.monotonic()
        result = run_cli(server, "apply", str(file), "--auto-approve", O2S_DEADLINE="30")
        took = time.monotonic() - started
    finally:
        holder.close()
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "Plan: " in result.stdout  # the reads went through
    assert "locked" in result.stderr, result.stderr
    assert "did not answer" not in result.stderr and "no answer" not in result.stderr
    assert took < 90  # before: read timeouts of 30 s, retried, reported as "did not answer"
    assert "database error" in server.log_text()  # the server's administrator is told too


def _fill(client: httpx.Client, limit: int = 400) -> httpx.Response:
    """Create users until the tenant refuses one; that answer."""
    for number in range(limit):
        answer = client.post("/utilisateurs", json=new_user(f"fill{number}", f"fill{number}@exemple.fr"))
        if answer.status_code != 201:
            return answer
    raise AssertionError(f"{limit} users fitted: the disk never filled")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB file system (tmpfs), where mounting one is allowed; skipped elsewhere."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, check=False, timeout=30)


def test_a_full_disk_is_a_problem_answer_and_a_log_line(
    sandbox_server: Callable[..., Server], small_disk: Path, tmp_path: Path
) -> None:
    server = sandbox_server(db=small_disk / "tenant.db")
    with server.client() as client:
        refused = _fill(client)
        problem = assert_problem(refused, 507)
        assert "disk is full" in str(problem["detail"])
        assert client.get("/utilisateurs").status_code in (200, 206)  # reads still answer
    assert "disk is full" in server.log_text()
    file = write(tmp_path, "firm", firm({"late": person("late")}))
    result = run_cli(server, "apply", str(file), "--auto-approve")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "disk is full" in result.stderr


def test_a_file_size_limit_is_a_problem_answer_and_a_log_line(sandbox_server: Callable[..., Server]) -> None:
    """Where no small disk can be mounted: the process may not grow a file past 300 KB (disk I/O error)."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    server = sandbox_server(preexec=limited)
    with server.client() as client:
        refused = _fill(client, limit=2000)
        problem = assert_problem(refused, 500)
        assert "disk I/O error" in str(problem["detail"])
    assert "database error" in server.log_text()
