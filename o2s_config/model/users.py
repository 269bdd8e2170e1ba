"""Users and their billed options."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field, model_validator

from o2s_config.model.common import Email, Strict
from o2s_config.model.limits import MONEYPITCH_LIMIT_MAX
from o2s_config.model.profiles import RightsSet
from o2s_config.model.services import EmailServer

MoneyPitchGrant = Literal["none", "unlimited", "limited"]
# « Droit d’attribution des accès MoneyPitch »: the screen's wording of each choice of its list
MONEYPITCH_GRANT_LABELS: Mapping[str, str] = {"none": "Aucun", "unlimited": "Illimités", "limited": "Limités à…"}


class BilledOptions(Strict):
    """Subscription options billed per user (Abonnement > Utilisateurs). Absent = not managed."""

    o2s_access: bool | None = None
    patritheque: bool | None = None
    elearning: list[str] | None = Field(default=None, description="e-learning modules assigned")
    moneypitch: bool | None = Field(default=None, description="may open MoneyPitch accesses for clients")


class User(Strict):
    """A user; the login ("Identifiant de connexion") is its key in the file.

    Optional fields left out are not managed: the tenant keeps whatever it has
    (and O2S's defaults apply when the user is created).
    """

    title: Literal["M.", "Mme", "Autre"] | None = None
    title_other: str | None = Field(default=None, description="free title when title is 'Autre'")
    advisor_id: str | None = Field(default=None, description="'Identifiant conseiller' (internal HR id)")
    last_name: str = Field(min_length=1)
    first_name: str | None = None
    sender_name: str | None = Field(default=None, description="'Nom (email)': sender name of his e-mails")
    email: Email
    structure: str | None = Field(
        default=None,
        description="'Structure': the entity he belongs to; needed only when the firm has several "
        "(O2S proposes the structures, its support changes them)",
    )
    exclude_from_harvest_emails: bool | None = None
    active: bool | None = Field(default=None, description="O2S default: true")
    advisor: bool | None = Field(default=None, description="listed as an advisor; O2S default: true")
    commission_status: str | None = Field(default=None, description="'Statut', one of services.advisor_statuses")
    profile: str | None = None
    custom_profile: RightsSet | None = Field(default=None, description="a one-off 'Personnalisé' profile")
    moneypitch_grant: MoneyPitchGrant | None = None
    moneypitch_limit: int | None = Field(default=None, ge=1, le=MONEYPITCH_LIMIT_MAX)
    esignature: bool | None = Field(default=None, description="e-signature access (billed); O2S default: true")
    options: BilledOptions | None = None
    has_login: bool | None = Field(
        default=None,
        description="false: no « Identifiant de connexion » (the firm signs in through SSO, or an inactive user); "
        "his key then only names him in this file and in the tenant's extension fields. O2S default: true",
    )
    email_server: EmailServer | None = Field(
        default=None, description="Services > Emails: his own mail server; passwords only as ${env:VAR}"
    )
    renamed_from: str | None = Field(default=None, description="the login this user had before")

    @model_validator(mode="after")
    def _coherent(self) -> User:
        if self.profile is not None and self.custom_profile is not None:
            raise ValueError("give either 'profile' or 'custom_profile', not both")
        if self.title == "Autre" and not self.title_other:
            raise ValueError("title 'Autre' needs 'title_other'")
        if self.title_other and self.title != "Autre":
            raise ValueError("'title_other' is only used with title 'Autre'")
        if (self.moneypitch_grant == "limited") != (self.moneypitch_limit is not None):
            raise ValueError("'moneypitch_limit' is required with moneypitch_grant 'limited', and only then")
        return self
