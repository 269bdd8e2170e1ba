"""Aggregation: extranet (apporteur) codes and customised custodian contact details."""

from __future__ import annotations

from pydantic import Field

from o2s_config.model.common import Address, Email, Phone, Strict


class ExtranetCode(Strict):
    """A custodian's extranet code assigned to an advisor; (provider, code) is its key."""

    provider: str = Field(min_length=1, description="the custodian ('dépositaire', 'fournisseur')")
    code: str = Field(min_length=1, description="'code apporteur'")
    advisor: str = Field(description="login of the advisor the code is assigned to")
    authorisation_letter: str | None = Field(default=None, description="path of the signed letter")


class CustodianContact(Strict):
    """Contact details that replace O2S's own for one custodian ('Personnaliser les coordonnées')."""

    contact_name: str | None = None
    phone: Phone | None = None
    email: Email | None = None
    address: Address | None = None


class Aggregation(Strict):
    extranet_codes: list[ExtranetCode] | None = None
    custodian_contacts: dict[str, CustodianContact] | None = None
