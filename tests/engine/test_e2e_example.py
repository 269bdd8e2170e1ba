"""End to end, on the embedded default and on a real server: the example converges and round-trips."""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine.conftest import Tenant

EMPTY = {"create": 0, "update": 0, "delete": 0, "adopt": 0, "manual": 0}


def apply(tenant: Tenant, file: Path, *extra: str) -> None:
    result = tenant.cli("apply", str(file), "--auto-approve", *extra)
    assert result.exit_code == 0, result.output + result.stderr


def summary(tenant: Tenant, file: Path) -> dict[str, int]:
    result = tenant.cli("plan", str(file), "--format", "json")
    assert result.exit_code == 0, result.stderr
    found: dict[str, int] = json.loads(result.stdout)["summary"]
    return found


def test_example_applies_then_plan_is_empty(tenant: Tenant, example: Path) -> None:
    assert tenant.cli("plan", str(example), "--detailed-exitcode").exit_code == 2
    apply(tenant, example)
    result = tenant.cli("plan", str(example), "--detailed-exitcode")
    assert result.exit_code == 0, result.stdout
    assert summary(tenant, example) == EMPTY


def test_export_then_plan_shows_no_change(tenant: Tenant, example: Path) -> None:
    apply(tenant, example)
    exported = example.parent / "exported.yaml"
    assert tenant.cli("export", "-o", str(exported)).exit_code == 0
    assert exported.read_text().startswith("# yaml-language-server: $schema=")
    assert tenant.cli("plan", str(exported), "--detailed-exitcode").exit_code == 0


def test_drift_by_hand_is_detected_then_exported(tenant: Tenant, example: Path) -> None:
    apply(tenant, example)
    jdurand = tenant.user_id("jdurand")
    answer = tenant.request("PUT", f"/utilisateurs/{jdurand}", json={"ext": {"first_name": "Juliette"}})
    assert answer.status_code == 204
    drift = tenant.cli("plan", str(example), "--format", "json")
    (change,) = json.loads(drift.stdout)["changes"]
    assert (change["key"], change["fields"][0]["before"], change["fields"][0]["after"]) == (
        "jdurand",
        "Juliette",
        "Julie",
    )
    exported = example.parent / "exported.yaml"
    assert tenant.cli("export", "-o", str(exported)).exit_code == 0
    assert "Juliette" in exported.read_text()
    assert tenant.cli("plan", str(exported), "--detailed-exitcode").exit_code == 0


def test_no_duplicate_after_applying_twice(tenant: Tenant, example: Path) -> None:
    apply(tenant, example)
    apply(tenant, example)
    logins = [u["ext"]["login"] for u in tenant.users()]
    assert len(logins) == len(set(logins)) == 16  # the example's 15 users and the tenant's own admin
