"""Firm-wide and team defaults of the Services module."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    SecretStr,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from o2s_config.model.common import Strict
from o2s_config.model.limits import BODY_MAX, PARAGRAPH_MAX, PASSWORD_MAX, SETTING_NUMBER_MAX, TEXT_MAX

Paragraph = Annotated[str, StringConstraints(max_length=PARAGRAPH_MAX)]
SettingText = Annotated[StrictStr, StringConstraints(max_length=PARAGRAPH_MAX)]  # a number stays a number
# numbers among the editions settings: finite (strict types ignore the model's allow_inf_nan) and bounded
SettingInt = Annotated[StrictInt, Field(ge=-SETTING_NUMBER_MAX, le=SETTING_NUMBER_MAX)]
SettingFloat = Annotated[StrictFloat, Field(ge=-SETTING_NUMBER_MAX, le=SETTING_NUMBER_MAX, allow_inf_nan=False)]


class EventType(Strict):
    color: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    duration_minutes: int | None = Field(default=None, ge=5, le=24 * 60)


class AgendaOptions(Strict):
    first_hour: int | None = Field(default=None, ge=0, le=23)
    last_hour: int | None = Field(default=None, ge=1, le=24)
    default_view: Literal["day", "week", "month"] | None = None
    show_weekends: bool | None = None


class Agenda(Strict):
    """Services > Modules > Agenda > Options, and Paramétrage > Agenda > Types."""

    options: AgendaOptions | None = None
    event_types: dict[str, EventType] | None = None


class NewClientsAlert(Strict):
    enabled: bool | None = None
    default_advisor: str | None = Field(default=None, description="login given the new clients found")


class AlertSwitch(Strict):
    enabled: bool | None = None


class Alerts(Strict):
    """Services > Modules > Accueil et pilotage > Alertes."""

    new_clients: NewClientsAlert | None = None
    new_accounts: AlertSwitch | None = None
    pending_movements: AlertSwitch | None = None
    zero_balance: AlertSwitch | None = None


class EditionsCopy(Strict):
    """'Reproduire': the users the editions settings are copied to."""

    users: list[str] = Field(default_factory=list, description="logins")
    teams: list[str] = Field(default_factory=list, description="managers: every user attached below them")
    elements: list[str] | None = Field(default=None, description="what is copied; all when absent")


class Editions(Strict):
    settings: dict[str, StrictBool | SettingInt | SettingFloat | SettingText] | None = None
    copy_to: EditionsCopy | None = None


class Logos(Strict):
    """Paths relative to the organisation file; they must stay inside its folder."""

    application: str | None = None
    print: str | None = None


class EmailTemplate(Strict):
    subject: str
    body: Annotated[str, StringConstraints(max_length=BODY_MAX)] | None = None
    body_file: str | None = Field(default=None, description="path relative to the organisation file")

    @model_validator(mode="after")
    def _one_body(self) -> EmailTemplate:
        if (self.body is None) == (self.body_file is None):
            raise ValueError("give exactly one of 'body' and 'body_file'")
        return self


class MailServer(Strict):
    # no model-wide text limit here: pydantic would apply it to the secret and misreport it
    model_config = ConfigDict(str_max_length=None)

    host: Annotated[str, StringConstraints(max_length=TEXT_MAX)]
    port: int = Field(ge=1, le=65535)
    username: Annotated[str, StringConstraints(max_length=TEXT_MAX)] | None = None
    password: SecretStr | None = Field(
        default=None, max_length=PASSWORD_MAX, description="must be a ${env:VAR} reference"
    )
    security: Literal["none", "ssl", "starttls"] | None = None


class EmailServer(Strict):
    smtp: MailServer | None = None
    imap: MailServer | None = None


# The mail servers, in the file's order; each password is a secret set through the environment.
MAIL_SERVERS: tuple[str, ...] = tuple(EmailServer.model_fields)


def password_variable(server: str) -> str:
    """The environment variable a mail server's password is read from (``O2S_SMTP_PASSWORD``)."""
    return f"O2S_{server.upper()}_PASSWORD"


class VigilanceLevel(Strict):
    description: Paragraph | None = None
    review_months: int | None = Field(default=None, ge=1, le=120)


class Compliance(Strict):
    """LCB-FT: vigilance criteria and levels."""

    criteria: list[str] | None = None
    vigilance_levels: dict[str, VigilanceLevel] | None = None


class AdvisorStatus(Strict):
    """An entry of the firm's 'Statut' list and its commission rates (percent)."""

    commission_rate: float | None = Field(default=None, ge=0, le=100)
    rates_by_category: dict[str, Annotated[float, Field(ge=0, le=100)]] | None = None


def _check_isin(value: str) -> str:
    if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{9}[0-9]", value):
        raise ValueError(f"'{value}' is not an ISIN (2 letters, 9 letters or digits, 1 check digit)")
    return value


Isin = Annotated[
    str,
    AfterValidator(_check_isin),
    WithJsonSchema({"type": "string", "pattern": "^[A-Z]{2}[A-Z0-9]{9}[0-9]$"}),
]


class Product(Strict):
    name: str
    category: str | None = None
    isin: Isin | None = None


class Services(Strict):
    contact_categories: list[str] | None = None
    agenda: Agenda | None = None
    alerts: Alerts | None = None
    editions: Editions | None = None
    logos: Logos | None = None
    email_templates: dict[str, EmailTemplate] | None = None
    email_server: EmailServer | None = None
    compliance: Compliance | None = None
    advisor_statuses: dict[str, AdvisorStatus] | None = None
    products: dict[str, Product] | None = Field(default=None, description="product catalogue, by code")
