"""Ctrl-C during apply: no new change starts, those in flight finish, and the report says which is which.

``apply`` runs as a separate process against a real server that answers slowly; SIGINT is sent
once some changes are done. Whatever the report calls done is in the tenant, and nothing else.
"""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable
from pathlib import Path

from tests.engine.scenarios import firm, person, write
from tests.reliability.cli import run_cli, start_cli
from tests.reliability.conftest import Server

PEOPLE = 24
WAIT_S = 120


def _wait_for(path: Path, pattern: str, count: int) -> str:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        text = path.read_text(errors="replace") if path.exists() else ""
        if len(re.findall(pattern, text, re.MULTILINE)) >= count:
            return text
        time.sleep(0.1)
    raise AssertionError(f"never saw {count} x {pattern!r}:\n{text}")


def test_ctrl_c_stops_starting_changes_and_reports_what_was_done(
    sandbox_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = sandbox_server("--latency-ms", "300")
    logins = [f"p{n:02d}" for n in range(PEOPLE)]
    file = write(tmp_path, "firm", firm({login: person(login) for login in logins}))
    output = tmp_path / "apply.out"
    process = start_cli(server, "apply", str(file), "--auto-approve", "--parallelism", "2", output=output)
    _wait_for(output, r"^done: create user", 3)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT_S) == 1
    text = output.read_text()
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert "interrupted: no new change starts" in text
    assert "apply was interrupted (Ctrl-C)" in text and "not started:" in text
    done = set(re.findall(r"^done: create user (p\d\d)$", text, re.MULTILINE))
    not_done = set(re.findall(r"^  not done: create user (p\d\d)$", text, re.MULTILINE))
    assert done and not_done and done | not_done == set(logins) and not done & not_done
    # the changes in flight were finished, not cut: the tenant holds exactly what the report calls done
    with server.client() as client:
        held = {u["ext"]["login"] for u in client.get("/utilisateurs", params={"limit": 1000}).json()}
    assert held & set(logins) == done
    # and plan shows exactly the remainder
    remainder = run_cli(server, "plan", str(file))
    planned = set(re.findall(r"^  \+ user (p\d\d)$", remainder.stdout, re.MULTILINE))
    assert planned == not_done, remainder.stdout


def test_a_second_ctrl_c_abandons_the_changes_in_flight_cleanly(
    sandbox_server: Callable[..., Server], tmp_path: Path
) -> None:
    server = sandbox_server("--latency-ms", "800")
    file = write(tmp_path, "firm", firm({f"q{n:02d}": person(f"q{n:02d}") for n in range(6)}))
    output = tmp_path / "apply.out"
    process = start_cli(server, "apply", str(file), "--auto-approve", "--parallelism", "2", output=output)
    _wait_for(output, r"^done: create ", 1)
    process.send_signal(signal.SIGINT)
    _wait_for(output, r"^interrupted: no new change starts", 1)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT_S) == 1
    text = output.read_text()
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert "apply abandoned" in text and "run plan to see what remains" in text
