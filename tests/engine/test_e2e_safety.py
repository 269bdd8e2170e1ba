"""End to end: saved plans, secrets, the deletion threshold and the lockout protection."""

from __future__ import annotations

import json
from pathlib import Path

from tests.engine.conftest import Tenant
from tests.engine.scenarios import ADMIN, CONSEILLER, firm, person, write

SECRET = "Sm7p-s3cret-value!"
SMTP = {"host": "smtp.exemple.fr", "port": 587, "username": "crm", "password": "${env:SMTP_PASSWORD}"}


def applied(tenant: Tenant, file: Path, *extra: str, env: dict[str, str] | None = None) -> str:
    result = tenant.cli("apply", str(file), "--auto-approve", *extra, env=env)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_saved_plan_applies_while_fresh(tenant: Tenant, tmp_path: Path) -> None:
    file = write(tmp_path, "firm", firm({"a": person("a")}))
    saved = tmp_path / "plan.json"
    assert tenant.cli("plan", str(file), "--out", str(saved)).exit_code == 0
    applied(tenant, saved)
    assert tenant.cli("plan", str(file), "--detailed-exitcode").exit_code == 0


def test_stale_saved_plan_is_refused(tenant: Tenant, tmp_path: Path) -> None:
    file = write(tmp_path, "firm", firm({"a": person("a")}))
    saved = tmp_path / "plan.json"
    assert tenant.cli("plan", str(file), "--out", str(saved)).exit_code == 0
    assert tenant.request("POST", "/agences", json={"code": "nantes", "nom": "Nantes"}).status_code == 201
    result = tenant.cli("apply", str(saved), "--auto-approve")
    assert result.exit_code == 1
    assert "tenant changed since this plan was saved" in result.stderr
    assert "a" not in {u["ext"]["login"] for u in tenant.users()}


def test_saved_plan_is_refused_when_the_file_changed(tenant: Tenant, tmp_path: Path) -> None:
    file = write(tmp_path, "firm", firm({"a": person("a")}))
    saved = tmp_path / "plan.json"
    assert tenant.cli("plan", str(file), "--out", str(saved)).exit_code == 0
    write(tmp_path, "firm", firm({"a": person("a"), "b": person("b")}))
    result = tenant.cli("apply", str(saved), "--auto-approve")
    assert result.exit_code == 1 and "organisation file changed since this plan was saved" in result.stderr
    assert {u["ext"]["login"] for u in tenant.users()} == {"admin"}


def test_a_secret_appears_in_no_output(tenant: Tenant, tmp_path: Path) -> None:
    env = {"SMTP_PASSWORD": SECRET}
    file = write(tmp_path, "firm", firm({"a": person("a")}, services={"email_server": {"smtp": SMTP}}))
    saved = tmp_path / "plan.json"
    outputs = [tenant.cli("plan", str(file), "--format", form, env=env) for form in ("text", "markdown", "json")]
    assert "(sensitive)" in outputs[0].stdout and "(sensitive)" in outputs[2].stdout
    outputs.append(tenant.cli("plan", str(file), "--out", str(saved), env=env))
    seen = "".join(r.stdout + r.stderr for r in outputs) + saved.read_text()
    seen += applied(tenant, file, env=env)
    rerun = tenant.cli("plan", str(file), "--detailed-exitcode", env=env)
    assert rerun.exit_code == 0, rerun.stdout  # the stored password is recognised by its fingerprint
    exported = tmp_path / "exported.yaml"
    seen += tenant.cli("export", "-o", str(exported)).stdout + exported.read_text()
    assert "${env:O2S_SMTP_PASSWORD}" in exported.read_text()
    changed = tenant.cli("plan", str(file), "--format", "json", env={"SMTP_PASSWORD": SECRET + "-new"})
    seen += changed.stdout
    assert [f["after"] for c in json.loads(changed.stdout)["changes"] for f in c["fields"]] == ["(sensitive)"]
    assert SECRET not in seen


def test_threshold_refuses_without_force_and_still_prints(tenant: Tenant, tmp_path: Path) -> None:
    # ten active users with the tenant's admin: the default minimum the share threshold applies from
    people = {login: person(login) for login in "abcdefghi"}
    applied(tenant, write(tmp_path, "all", firm(people)))
    fewer = write(tmp_path, "fewer", firm({"a": people["a"]}, prune={"users": True}))
    refused = tenant.cli("apply", str(fewer), "--auto-approve")
    assert refused.exit_code == 1
    assert "~ user b" in refused.stdout and "use --force" in refused.stderr
    assert tenant.cli("plan", str(fewer)).exit_code == 1
    applied(tenant, fewer, "--force")
    active = {u["ext"]["login"]: u["ext"]["active"] for u in tenant.users()}
    assert active == {"admin": True, "a": True, **dict.fromkeys("bcdefghi", False)}  # deactivated, not deleted


def test_lockout_of_the_applying_identity_is_refused_even_with_force(tenant: Tenant, tmp_path: Path) -> None:
    document = firm({"a": person("a", profile="Administrateur")})
    document["users"]["admin"] = {**ADMIN, "profile": "Conseiller"}
    result = tenant.cli("apply", str(write(tmp_path, "lockout", document)), "--auto-approve", "--force")
    assert result.exit_code == 1
    assert "away from admin, the identity applying it" in result.stderr
    assert {u["ext"]["login"] for u in tenant.users()} == {"admin"}  # nothing was applied


def test_lockout_through_a_profile_change_is_refused(tenant: Tenant, tmp_path: Path) -> None:
    """The file does not list users, so only the plan (which reads the tenant) can see the lockout."""
    direction = {"from": "all"}
    document = firm({"a": person("a")}, profiles={"Conseiller": CONSEILLER, "Direction": direction})
    document["users"]["admin"] = {**ADMIN, "profile": "Direction"}
    applied(tenant, write(tmp_path, "direction", document))
    narrowed = {
        "version": 1,
        "profiles": {"Direction": {"from": "all", "rights": {"administration": {"module_access": False}}}},
    }
    result = tenant.cli("apply", str(write(tmp_path, "narrowed", narrowed)), "--auto-approve", "--force")
    assert result.exit_code == 1
    assert "lockout protection cannot be overridden" in result.stderr


def test_a_plan_saved_in_another_format_is_refused(tenant: Tenant, tmp_path: Path) -> None:
    file = write(tmp_path, "firm", firm({"a": person("a")}))
    saved = tmp_path / "plan.json"
    assert tenant.cli("plan", str(file), "--out", str(saved)).exit_code == 0
    document = json.loads(saved.read_text())
    saved.write_text(json.dumps({**document, "format_version": "1"}))
    result = tenant.cli("apply", str(saved), "--auto-approve")
    assert result.exit_code == 1 and "saved in format '1'" in result.stderr
    assert {u["ext"]["login"] for u in tenant.users()} == {"admin"}
