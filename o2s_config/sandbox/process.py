"""A sandbox server in a process of its own, for benchmarks and multi-process tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

START_TIMEOUT = 15.0


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket for uvicorn (port 0: any free port; read it from ``getsockname()``)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it: without it Nagle + delayed ACK add ~40 ms to every answer
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((host, port))
    return sock


def free_port() -> int:
    """A loopback port free at the time of asking."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(db: Path, token: str, options: Sequence[str] = (), timeout: float = START_TIMEOUT) -> Iterator[str]:
    """Run ``o2s-config sandbox serve`` on ``db``; yield its URL once it answers; stop it at exit."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "o2s_config",
        "sandbox",
        "serve",
        "--db",
        str(db),
        "--port",
        str(port),
        *options,
    ]
    # the token in the environment: an option would show it to every user of the machine (ps)
    env = {**os.environ, "O2S_SANDBOX_TOKEN": token}
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(process, url, token, timeout)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=timeout)
        if process.stderr is not None:
            process.stderr.close()


def _wait_until_up(process: subprocess.Popen[bytes], url: str, token: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{url}/ext/v1/revision", headers={"Authorization": f"Bearer {token}"}).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"the sandbox server did not start: {errors}")
        time.sleep(0.05)
