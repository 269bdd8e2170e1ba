"""Small organisations built in code, for the engine's unit tests."""

from __future__ import annotations

from typing import Any

from o2s_config.model import Organisation


def user(structure: str = "paris", profile: str | None = "Conseiller", **fields: Any) -> dict[str, Any]:
    login = fields.pop("login", "x")
    found: dict[str, Any] = {"last_name": login.title(), "email": f"{login}@exemple.fr", "structure": structure}
    if profile:
        found["profile"] = profile
    found.update(fields)
    return found


def org(**sections: Any) -> Organisation:
    """An organisation with a version and the given sections."""
    return Organisation.model_validate({"version": 1, **sections})


def users(*logins: str, **common: Any) -> dict[str, dict[str, Any]]:
    return {login: user(login=login, **common) for login in logins}


CONSEILLER = {"from": "all", "rights": {"administration": {"module_access": False}}}
