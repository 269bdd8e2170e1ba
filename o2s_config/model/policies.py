"""Policies: rules the organisation must keep, checked by validate (and so refused by plan and apply)."""

from __future__ import annotations

from pydantic import Field, model_validator

from o2s_config.model.common import Strict


class AdministratorCount(Strict):
    """How many active users may have « Accès au module « Administration » » in effect."""

    min: int | None = Field(default=None, ge=0, description="at least this many (1 keeps the firm open)")
    max: int | None = Field(default=None, ge=0, description="at most this many")

    @model_validator(mode="after")
    def _ordered(self) -> AdministratorCount:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is greater than 'max'")
        return self


class ClientReach(Strict):
    """How many other users' clients a user with nobody attached below him may see."""

    max: int = Field(ge=0, description="other users whose clients he sees (his own are not counted)")


class Policies(Strict):
    """Each rule is optional; a rule left out is not checked."""

    administrators: AdministratorCount | None = None
    forbidden_rights: dict[str, list[str]] | None = Field(
        default=None,
        description="profile label -> rights (tab.id) that must never take effect for the profile, "
        "nor for a user's custom profile copied from it",
    )
    sensitive_rights: dict[str, list[str]] | None = Field(
        default=None,
        description="profile label -> the sensitive rights (tab.id) it is meant to grant: validate and plan warn "
        "only about the others (a user's custom profile copied from it inherits the list)",
    )
    billed_options: list[str] | None = Field(
        default=None,
        description="the billed options the firm means to pay for (the user fields: esignature, "
        "options.patritheque, ...): validate and plan warn only about the others",
    )
    non_manager_client_reach: ClientReach | None = None
    advisors_have_manager: bool | None = Field(
        default=None, description="every active advisor who manages nobody is attached to a manager"
    )
