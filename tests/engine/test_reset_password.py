"""``o2s-config reset-password``: an explicit, confirmed action, recorded in the tenant's outbox, in no plan."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from o2s_config.backends.actions import can_reset_passwords
from o2s_config.backends.auth import Credentials
from o2s_config.backends.http import O2SClient
from o2s_config.backends.target import resolve_target
from tests.engine.conftest import Tenant


def resets(tenant: Tenant) -> list[dict[str, Any]]:
    entries = tenant.request("GET", "/ext/v1/outbox", params={"limit": 1000}).json()
    return [e for e in entries if e["kind"] == "password_reset"]


def reset(tenant: Tenant, *args: str, input: str | None = None) -> Any:
    return tenant.cli("reset-password", *args, "--target", tenant.target, input=input)


@pytest.fixture
def applied(server: Tenant, example: Path) -> Tenant:
    assert server.cli("apply", str(example), "--auto-approve").exit_code == 0
    return server


def test_with_yes_the_request_is_sent_and_recorded_in_the_outbox(applied: Tenant, example: Path) -> None:
    result = reset(applied, "jdurand", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "password-reset e-mail sent to jdurand (julie.durand@dubois-patrimoine.fr)\n"
    (entry,) = resets(applied)
    assert (entry["login"], entry["to"]) == ("jdurand", "julie.durand@dubois-patrimoine.fr")
    # an action, not a state: the plan has nothing to say about it
    planned = json.loads(applied.cli("plan", str(example), "--format", "json").stdout)
    assert planned["changes"] == [] and not any("password" in w for w in planned["warnings"])


def test_without_a_terminal_and_without_yes_nothing_is_sent(applied: Tenant) -> None:
    result = reset(applied, "jdurand")
    assert result.exit_code == 1
    assert "no terminal to confirm on" in result.stderr and "--yes" in result.stderr
    assert resets(applied) == []


def test_on_a_terminal_it_asks_first(applied: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("o2s_config.commands.actions.has_terminal", lambda: True)
    refused = reset(applied, "mmartin", input="n\n")
    assert refused.exit_code == 1 and "cancelled: nothing was sent" in refused.stderr
    assert "Send a password-reset e-mail to mmartin (marc.martin@dubois-patrimoine.fr)?" in refused.stdout
    assert resets(applied) == []
    accepted = reset(applied, "mmartin", input="y\n")
    assert accepted.exit_code == 0, accepted.stderr
    assert [e["login"] for e in resets(applied)] == ["mmartin"]


def test_inactive_users_users_without_login_and_unknown_logins_are_refused(applied: Tenant, tmp_path: Path) -> None:
    inactive = reset(applied, "arousseau", "--yes")  # on leave in the example
    assert inactive.exit_code == 1 and "'arousseau' is inactive" in inactive.stderr
    assert "no user 'nobody'" in reset(applied, "nobody", "--yes").stderr
    file = tmp_path / "sso.yaml"
    file.write_text(
        "version: 1\nsign_in: sso\nusers:\n  sso2:\n    last_name: S\n    email: sso2@exemple.fr\n"
        "    structure: paris\n    has_login: false\n",
        encoding="utf-8",
    )
    assert applied.cli("apply", str(file), "--auto-approve").exit_code == 0
    without = reset(applied, "sso2", "--yes")
    assert without.exit_code == 1 and "has no « Identifiant de connexion »" in without.stderr
    assert resets(applied) == []


def test_a_target_without_the_action_names_the_screen(monkeypatch: pytest.MonkeyPatch, applied: Tenant) -> None:
    async def cannot(client: O2SClient) -> bool:
        return False

    monkeypatch.setattr("o2s_config.commands.actions.can_reset_passwords", cannot)
    result = reset(applied, "jdurand", "--yes")
    assert result.exit_code == 1
    assert "« Envoyer la demande de réinitialisation du mot de passe »" in result.stderr
    assert resets(applied) == []


def test_published_only_targets_do_not_offer_the_action() -> None:
    def published(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"type": "urn:o2s:problem:not-found", "title": "Not Found", "status": 404})

    async def main() -> bool:
        transport = httpx.MockTransport(published)
        async with O2SClient(resolve_target("https://o2s.example"), Credentials(token="t"), transport=transport) as c:
            return await can_reset_passwords(c)

    assert asyncio.run(main()) is False
