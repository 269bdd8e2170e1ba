"""A command run as its own process leaves the embedded tenant's file complete on its own.

The CLI hides every object from the collector's last pass at exit (``cli._skip_last_collection``);
the tenant's database must then be closed by its client, not by that pass: no write-ahead log
may stay beside the ``.db`` after the process ends.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from o2s_config.sandbox.store import Store

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "organisation.yaml"


def o2s(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "o2s_config", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def test_an_apply_leaves_the_database_whole_in_its_one_file(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    applied = o2s("apply", str(EXAMPLE), "--target", f"sandbox:{db}", "--auto-approve")
    assert applied.returncode == 0, applied.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tenant.db"]
    copy = tmp_path / "copy" / "tenant.db"  # the .db alone, as someone would copy it
    copy.parent.mkdir()
    shutil.copyfile(db, copy)
    planned = o2s("plan", str(EXAMPLE), "--target", f"sandbox:{copy}", "--detailed-exitcode")
    assert planned.returncode == 0, planned.stdout + planned.stderr


@pytest.mark.parametrize("face", ["sandbox", "sandbox+published"])
def test_a_plan_leaves_nothing_beside_the_database(tmp_path: Path, face: str) -> None:
    db = tmp_path / "tenant.db"
    planned = o2s("plan", str(EXAMPLE), "--target", f"{face}:{db}")
    assert planned.returncode == 0, planned.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tenant.db"]


def test_closing_a_store_closes_the_connections_of_every_thread(tmp_path: Path) -> None:
    store = Store(tmp_path / "tenant.db")

    def read() -> None:
        with store.read() as tx:
            tx.scalar("SELECT count(*) FROM users")

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    read()  # this thread's own connection too
    assert (tmp_path / "tenant.db-wal").exists()
    store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tenant.db"]  # the last close removes the log
    read()  # a later use opens a new connection


def _open_files(path: Path) -> int:
    """How many of this process's file descriptors are open on ``path`` (Linux)."""
    found = 0
    for fd in Path("/proc/self/fd").iterdir():
        try:
            found += Path(os.readlink(fd)) == path
        except OSError:  # closed meanwhile
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_connection_ends_with_its_thread(tmp_path: Path) -> None:
    """The store tracks its connections for close(), but never keeps one alive past its thread."""
    db = tmp_path / "tenant.db"
    store = Store(db)
    before = _open_files(db)

    def read() -> None:
        with store.read() as tx:
            tx.scalar("SELECT count(*) FROM users")

    for _ in range(3):
        worker = threading.Thread(target=read)
        worker.start()
        worker.join()
    gc.collect()  # a connection is freed by the collector (its statement cache refers back to it)
    assert _open_files(db) == before
