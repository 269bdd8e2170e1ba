"""Real sandbox servers for the reliability suite: started as `o2s-config sandbox serve` on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from o2s_config.sandbox.process import free_port

TOKEN = "reliability-token"
START_TIMEOUT_S = 20.0


@dataclass
class Server:
    url: str
    token: str
    db: Path
    process: subprocess.Popen[bytes]
    log: Path  # the server's stdout and stderr

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token or self.token}"}
        return httpx.Client(base_url=self.url, headers=headers, timeout=10.0)


def start_server(db: Path, *options: str, preexec: Callable[[], None] | None = None) -> Server:
    """Start a sandbox server and wait (bounded) until it answers (``preexec`` runs in its process first)."""
    port = free_port()
    command = [sys.executable, "-m", "o2s_config", "sandbox", "serve", "--db", str(db)]
    command += ["--host", "127.0.0.1", "--port", str(port), *options]
    log = db.with_suffix(".log")
    # a file, not a pipe: a pipe nobody reads fills up on a long run and stalls the server
    with log.open("wb") as sink:
        # the token in the environment, as the docs advise: an option would show it in ps
        env = {**os.environ, "O2S_SANDBOX_TOKEN": TOKEN}
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env, preexec_fn=preexec)
    server = Server(f"http://127.0.0.1:{port}", TOKEN, db, process, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sandbox server exited: {server.log_text()}")
        try:
            httpx.get(f"{server.url}/ext/v1/revision", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=1.0)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("sandbox server did not start in time")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


@pytest.fixture
def sandbox_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """A factory: ``sandbox_server("--fail-rate", "0.2")`` starts a fresh server, stopped after the test."""
    started: list[Server] = []

    def start(*options: str, db: Path | None = None, preexec: Callable[[], None] | None = None) -> Server:
        server = start_server(db or tmp_path / f"tenant-{len(started)}.db", *options, preexec=preexec)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)
