"""A tenant or a file holding control characters: every line the CLI prints shows them escaped.

The sandbox now refuses such logins, but a real tenant may hold one: it is put in the
database directly, as another program would, and each command's output is searched.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from o2s_config.keys import folded
from tests.engine.scenarios import firm, write
from tests.reliability.cli import run_cli
from tests.reliability.conftest import Server
from tests.reliability.test_hostile_server import new_user

SPOOF = "\x1b[2K\radmin"  # erases the line and writes "admin": a second Administrateur in disguise
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_every_command_escapes_a_spoofing_login(sandbox_server: Callable[..., Server], tmp_path: Path) -> None:
    server = sandbox_server()
    with server.client() as client:
        assert client.post("/utilisateurs", json=new_user("spoof", "spoof@exemple.fr")).status_code == 201
    with sqlite3.connect(server.db) as conn:
        conn.execute("UPDATE users SET login = ?, folded = ? WHERE login = 'spoof'", (SPOOF, folded(SPOOF)))
    file = write(tmp_path, "firm", {**firm({}), "prune": {"users": True}, "safety": {"max_delete_share": 1}})
    results = {
        "plan": run_cli(server, "plan", str(file)),
        "markdown": run_cli(server, "plan", str(file), "--format", "markdown"),
        "json": run_cli(server, "plan", str(file), "--format", "json"),
        "apply": run_cli(server, "apply", str(file), "--auto-approve"),
        "export": run_cli(server, "export"),
    }
    for name, result in results.items():
        assert result.returncode == 0, (name, result.stderr)
        assert RAW.search(result.stdout + result.stderr) is None, name
    assert "~ user \\x1b[2K\\radmin" in results["plan"].stdout  # deactivated; shown, not obeyed
    assert "done: update user \\x1b[2K\\radmin" in results["apply"].stderr


def test_validate_escapes_a_login_written_with_escapes(tmp_path: Path, sandbox_server: Callable[..., Server]) -> None:
    server = sandbox_server()
    file = tmp_path / "organisation.yaml"
    file.write_text(
        'version: 1\nstructures: {siege: {name: Siège}}\nusers:\n  "\\e[2K\\radmin":\n'
        "    {last_name: X, email: x@exemple.fr, structure: siege}\n",
        encoding="utf-8",
    )
    for command in (["validate", str(file)], ["plan", str(file)]):
        result = run_cli(server, *command)
        assert "Traceback" not in result.stderr
        assert RAW.search(result.stdout + result.stderr) is None, command
