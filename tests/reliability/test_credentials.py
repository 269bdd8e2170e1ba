"""Credentials travel only where they may, and a refusal names the credential, never its value.

Through a real ``sandbox serve`` on 127.0.0.1 holding a password grant (client pair and one login).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.engine.scenarios import firm, write
from tests.reliability.conftest import Server

CLIENT_ID, CLIENT_SECRET = "o2s-config", "client-secret-4f1c"
USERNAME, PASSWORD = "admin", "user-password-9b2e"
SECRETS = (CLIENT_SECRET, PASSWORD, "wrong-secret-77aa", "wrong-password-66bb")


@pytest.fixture
def granting(sandbox_server: Callable[..., Server]) -> Server:
    return sandbox_server(
        "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET, "--username", USERNAME, "--password", PASSWORD
    )


def run_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("O2S_")}
    return subprocess.run(
        [sys.executable, "-m", "o2s_config", *args],
        capture_output=True,
        text=True,
        env={**base, "NO_COLOR": "1", **env},
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def grant(server: Server, **changed: str) -> dict[str, str]:
    env = {
        "O2S_TARGET": server.url,
        "O2S_CLIENT_ID": CLIENT_ID,
        "O2S_CLIENT_SECRET": CLIENT_SECRET,
        "O2S_USERNAME": USERNAME,
        "O2S_PASSWORD": PASSWORD,
        "O2S_AUTH_URL": server.url,
    }
    return {**env, **changed}


def assert_no_secret(result: subprocess.CompletedProcess[str]) -> None:
    for secret in SECRETS:
        assert secret not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def small_firm(tmp_path: Path) -> Path:
    return write(tmp_path, "firm", firm({}))


def test_the_password_grant_works_and_prints_no_secret(granting: Server, small_firm: Path) -> None:
    result = run_with(grant(granting), "plan", str(small_firm))
    assert result.returncode == 0, result.stderr
    assert_no_secret(result)


def test_a_refused_client_is_named_as_the_client(granting: Server, small_firm: Path) -> None:
    result = run_with(grant(granting, O2S_CLIENT_SECRET="wrong-secret-77aa"), "plan", str(small_firm))
    assert result.returncode == 1
    assert "refused the client" in result.stderr and "O2S_CLIENT_SECRET" in result.stderr
    assert "O2S_PASSWORD" not in result.stderr  # the user's credentials were not the problem
    assert_no_secret(result)


def test_a_refused_user_is_named_as_the_user(granting: Server, small_firm: Path) -> None:
    result = run_with(grant(granting, O2S_PASSWORD="wrong-password-66bb"), "plan", str(small_firm))
    assert result.returncode == 1
    assert "refused the user" in result.stderr and "O2S_PASSWORD" in result.stderr
    assert "O2S_CLIENT_SECRET" not in result.stderr
    assert_no_secret(result)


def test_a_clear_text_auth_url_to_another_host_is_refused_before_sending(granting: Server, small_firm: Path) -> None:
    # 192.0.2.1 is TEST-NET-1: nothing answers there, and nothing must be sent there
    env = grant(granting, O2S_AUTH_URL="http://192.0.2.1/auth")
    result = run_with(env, "plan", str(small_firm))
    assert result.returncode == 1
    assert "O2S_AUTH_URL" in result.stderr and "plain http://" in result.stderr and "https://" in result.stderr
    assert_no_secret(result)


def test_a_password_inside_the_target_url_is_refused_and_never_echoed(granting: Server, small_firm: Path) -> None:
    port = granting.url.rsplit(":", 1)[1]
    url = f"http://admin:{PASSWORD}@127.0.0.1:{port}"
    result = run_with({"O2S_TOKEN": granting.token}, "plan", str(small_firm), "--target", url)
    assert result.returncode == 1
    assert "credentials inside the URL" in result.stderr and "admin:***@" in result.stderr
    assert_no_secret(result)


def test_a_remote_clear_text_target_is_refused_unless_allowed(small_firm: Path) -> None:
    refused = run_with({"O2S_TOKEN": "t"}, "plan", str(small_firm), "--target", "http://192.0.2.1:8765")
    assert refused.returncode == 1 and "O2S_ALLOW_PLAIN_HTTP=1" in refused.stderr
    allowed = run_with(
        {"O2S_TOKEN": "t", "O2S_ALLOW_PLAIN_HTTP": "1", "O2S_DEADLINE": "2"},
        "plan",
        str(small_firm),
        "--target",
        "http://192.0.2.1:8765",
    )
    # allowed: it tries to connect (nothing answers at TEST-NET-1), and stops at the deadline
    assert allowed.returncode == 1 and "O2S_ALLOW_PLAIN_HTTP" not in allowed.stderr
    assert "Traceback" not in allowed.stderr


def test_missing_grant_variables_are_named(granting: Server, small_firm: Path) -> None:
    env = grant(granting)
    del env["O2S_PASSWORD"], env["O2S_AUTH_URL"]
    result = run_with(env, "plan", str(small_firm))
    assert result.returncode == 1 and "O2S_PASSWORD" in result.stderr and "O2S_AUTH_URL" in result.stderr
    assert_no_secret(result)


def _serve_log(tmp_path: Path, *options: str, env: dict[str, str] | None = None) -> str:
    """Start ``sandbox serve``, wait (bounded) until it says it is serving, stop it; its stderr."""
    log = tmp_path / f"serve-{len(list(tmp_path.glob('serve-*')))}.log"
    command = [sys.executable, "-m", "o2s_config", "sandbox", "serve", "--db", str(tmp_path / "t.db")]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--port", "0", *options], stderr=sink, stdout=sink, env={**os.environ, **(env or {})}
        )
    try:
        deadline = time.monotonic() + 20
        while "serving" not in log.read_text() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return log.read_text()


def test_sandbox_serve_warns_when_a_secret_is_an_option(tmp_path: Path) -> None:
    """``--token`` is visible in ps: the server says so; the variable the docs show gives no warning."""
    warned = _serve_log(tmp_path, "--token", "visible-token")
    assert "serving" in warned and "warning: --token" in warned and "O2S_SANDBOX_TOKEN" in warned
    quiet = _serve_log(tmp_path, env={"O2S_SANDBOX_TOKEN": "hidden-token"})
    assert "serving" in quiet and "warning" not in quiet and "hidden-token" not in quiet
