"""One-off actions on a tenant that are not state: they appear in no plan and apply never makes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from o2s_config.backends.http import O2SClient
from o2s_config.backends.tenant import EXT
from o2s_config.errors import O2SConfigError

RESET_LABEL = "Envoyer la demande de réinitialisation du mot de passe"
RESET_SCREEN = f"Administration > Utilisateurs > (the user) > « {RESET_LABEL} »"


@dataclass(frozen=True)
class TenantUser:
    """The few facts an action needs about a user."""

    id: int
    login: str
    email: str | None
    active: bool
    has_login: bool


async def find_user(client: O2SClient, login: str) -> TenantUser:
    """The tenant's user whose login is ``login`` (an error naming it when there is none)."""
    for item in await client.get_all("/utilisateurs"):
        ext: dict[str, Any] = item.get("ext") or {}
        if ext.get("login") == login:
            return TenantUser(
                id=int(item["id"]),
                login=login,
                email=ext.get("email"),
                active=ext.get("active") is not False,
                has_login=ext.get("has_login") is not False,
            )
    raise O2SConfigError(f"no user '{login}' in {client.target.text}")


async def can_reset_passwords(client: O2SClient) -> bool:
    """Whether the target sends password-reset requests through its API (else it is done in the screen)."""
    capabilities = await client.get(f"{EXT}/capabilities", missing_ok=True)
    resources = capabilities.get("resources", {}) if isinstance(capabilities, dict) else {}
    return bool((resources.get("password_reset") or {}).get("write"))


def reset_refusal(user: TenantUser) -> str | None:
    """Why ``user`` cannot be sent a password-reset request, or None."""
    if not user.has_login:
        return f"'{user.login}' has no « Identifiant de connexion » (has_login: false): there is no password to reset"
    if not user.active:
        return f"'{user.login}' is inactive and cannot sign in: activate the account first"
    return None


async def request_password_reset(client: O2SClient, user: TenantUser) -> None:
    """Ask the tenant to send ``user`` the e-mail inviting him to reset his password."""
    await client.request("POST", f"{EXT}/users/{user.id}/password-reset", idempotent=False)
