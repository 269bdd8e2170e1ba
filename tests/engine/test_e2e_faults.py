"""End to end under injected faults: apply of the example converges and makes no duplicate."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from tests.engine.conftest import Tenant, served


@pytest.mark.slow
@pytest.mark.parametrize(
    "faults", [("--fail-rate", "0.3", "--seed", "7"), ("--rate-limit", "15")], ids=["fail-rate", "rate-limit"]
)
def test_example_converges_under_faults(tmp_path: Path, example: Path, faults: tuple[str, ...]) -> None:
    for tenant in served(tmp_path, *faults):
        result = tenant.cli("apply", str(example), "--auto-approve")
        assert result.exit_code == 0, result.stdout + result.stderr
        assert tenant.cli("plan", str(example), "--detailed-exitcode").exit_code == 0
        assert_no_duplicates(tenant)


def assert_no_duplicates(tenant: Tenant) -> None:
    """Every login, e-mail, structure code and profile label is held once."""
    users = [u["ext"] for u in _all(tenant, "/utilisateurs")]
    for field in ("login", "email"):
        assert not [k for k, n in Counter(u[field] for u in users).items() if n > 1]
    assert len(users) == 16
    codes = [s["code"] for s in _all(tenant, "/agences")]
    labels = [p["label"] for p in _all(tenant, "/ext/v1/profiles")]
    assert len(codes) == len(set(codes)) and len(labels) == len(set(labels))


def _all(tenant: Tenant, path: str) -> list[dict[str, object]]:
    """Read through the faults: a plain client retries by hand until the answer is not a fault."""
    for _ in range(50):
        answer = tenant.request("GET", path, params={"limit": 1000})
        if answer.status_code < 400:
            return list(answer.json())
        time.sleep(0.2)
    raise AssertionError(f"{path} kept failing")
