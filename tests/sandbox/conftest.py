"""Fixtures: one sandbox server for the session, and fresh ones for tests that need their own tenant."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_harness import Server, start_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The session's sandbox, shared by tests that only add their own uniquely named resources."""
    running = start_server(tmp_path_factory.mktemp("sandbox") / "tenant.db")
    yield running
    running.stop()


@pytest.fixture
def api(server: Server) -> httpx.Client:
    """A client of the session's sandbox, authenticated with the static token."""
    return server.client()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers on new tenants (or on a given file), all stopped at the end of the test."""
    started: list[Server] = []

    def start(db: Path | None = None, **options: Any) -> Server:
        running = start_server(db or tmp_path / f"tenant{len(started)}.db", **options)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture(scope="session")
def published_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The session's published-only sandbox (``--api published``), shared like ``server``."""
    running = start_server(tmp_path_factory.mktemp("published") / "tenant.db", api="published")
    yield running
    running.stop()


@pytest.fixture
def pub(published_server: Server) -> httpx.Client:
    """A client of the session's published-only sandbox, authenticated with the static token."""
    return published_server.client()
