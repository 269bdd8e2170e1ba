"""Firm-wide and team defaults of the Services module."""

from __future__ import annotations

import re
from datetime import date
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


# A setting of a page whose fields the guide does not name: kept as the file writes it.
Setting = StrictBool | StrictInt | StrictFloat | str


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
    """A mail server for sending (SMTP) and receiving (IMAP): each user's own, in Services > Emails."""

    smtp: MailServer | None = None
    imap: MailServer | None = None


# The mail servers, in the file's order; each password is a secret set through the environment.
MAIL_SERVERS: tuple[str, ...] = tuple(EmailServer.model_fields)


def password_variable(server: str, login: str | None = None) -> str:
    """The environment variable a mail password is read from: ``O2S_SMTP_PASSWORD[_LOGIN]`` (a user's own)."""
    suffix = "_" + re.sub(r"[^A-Z0-9]", "_", login.upper()) if login else ""
    return f"O2S_{server.upper()}_PASSWORD{suffix}"


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


class CommercialOperation(Strict):
    """An operation of Services > Affaires et opérations > Affaires / Opérations commerciales."""

    description: str | None = None
    start: date | None = None
    end: date | None = None
    objectives: dict[str, float] | None = Field(
        default=None, description="the objective of each advisor (by login) in this operation"
    )

    @model_validator(mode="after")
    def _in_order(self) -> CommercialOperation:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError("'end' is before 'start'")
        return self


class ReceivedCommission(Strict):
    """« Commissions perçues » of one product: a rate (percent) per kind of transaction (versement, arbitrage…)."""

    rates: dict[str, float] = Field(description="kind of transaction -> rate in percent")

    @model_validator(mode="after")
    def _percent(self) -> ReceivedCommission:
        wrong = [kind for kind, rate in self.rates.items() if not 0 <= rate <= 100]
        if wrong:
            raise ValueError(f"a rate is a percentage between 0 and 100 ({', '.join(wrong)})")
        return self


class DocumentTemplate(Strict):
    """A « Modèles de GED » entry: the documents expected for a client or for a product (support)."""

    applies_to: Literal["client", "product"]
    documents: list[str] = Field(description="the kinds of documents the template expects")


class WordTemplate(Strict):
    """A public Word template (« Modèles Word »): the firm's users may use it, not change it."""

    file: str = Field(description="path of the .docx file, relative to the organisation file")
    description: str | None = None


# Where each Services section lives in O2S's screens (the set-up guide's menu paths): where an
# administrator sets it by hand when the target cannot write it. A dotted key names a part of a
# section the guide puts on a page of its own.
SERVICE_PATHS: dict[str, str] = {
    "contact_categories": "Services > Modules > Contacts > Catégories de contacts",
    "commercial_operations": "Services > Affaires et opérations > Affaires / Opérations commerciales",
    "products": "Services > Personnalisation > Catalogue produits",
    "received_commissions": "Services > Personnalisation > Catalogue produits > Commissions perçues",
    "document_templates": "Services > Personnalisation > Modèles de GED",
    "compliance": "Services > Personnalisation > Paramétrage > Contact > Conformité",
    "alerts": "Services > Modules > Accueil et pilotage > Alertes",
    "logos": "Services > Personnalisation > Logos > Logo de l’application / Logo impression",
    "editions": "Services > Editions",
    "word_templates": "Services > Personnalisation > Modèles Word",
    "agenda": "Services > Modules > Agenda > Options",
    "agenda.event_types": "Services > Personnalisation > Paramétrage > Agenda > Type…",
    "email_templates": "Services > Personnalisation > Emails types",
    "email_server": "Services > Emails",
    "esignature": "Services > Personnalisation > Paramétrage > Signature électronique",
    "moneypitch": "Services > MoneyPitch",
}


def service_screen(path: str) -> str | None:
    """The guide's page for a Services section or a value in it (dotted ``path``): the most specific
    page it names, or None when the guide names none."""
    while path:
        if path in SERVICE_PATHS:
            return SERVICE_PATHS[path]
        path = path.rpartition(".")[0]
    return None


class Services(Strict):
    contact_categories: list[str] | None = None
    agenda: Agenda | None = None
    alerts: Alerts | None = None
    editions: Editions | None = None
    logos: Logos | None = None
    email_templates: dict[str, EmailTemplate] | None = None
    email_server: EmailServer | None = Field(
        default=None,
        description="the old firm-wide form, still read: O2S keeps the mail server per user "
        "(Services > Emails), written users.<login>.email_server",
    )
    compliance: Compliance | None = None
    advisor_statuses: dict[str, AdvisorStatus] | None = None
    products: dict[str, Product] | None = Field(default=None, description="product catalogue, by code")
    commercial_operations: dict[str, CommercialOperation] | None = Field(
        default=None, description="commercial operations by name, with each advisor's objective"
    )
    received_commissions: dict[str, ReceivedCommission] | None = Field(
        default=None, description="« Commissions perçues », by product code (of products)"
    )
    document_templates: dict[str, DocumentTemplate] | None = Field(default=None, description="« Modèles de GED »")
    word_templates: dict[str, WordTemplate] | None = Field(default=None, description="« Modèles Word », by name")
    esignature: dict[str, Setting] | None = Field(
        default=None,
        description="Services > Personnalisation > Paramétrage > Signature électronique: the page's settings by "
        "name (the guide names the page, not its fields)",
    )
    moneypitch: dict[str, Setting] | None = Field(
        default=None, description="Services > MoneyPitch: the page's settings by name (the guide names the page only)"
    )
