"""The establishment ("Nom et coordonnées de l'établissement"): its three tabs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, WithJsonSchema

from o2s_config.model.common import Address, Email, Phone, Strict
from o2s_config.model.limits import AMOUNT_MAX


def _digits(count: int, what: str) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) != count or not value.isascii() or not value.isdigit():
            raise ValueError(f"{what} must be {count} digits, got '{value}'")
        return value

    return AfterValidator(check)


# the pattern stays in the JSON Schema for editors; the validator gives the clearer message
Siren = Annotated[str, _digits(9, "a SIREN number"), WithJsonSchema({"type": "string", "pattern": r"^\d{9}$"})]
Orias = Annotated[
    str, _digits(8, "an ORIAS registration number"), WithJsonSchema({"type": "string", "pattern": r"^\d{8}$"})
]
Activity = Literal["CIF", "COA", "IAS", "MIA", "MIAS", "IOBSP", "COBSP", "ALPSI", "CARTE_T", "PSI"]


class GeneralInfo(Strict):
    """General information: shown in editions, letters and e-mail templates ("variables O2S")."""

    name: str = Field(min_length=1, description="Raison sociale; changing it requires O2S support")
    email: Email
    phone: Phone | None = None
    fax: Phone | None = None
    website: str | None = None
    address: Address | None = None


class LegalInfo(Strict):
    """ "Informations juridiques"."""

    legal_form: str | None = None
    siren: Siren | None = None
    rcs: str | None = None
    share_capital: float | None = Field(default=None, ge=0, le=AMOUNT_MAX)
    vat_number: str | None = None
    legal_representative: str | None = None


class Insurance(Strict):
    insurer: str
    policy_number: str | None = None
    amount: float | None = Field(default=None, ge=0, le=AMOUNT_MAX)


class Mediator(Strict):
    name: str
    website: str | None = None
    address: Address | None = None


class IntermediationInfo(Strict):
    """ "Informations d'intermédiation": the regulated facts of a CGP firm."""

    orias: Orias | None = None
    activities: list[Activity] | None = None
    cif_association: str | None = None
    rc_pro: Insurance | None = None
    financial_guarantee: Insurance | None = None
    mediator: Mediator | None = None


class Establishment(Strict):
    general: GeneralInfo
    legal: LegalInfo | None = None
    intermediation: IntermediationInfo | None = None
