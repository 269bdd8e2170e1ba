"""Run ``o2s-config`` as a separate process against a server, as a CI job would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.reliability.conftest import Server

COMMAND_TIMEOUT_S = 240


def target_env(url: str, token: str, **extra: str) -> dict[str, str]:
    """The environment of a CLI run against ``url``: its token, no other O2S variable, no colour."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("O2S_")}
    return {**env, "O2S_TOKEN": token, "O2S_TARGET": url, "NO_COLOR": "1", **extra}


def cli_env(server: Server, **extra: str) -> dict[str, str]:
    """The environment of a CLI run against ``server``: its token, no colour."""
    return target_env(server.url, server.token, **extra)


def run_o2s(
    url: str, token: str, *args: str, cwd: Path | None = None, timeout: float = COMMAND_TIMEOUT_S, **extra: str
) -> subprocess.CompletedProcess[str]:
    """``python -m o2s_config ARGS`` against ``url`` (its token in O2S_TOKEN), bounded in time."""
    return subprocess.run(
        [sys.executable, "-m", "o2s_config", *args],
        capture_output=True,
        text=True,
        env=target_env(url, token, **extra),
        cwd=cwd,
        timeout=timeout,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def run_cli(server: Server, *args: str, cwd: Path | None = None, **extra: str) -> subprocess.CompletedProcess[str]:
    """``python -m o2s_config ARGS`` against ``server``, bounded in time."""
    return run_o2s(server.url, server.token, *args, cwd=cwd, **extra)


def start_cli(server: Server, *args: str, output: Path, **extra: str) -> subprocess.Popen[bytes]:
    """The same, in the background (to kill it, or to race it against another run).

    Its stdout and stderr go to ``output`` (a pipe nobody reads would fill up and stall it).
    """
    with output.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "o2s_config", *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=cli_env(server, **extra),
        )
