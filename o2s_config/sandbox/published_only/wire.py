"""Request and response shapes of the published-only API (what its OpenAPI document describes).

Bodies are loose (unknown keys, ``ext`` included, are ignored, as read-only fields echoed
back are) but complete: a PUT replaces the published representation, so what a body leaves
out is cleared, never silently kept (docs/real-tenant.md).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from o2s_config.model.common import Address, Email
from o2s_config.sandbox.wire import Id, Loose, MoyensContact, RefExterne, Statut

Civilite = Literal["M.", "Mme", "Autre"]
Text = Annotated[str, Field(min_length=1)]


class MoyensContactIn(Loose):
    adresse: dict[str, Any] | None = None
    telephones: list[str] = Field(default_factory=list)
    emails: list[Email] = Field(min_length=1, description="the first one is the professional e-mail")


class DonneesPersonnellesIn(Loose):
    civilite: Civilite | None = None
    nom: Text
    prenoms: list[Text] = Field(default_factory=list)
    moyensContact: MoyensContactIn


class UtilisateurIn(Loose):
    """A user to create (POST) or the whole published representation replacing his (PUT)."""

    profilId: Id | None = Field(default=None, description="null: no profile (a 'Personnalisé' one is kept)")
    refExternes: list[RefExterne] = Field(default_factory=list)
    statut: Statut | None = Field(default=None, description="absent: ACTIVE on creation, unchanged on PUT")
    agenceIds: list[Id] = Field(min_length=1, max_length=1, description="exactly one structure")
    donneesPersonnelles: DonneesPersonnellesIn


class DonneesPersonnelles(BaseModel):
    civilite: Civilite | None
    nom: str
    prenoms: list[str]
    moyensContact: MoyensContact


class Utilisateur(BaseModel):
    """A user as published: no login, no ``ext``."""

    id: int
    dateCreation: str
    dateMaj: str
    profilId: int | None
    refExternes: list[RefExterne]
    statut: Statut
    agenceIds: list[int]
    donneesPersonnelles: DonneesPersonnelles


class Responsable(Loose):
    """A user's manager: ``responsableId`` is a user id, null when he has none."""

    responsableId: Id | None


class AgenceIn(Loose):
    """A structure to create, or the whole representation replacing one."""

    code: Text
    nom: Text
    adresse: Address | None = None


class Agence(BaseModel):
    id: int
    code: str
    nom: str
    adresse: Address | None
    dateCreation: str
    dateMaj: str
