"""``sandbox serve --api published`` and ``sandbox seed`` as an administrator runs them, and the engine's refusal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
from click.testing import CliRunner
from sandbox_harness import assert_problem

from o2s_config.cli import main
from o2s_config.sandbox.app import TOKEN_PATH
from o2s_config.sandbox.process import free_port
from tests.reliability.conftest import TOKEN, start_server, stop_server

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "organisation.yaml"
START_TIMEOUT_S = 20.0


def _cli(*args: str, **env: str) -> tuple[int, str, str]:
    clean = {name: "" for name in os.environ if name.startswith("O2S_")}
    result = CliRunner().invoke(main, list(args), env={**clean, "NO_COLOR": "1", **env}, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_seed_adds_people_and_says_who(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    code, out, err = _cli("sandbox", "seed", "--people", "30", "--db", str(db), "--json")
    assert code == 0, err
    people = json.loads(out)
    assert len(people) == 30 and f"added 30 people to {db}" in err
    assert set(people[0]) == {"id", "civilite", "prenoms", "nom", "email", "telephones", "agence", "profil",
                              "responsableId"}  # fmt: skip
    code, out, err = _cli("sandbox", "seed", "--people", "-1", "--db", str(db))
    assert code == 2 and "--people" in err


def test_a_seeded_tenant_served_published_pages_its_31_users(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    assert _cli("sandbox", "seed", "--people", "30", "--db", str(db))[0] == 0
    server = start_server(db, "--api", "published")
    try:
        with server.client() as client:
            first = client.get("/utilisateurs")
            rest = client.get("/utilisateurs", params={"offset": 20})
            assert (first.status_code, len(first.json()), rest.status_code, len(rest.json())) == (206, 20, 200, 11)
            assert all(user["refExternes"] == [] and "ext" not in user for user in first.json() + rest.json())
            assert_problem(client.get("/ext/v1/revision"), 404, "not-found")
    finally:
        stop_server(server)


def test_published_serve_without_credentials_prints_a_password_grant(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "o2s_config", "sandbox", "serve", "--api", "published"]
    command += ["--db", str(tmp_path / "t.db"), "--port", str(port)]
    env = {name: value for name, value in os.environ.items() if not name.startswith("O2S_")}
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while "serving" not in log.read_text() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        text = log.read_text()
        assert "(published API)" in text and "O2S_TOKEN" not in text, text
        variables = dict(re.findall(r"(O2S_[A-Z_]+)=(\S+)", text))
        assert variables["O2S_AUTH_URL"] == f"http://127.0.0.1:{port}"
        form = {
            "grant_type": "password",
            "client_id": variables["O2S_CLIENT_ID"],
            "client_secret": variables["O2S_CLIENT_SECRET"],
            "username": variables["O2S_USERNAME"],
            "password": variables["O2S_PASSWORD"],
        }
        granted = httpx.post(variables["O2S_AUTH_URL"] + TOKEN_PATH, data=form, timeout=10).json()
        assert granted["expires_in"] == 60
        me = httpx.get(
            f"http://127.0.0.1:{port}/utilisateurs/myself",
            headers={"Authorization": f"Bearer {granted['access_token']}"},
            timeout=10,
        )
        assert me.status_code == 200 and "ext" not in me.json()
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_plan_and_export_read_a_published_only_tenant_without_taking_anyone_for_new(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    code, out, err = _cli("plan", str(EXAMPLE), "--target", f"sandbox+published:{db}", "--format", "json")
    assert code == 0, err
    created = {c["key"] for c in json.loads(out)["changes"] if c["resource"] == "user" and c["action"] == "create"}
    assert "adubois" in created and "admin" not in created  # the tenant's own admin is not the file's
    code, out, err = _cli("export", "--target", f"sandbox+published:{db}")
    assert code == 0 and "\n  admin:\n" in out, err  # people not linked yet are exported, keyed by e-mail
    server = start_server(tmp_path / "served.db", "--api", "published")
    try:
        code, out, err = _cli("plan", str(EXAMPLE), "--target", server.url, O2S_TOKEN=TOKEN)
        assert code == 0 and "+ user adubois" in out and "+ user admin" not in out, err
    finally:
        stop_server(server)
    # the same file in full: the embedded sandbox plans as before
    code, out, _ = _cli("plan", str(EXAMPLE), "--target", f"sandbox:{db}")
    assert code == 0 and "+ user adubois" in out
