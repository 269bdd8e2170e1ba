"""An apply killed with SIGKILL part-way leaves a tenant that a second apply completes exactly."""

from __future__ import annotations

import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx

from tests.reliability.cli import run_cli, start_cli
from tests.reliability.conftest import Server

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from synthetic import organisation_yaml  # noqa: E402

USERS = 300
KILL_AFTER_WRITES = 120  # well inside the ~600 writes the first apply needs
WAIT_S = 120.0


def revision(server: Server) -> int:
    with server.client() as client:
        return int(client.get("/ext/v1/revision").json()["revision"])


def logins(server: Server) -> list[str]:
    found: list[str] = []
    with server.client() as client:
        offset = 0
        while True:
            page = client.get("/utilisateurs", params={"limit": 1000, "offset": offset})
            found += [u["ext"]["login"] for u in page.json()]
            offset += len(page.json())
            if page.status_code == 200:
                return found


def test_second_apply_completes_a_killed_one(sandbox_server: Callable[..., Server], tmp_path: Path) -> None:
    # latency keeps the first apply busy long enough to be killed in the middle
    server = sandbox_server("--latency-ms", "5")
    file = tmp_path / "organisation.yaml"
    file.write_text(organisation_yaml(USERS), encoding="utf-8")
    start = revision(server)

    first = start_cli(server, "apply", str(file), "--auto-approve", output=tmp_path / "first.log")
    deadline = time.monotonic() + WAIT_S
    while revision(server) < start + KILL_AFTER_WRITES and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.poll() is None, "the first apply ended before it could be killed: raise USERS or the latency"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL

    partial = logins(server)
    assert 1 < len(partial) < USERS + 1, "the kill should land part-way"

    second = run_cli(server, "apply", str(file), "--auto-approve")
    assert second.returncode == 0, second.stdout + second.stderr

    final = run_cli(server, "plan", str(file), "--detailed-exitcode")
    assert final.returncode == 0, final.stdout + final.stderr  # the tenant matches the file exactly
    everyone = logins(server)
    assert not [login for login, n in Counter(everyone).items() if n > 1], "duplicate users"
    expected = {f"u{i:06d}" for i in range(USERS)} | {"admin"}
    assert set(everyone) == expected
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {server.token}"}) as client:
        emails = [u["ext"]["email"] for u in client.get("/utilisateurs", params={"limit": 1000}).json()]
    assert len(emails) == len(set(emails)) == USERS + 1
