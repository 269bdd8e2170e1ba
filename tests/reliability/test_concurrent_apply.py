"""Two applies started together on one tenant with different files.

Every change is either made or refused with a clear conflict message (apply sends the ETag
its plan read as If-Match); no record ends up half one file and half the other, nothing is
duplicated, and a final plan of either file shows exactly where the tenant differs from it.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.reliability.cli import run_cli, start_cli
from tests.reliability.conftest import Server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ADVISORS = ["jdurand", "mmartin", "pbernard", "crobert", "nrichard", "idupont", "tlefebvre", "lpetit"]
CONFLICT = "was changed in the tenant by someone else since it was read"


def variant(folder: Path, tag: str) -> Path:
    """The example with every advisor renamed for ``tag`` and two new users of its own."""
    lines = ["version: 1", "extends: organisation.yaml", "users:"]
    for login in ADVISORS:
        lines += [f"  {login}:", f"    sender_name: Équipe {tag}", f"    first_name: Prénom {tag}"]
    for n in (1, 2):
        login = f"{tag.lower()}{n}"
        lines += [
            f"  {login}:",
            f"    last_name: Nouveau {tag}{n}",
            f"    email: {login}@dubois-patrimoine.fr",
            "    structure: paris",
            "    profile: Conseiller",
        ]
    # the new users stay outside the tree: this variant lifts the example's rule that attaches every advisor
    lines += ["policies:", "  advisors_have_manager: false"]
    path = folder / f"variant-{tag}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tenant_users(server: Server) -> list[dict[str, Any]]:
    with server.client() as client:
        return [u["ext"] for u in client.get("/utilisateurs", params={"limit": 1000}).json()]


def planned_changes(server: Server, file: Path) -> set[tuple[str, str, str]]:
    result = run_cli(server, "plan", str(file), "--format", "json")
    assert result.returncode == 0, result.stderr
    return {(c["action"], c["resource"], c["key"]) for c in json.loads(result.stdout)["changes"]}


def test_two_applies_at_once_lose_nothing(sandbox_server: Callable[..., Server], tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    server = sandbox_server("--latency-ms", "25")
    base = run_cli(server, "apply", str(folder / "organisation.yaml"), "--auto-approve")
    assert base.returncode == 0, base.stdout + base.stderr
    files = {tag: variant(folder, tag) for tag in ("A", "B")}

    runs = {
        tag: start_cli(server, "apply", str(f), "--auto-approve", output=tmp_path / f"{tag}.log")
        for tag, f in files.items()
    }
    for run in runs.values():
        run.wait(timeout=180)
    for tag, run in runs.items():
        output = (tmp_path / f"{tag}.log").read_text(encoding="utf-8")
        assert run.returncode in (0, 1), output
        assert "Traceback" not in output
        if run.returncode == 1:
            assert CONFLICT in output, output  # refused, and said why

    users = tenant_users(server)
    assert not [login for login, n in Counter(u["login"] for u in users).items() if n > 1]
    by_login = {u["login"]: u for u in users}
    holder: dict[str, str] = {}
    for login in ADVISORS:
        user = by_login[login]
        sender, first = user["sender_name"], user["first_name"]
        assert sender in ("Équipe A", "Équipe B", None), sender
        if sender is not None:  # each record is one file's version as a whole, never a mix
            tag = sender[-1]
            assert first == f"Prénom {tag}", (login, sender, first)
            holder[login] = tag

    for tag, file in files.items():
        other = "B" if tag == "A" else "A"
        expected = {("update", "user", login) for login in ADVISORS if holder.get(login) != tag}
        expected |= {("create", "user", f"{tag.lower()}{n}") for n in (1, 2) if f"{tag.lower()}{n}" not in by_login}
        assert planned_changes(server, file) == expected, f"plan of {tag} (tenant holds {other} for some)"
