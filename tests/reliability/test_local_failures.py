"""This machine's files fail: the embedded sandbox's database or folder, an output file.

Each is one line naming the path and what to do, exit 1, for every command (plan included),
never a sqlite or PermissionError traceback. Run as a separate process; when the tests run as
root, without root's right to ignore file permissions (``setpriv``), so permissions bite.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.scenarios import firm, person, write

TIMEOUT_S = 120


def _without_override() -> list[str]:
    """A command prefix that takes away root's power to ignore file permissions (nothing when not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def o2s(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``o2s-config ARGS`` in ``cwd``, on the default embedded target, with file permissions applying."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("O2S_")}
    return subprocess.run(
        [*_without_override(), sys.executable, "-m", "o2s_config", *args],
        capture_output=True,
        text=True,
        env={**env, "NO_COLOR": "1"},
        cwd=cwd,
        timeout=TIMEOUT_S,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line(result: subprocess.CompletedProcess[str], *words: str) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A working folder holding an organisation file; permissions restored at the end (for cleanup)."""
    work = tmp_path / "work"
    work.mkdir()
    write(work, "organisation", firm({"adupont": person("adupont")}))
    yield work
    for path in [work, *work.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_sandbox_database(folder: Path) -> None:
    assert o2s(folder, "plan").returncode == 0  # creates .o2s/sandbox.db
    database = folder / ".o2s" / "sandbox.db"
    for path in database.parent.iterdir():
        path.chmod(0o444)
    database.parent.chmod(0o555)
    for command in (["plan"], ["apply", "--auto-approve"], ["export"]):
        line = assert_one_line(o2s(folder, *command), ".o2s/sandbox.db")
        assert "read-only" in line or "cannot be opened" in line, line


def test_an_unwritable_sandbox_folder(folder: Path) -> None:
    (folder / ".o2s").mkdir()
    (folder / ".o2s").chmod(0o555)
    assert_one_line(o2s(folder, "plan"), ".o2s/sandbox.db", "writable")


def test_a_sandbox_folder_that_cannot_be_made(folder: Path) -> None:
    (folder / ".o2s").write_text("a file where the folder should be")
    assert_one_line(o2s(folder, "plan"), ".o2s: cannot make the sandbox's folder", "a file stands where")
    folder.chmod(0o555)
    result = o2s(folder, "plan", "--target", "sandbox:other/tenant.db")
    assert_one_line(result, "other: cannot make the sandbox's folder", "permission denied")


def test_a_sandbox_database_locked_by_another_program(folder: Path) -> None:
    assert o2s(folder, "plan").returncode == 0
    holder = sqlite3.connect(folder / ".o2s" / "sandbox.db", isolation_level=None)
    try:
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE meta SET value = value WHERE key = 'revision'")
        assert_one_line(o2s(folder, "plan"), ".o2s/sandbox.db", "locked by another program")
    finally:
        holder.close()


def test_a_sandbox_file_that_is_not_a_database(folder: Path) -> None:
    (folder / "junk.db").write_text("not a database, just text " * 100)
    assert_one_line(o2s(folder, "plan", "--target", "sandbox:junk.db"), "junk.db", "not a sandbox database")


def test_output_files_that_cannot_be_written(folder: Path) -> None:
    (folder / "locked").mkdir(mode=0o555)
    cases = [
        (["plan", "--out", "locked/plan.json"], "locked/plan.json", "permission denied"),
        (["plan", "--out", "missing/plan.json"], "missing/plan.json", "folder does not exist"),
        (["export", "-o", "locked/exported.yaml"], "locked/exported.yaml", "permission denied"),
        (["schema", "-o", "locked/schema.json"], "locked/schema.json", "permission denied"),
    ]
    for command, path, advice in cases:
        result = o2s(folder, *command)
        assert result.returncode == 1, command
        # plan prints the plan on stdout first; the error is the one line on stderr
        assert_one_line(result, path, advice)
