"""Hostile input to the command line: files reaching outside the organisation's folder, and secrets.

Run as separate processes against a real server, as in CI: what matters is every byte the
tool writes to its streams and to disk.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.cli import run_cli
from tests.reliability.conftest import Server

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SECRET = "Zq8!imap-s3cr3t-value"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("../outside.png", "leads outside the organisation file's repository"),
        ("assets/../../outside.png", "leads outside the organisation file's repository"),
        ("/etc/passwd", "is an absolute path: write it relative to the organisation file, inside its repository"),
        ("assets/link.png", "leads outside the organisation file's repository through a symbolic link"),
    ],
)
def test_file_references_outside_the_folder_are_refused(
    sandbox_server: Callable[..., Server], tmp_path: Path, reference: str, expected: str
) -> None:
    folder = tmp_path / "firm"
    shutil.copytree(EXAMPLES, folder)
    (tmp_path / "outside.png").write_bytes(b"\x89PNG not yours")
    (folder / "assets" / "link.png").symlink_to(tmp_path / "outside.png")
    file = folder / "organisation.yaml"
    text = file.read_text(encoding="utf-8").replace(
        "application: assets/logo-application.png", f"application: {reference}"
    )
    file.write_text(text, encoding="utf-8")
    server = sandbox_server()
    for command in (["validate", str(file)], ["plan", str(file)], ["apply", str(file), "--auto-approve"]):
        result = run_cli(server, *command)
        assert result.returncode == 1, result.stdout
        assert expected in result.stderr
        assert "Traceback" not in result.stderr
    with server.client() as client:  # nothing was applied
        assert [u["ext"]["login"] for u in client.get("/utilisateurs").json()] == ["admin"]


def test_a_secret_reaches_no_output_file_or_log(sandbox_server: Callable[..., Server], tmp_path: Path) -> None:
    folder = tmp_path / "firm"
    shutil.copytree(EXAMPLES, folder)
    file = folder / "second-office.yaml"  # its IMAP password is ${env:O2S_IMAP_PASSWORD}
    server = sandbox_server(db=tmp_path / "tenant.db")
    env = {"O2S_IMAP_PASSWORD": SECRET}
    runs = [run_cli(server, "validate", str(file), **env)]
    runs += [run_cli(server, "plan", str(file), "--format", form, **env) for form in ("text", "markdown", "json")]
    runs.append(run_cli(server, "plan", str(file), "--out", str(tmp_path / "saved-plan.json"), **env))
    runs.append(run_cli(server, "apply", str(tmp_path / "saved-plan.json"), "--auto-approve", **env))
    runs.append(run_cli(server, "plan", str(file), "--detailed-exitcode", **env))
    runs.append(run_cli(server, "export", "-o", str(tmp_path / "exported.yaml")))
    runs.append(run_cli(server, "plan", str(file), "--format", "json", O2S_IMAP_PASSWORD=SECRET + "-rotated"))
    assert [r.returncode for r in runs] == [0, 0, 0, 0, 0, 0, 0, 0, 0], [r.stderr for r in runs]
    assert "(sensitive)" in runs[-1].stdout  # the rotated password is a change, shown masked
    assert "${env:O2S_IMAP_PASSWORD}" in (tmp_path / "exported.yaml").read_text(encoding="utf-8")

    streams = "".join(r.stdout + r.stderr for r in runs)
    assert SECRET not in streams
    server.process.terminate()
    server.process.wait(timeout=10)
    assert "127.0.0.1" in server.log_text()  # the log is there, and holds no secret
    assert SECRET not in server.log_text()
    for written in tmp_path.rglob("*"):  # saved plan, export, the tenant's database and its WAL
        if written.is_file():
            assert SECRET.encode() not in written.read_bytes(), written
