"""Hostile organisation files, run as separate processes as a CI job would run them.

Special files, raw control bytes, ``extends:`` reaching out of the repository or 500 files
deep, and a file copying the API token into a name: each is one located error (exit 1, no
traceback, in bounded time), nothing outside the repository is read, and no secret reaches
any output, saved plan, export, database or log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.cli import run_cli
from tests.reliability.conftest import Server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BOUND_S = 30  # a hostile file is refused in seconds; before, some of these never finished
IMAP_PASSWORD = "Zq8!imap-s3cr3t-hostile"
CLIENT_SECRET = "cl13nt-s3cr3t-hostile"


def validate(path: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """``o2s-config validate PATH`` in its own process, bounded in time."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("O2S_")}
    return subprocess.run(
        [sys.executable, "-m", "o2s_config", "validate", path],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**environment, "NO_COLOR": "1", **env},
        timeout=BOUND_S,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.splitlines() == [*expected, f"{len(expected)} error(s): the file is not valid"]


def test_validate_dev_zero_is_refused_without_reading(tmp_path: Path) -> None:
    # before: read until memory ran out
    assert_refused(
        validate("/dev/zero", tmp_path),
        "/dev/zero:1:1: is not a regular file (a device, a pipe or a socket): it is not read",
    )


def test_a_named_pipe_is_refused_without_waiting(tmp_path: Path) -> None:
    # before: waited for a writer forever
    os.mkfifo(tmp_path / "organisation.yaml")
    assert_refused(
        validate("organisation.yaml", tmp_path),
        "organisation.yaml:1:1: is not a regular file (a device, a pipe or a socket): it is not read",
    )


def test_raw_control_bytes_are_located_errors(tmp_path: Path) -> None:
    # before: a ReaderError traceback
    (tmp_path / "organisation.yaml").write_bytes(b'version: 1\nestablishment:\n  general: {name: "A\x00B\x1b[2J"}\n')
    assert_refused(
        validate("organisation.yaml", tmp_path),
        "organisation.yaml:3:21: control character U+0000 in the file: YAML text may not hold one",
        "organisation.yaml:3:23: control character U+001B in the file: YAML text may not hold one",
    )


def test_extends_proc_self_environ_is_refused_and_nothing_of_it_is_printed(tmp_path: Path) -> None:
    # before: the environment was read and parsed (a traceback on its NUL bytes)
    (tmp_path / "organisation.yaml").write_text("version: 1\nextends: /proc/self/environ\n", encoding="utf-8")
    result = validate("organisation.yaml", tmp_path, O2S_CLIENT_SECRET=CLIENT_SECRET)
    assert_refused(
        result,
        "organisation.yaml:2:10: '/proc/self/environ' is an absolute path: "
        "write it relative to the organisation file, inside its repository",
    )
    assert CLIENT_SECRET not in result.stdout + result.stderr


def test_a_chain_of_500_extends_is_one_located_error(tmp_path: Path) -> None:
    # before: a RecursionError traceback
    for number in range(1, 500):
        (tmp_path / f"f{number:03d}.yaml").write_text(
            f"version: 1\nextends: f{number + 1:03d}.yaml\n", encoding="utf-8"
        )
    (tmp_path / "f500.yaml").write_text("version: 1\n", encoding="utf-8")
    start = time.monotonic()
    assert_refused(validate("f001.yaml", tmp_path), "f010.yaml:2:10: 'extends' chain longer than 10 files")
    assert time.monotonic() - start < BOUND_S


@pytest.mark.parametrize("how", ["climbing", "absolute", "symbolic link"])
def test_extends_out_of_the_repository_reads_nothing_through_plan(
    sandbox_server: Callable[..., Server], tmp_path: Path, how: str
) -> None:
    # before: `extends: ../../etc/passwd` was read, and its lines came back in the errors
    outside = tmp_path / "outside.yaml"
    outside.write_text("version: 1\nread_from_outside_the_repository: true\n", encoding="utf-8")
    folder = tmp_path / "firm"
    shutil.copytree(EXAMPLES, folder)
    (folder / "base.yaml").symlink_to(outside)
    reference = {"climbing": "../outside.yaml", "absolute": str(outside), "symbolic link": "base.yaml"}[how]
    file = folder / "second-office.yaml"
    file.write_text(
        file.read_text(encoding="utf-8").replace("extends: organisation.yaml", f"extends: '{reference}'"),
        encoding="utf-8",
    )
    server = sandbox_server()
    result = run_cli(server, "plan", str(file), O2S_IMAP_PASSWORD=IMAP_PASSWORD)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"'{reference}'" in result.stderr
    assert "read_from_outside_the_repository" not in result.stdout + result.stderr


def test_a_file_copying_the_token_into_a_name_leaks_no_secret_anywhere(
    sandbox_server: Callable[..., Server], tmp_path: Path
) -> None:
    # before: the plan showed "(sensitive)", apply wrote the token into the tenant, export printed it
    folder = tmp_path / "firm"
    shutil.copytree(EXAMPLES, folder)
    file = folder / "second-office.yaml"
    original = file.read_text(encoding="utf-8")
    hostile = original.replace("    last_name: Roux\n", "    last_name: ${env:O2S_TOKEN}\n")
    hostile = hostile.replace("    first_name: Simon\n", "    first_name: 'Simon ${env:O2S_CLIENT_SECRET}'\n")
    assert hostile.count("${env:") == 3
    file.write_text(hostile, encoding="utf-8")
    server = sandbox_server(db=tmp_path / "tenant.db")
    env = {"O2S_IMAP_PASSWORD_SROUX": IMAP_PASSWORD, "O2S_CLIENT_SECRET": CLIENT_SECRET}  # sroux's own mail server
    saved = tmp_path / "saved-plan.json"
    refused = [run_cli(server, "validate", str(file), **env)]
    refused += [run_cli(server, "plan", str(file), "--format", form, **env) for form in ("text", "markdown", "json")]
    refused.append(run_cli(server, "plan", str(file), "--out", str(saved), **env))
    refused.append(run_cli(server, "apply", str(file), "--auto-approve", **env))
    for result in refused:
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        assert (
            "users.sroux.last_name: ${env:...} may only give a secret (a password); write this value in the file"
            in result.stderr
        )
        assert "a ${env:VAR} reference must be the whole value" in result.stderr
    # the same firm without the copies: applied, exported, planned again
    file.write_text(original, encoding="utf-8")
    accepted = [run_cli(server, "plan", str(file), "--out", str(saved), **env)]
    accepted.append(run_cli(server, "apply", str(saved), "--auto-approve", **env))
    accepted.append(run_cli(server, "export", "-o", str(tmp_path / "exported.yaml"), **env))
    assert [r.returncode for r in accepted] == [0, 0, 0], [r.stderr for r in accepted]
    with server.client() as client:
        users = client.get("/utilisateurs", params={"limit": 1000}).json()
        names = [u["donneesPersonnelles"]["nom"] for u in users]
    assert "Roux" in names

    server.process.terminate()
    server.process.wait(timeout=10)
    streams = "".join(r.stdout + r.stderr for r in (*refused, *accepted))
    secrets = (server.token, CLIENT_SECRET, IMAP_PASSWORD)
    for secret in secrets:
        assert secret not in streams
        assert secret not in server.log_text()
    written = [path for path in tmp_path.rglob("*") if path.is_file() and "firm" not in path.parts]
    assert {p.name for p in written} >= {"saved-plan.json", "exported.yaml", "tenant.db"}
    for path in written:  # saved plan, export, the tenant's database and its WAL, the server's log
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, (path, secret)
