"""What the CI kit's tests share: the fake forge, and a checkout of the example firm with its tenant beside it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ci.fake_forge import Forge, fake_forge

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def forge() -> Iterator[Forge]:
    """The fake GitHub and GitLab comment APIs, running on 127.0.0.1 for one test."""
    with fake_forge() as running:
        yield running


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository checkout (a GitLab project): the example firm at its root."""
    shutil.copytree(ROOT / "examples", tmp_path / "repo")
    return tmp_path / "repo"


def tenant_target(workspace: Path) -> str:
    """The target of a checkout's jobs: an embedded sandbox beside the checkout (never inside it)."""
    return f"sandbox:{workspace.parent / 'tenant.db'}"
