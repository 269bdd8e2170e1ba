"""Soak: 30 rounds of random drift made through the API, each followed by apply, under injected faults.

After every round the plan is empty: whatever an administrator changed by hand, and whatever
requests the tenant dropped, apply brings the tenant back to the file.
"""

from __future__ import annotations

import random
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.reliability.cli import run_cli
from tests.reliability.conftest import Server

ROUNDS = 30
SEED = 20261128
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROFILES = ("Conseiller", "Back-office", "Conseiller junior")
RETRY_LIMIT = 40  # the drift's own requests face the same faults; each is retried at most this often


def call(client: httpx.Client, method: str, path: str, **options: Any) -> httpx.Response:
    """One request of the drift, retried while the server injects a fault (503/429)."""
    for _ in range(RETRY_LIMIT):
        response = client.request(method, path, **options)
        if response.status_code not in (429, 503):
            return response
        time.sleep(0.05)
    raise AssertionError(f"{method} {path}: still faulted after {RETRY_LIMIT} tries")


def users(client: httpx.Client) -> list[dict[str, Any]]:
    return list(call(client, "GET", "/utilisateurs", params={"limit": 1000}).json())


def drift(client: httpx.Client, rng: random.Random) -> str:
    """One change an administrator could make by hand, on something the file manages."""
    managed = [u for u in users(client) if u["ext"]["login"] != "admin"]
    victim = rng.choice(managed)
    uid, ext = victim["id"], victim["ext"]
    kind = rng.choice(["name", "structure", "profile", "manager", "right", "service", "title"])
    if kind == "manager" and ext["manager"] is None:
        kind = "name"
    if kind == "name":
        update(client, uid, last_name=f"{ext['last_name']} {rng.randint(0, 999)}")
    elif kind == "structure":
        update(client, uid, structure="lyon" if ext["structure"] == "paris" else "paris")
    elif kind == "profile":
        update(client, uid, profile=rng.choice([p for p in PROFILES if p != ext["profile"]]))
    elif kind == "manager":
        call(client, "PUT", f"/utilisateurs/{uid}/responsable", json={"responsableId": None})
    elif kind == "right":
        profiles = call(client, "GET", "/ext/v1/profiles").json()
        target = rng.choice([p for p in profiles if not p["builtin"]])
        rights = target["rights"]
        rights["contact"]["modify_contacts"] = not rights["contact"]["modify_contacts"]
        body = {"label": target["label"], "valid": target["valid"], "from": "none", "rights": rights}
        call(client, "PUT", f"/ext/v1/profiles/{target['id']}", json=body)
    elif kind == "service":
        call(client, "PATCH", "/ext/v1/services", json={"contact_categories": ["Client", f"Ajout {rng.randint(0, 99)}"]})
    else:
        update(client, uid, title="Mme" if ext["title"] == "M." else "M.", title_other=None)
    return f"{kind} {ext['login']}"


def update(client: httpx.Client, uid: int, **ext: object) -> None:
    response = call(client, "PUT", f"/utilisateurs/{uid}", json={"ext": ext})
    assert response.status_code == 204, response.text


def test_thirty_rounds_of_drift_and_apply_under_faults(sandbox_server: Callable[..., Server], tmp_path: Path) -> None:
    folder = tmp_path / "examples"
    shutil.copytree(EXAMPLES, folder)
    file = folder / "organisation.yaml"
    server = sandbox_server("--fail-rate", "0.2", "--seed", str(SEED))
    first = run_cli(server, "apply", str(file), "--auto-approve")
    assert first.returncode == 0, first.stdout + first.stderr
    rng = random.Random(SEED)
    with server.client() as client:
        for round_number in range(1, ROUNDS + 1):
            made = [drift(client, rng) for _ in range(rng.randint(1, 3))]
            detected = run_cli(server, "plan", str(file), "--detailed-exitcode")
            assert detected.returncode == 2, f"round {round_number}: drift {made} not detected\n{detected.stdout}"
            applied = run_cli(server, "apply", str(file), "--auto-approve")
            assert applied.returncode == 0, f"round {round_number} ({made}):\n{applied.stdout}{applied.stderr}"
            after = run_cli(server, "plan", str(file), "--detailed-exitcode")
            assert after.returncode == 0, f"round {round_number} ({made}): plan not empty\n{after.stdout}"
    logins = [u["ext"]["login"] for u in users(server.client())]
    assert len(logins) == len(set(logins))
