"""Request and response shapes of the HTTP API (what the OpenAPI document describes).

These are transport shapes, not a second domain model: the ``ext`` objects are derived
from the organisation model's ``User``, and the extension endpoints take the model's own
classes (Establishment, Services, ExtranetCode, BilledOptions, RightsSet) as bodies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from o2s_config.model import RightsSet, User
from o2s_config.model.common import Address
from o2s_config.model.hierarchy import Hierarchy
from o2s_config.model.profiles import RightsSpec

Statut = Literal["ACTIVE", "INACTIVE"]
# SQLite integers are 64-bit: a larger id cannot exist, so it is refused before any query
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Loose(BaseModel):
    """Published bodies: read-only fields a client echoes back (id, dates) are ignored."""

    model_config = ConfigDict(extra="ignore")


class Exact(BaseModel):
    """Extension bodies: an unknown key is an error, so a typo never goes unnoticed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _all_optional(model: type[BaseModel]) -> dict[str, Any]:
    return {
        name: (Optional[info.annotation], Field(default=None, description=info.description))  # noqa: UP045
        for name, info in model.model_fields.items()
        if name != "renamed_from"
    }


_EXT_EXTRA: dict[str, Any] = {
    "login": (str | None, Field(default=None, description="'Identifiant de connexion'; required on creation")),
    "manager": (str | None, Field(default=None, description="login of his manager; null detaches him")),
    "manager_id": (int | None, Field(default=None, description="read-only: ignored on write")),
    "etag": (str | None, Field(default=None, description="read-only: ignored on write")),
}

# mypy cannot follow create_model; the runtime class has every User field, all optional
if TYPE_CHECKING:
    UserExtIn = Exact
else:
    UserExtIn = create_model("UserExtIn", __base__=Exact, **_EXT_EXTRA, **_all_optional(User))


class UserExt(User):
    """The ``ext`` object of a user as read: every model field plus login, manager and ETag."""

    login: str
    manager: str | None
    manager_id: int | None
    etag: str


class RefExterne(BaseModel):
    referentiel: str = Field(min_length=1)
    identifiant: str = Field(min_length=1)


class MoyensContactIn(Loose):
    adresse: dict[str, Any] | None = None
    telephones: list[str] | None = None
    emails: list[str] | None = None


class DonneesPersonnellesIn(Loose):
    civilite: str | None = None
    nom: str | None = None
    prenoms: list[str] | None = None
    moyensContact: MoyensContactIn | None = None


class UtilisateurIn(Loose):
    profilId: Id | None = None
    refExternes: list[RefExterne] | None = None
    statut: Statut | None = None
    agenceIds: list[Id] | None = None
    donneesPersonnelles: DonneesPersonnellesIn | None = None
    ext: UserExtIn | None = None


class MoyensContact(BaseModel):
    adresse: dict[str, Any] | None
    telephones: list[str]
    emails: list[str]


class DonneesPersonnelles(BaseModel):
    civilite: str | None
    nom: str
    prenoms: list[str]
    moyensContact: MoyensContact


class Utilisateur(BaseModel):
    """A user as read (``GET /utilisateurs``)."""

    id: int
    dateCreation: str
    dateMaj: str
    profilId: int | None
    refExternes: list[RefExterne]
    statut: Statut
    agenceIds: list[int]
    donneesPersonnelles: DonneesPersonnelles
    ext: UserExt


class StatutIn(Loose):
    statut: Statut


class ResponsableIn(Loose):
    responsableId: Id | None


class AgenceIn(Loose):
    code: str | None = None
    nom: str | None = None
    adresse: Address | None = None


class EtagOnly(BaseModel):
    etag: str


class Agence(BaseModel):
    id: int
    code: str
    nom: str
    adresse: Address | None
    dateCreation: str
    dateMaj: str
    ext: EtagOnly


class Profil(BaseModel):
    id: int
    libelle: str
    valide: bool
    dateCreation: str
    dateMaj: str


class ProfileIn(RightsSet):
    """A profile to create or replace: a base (``from``) and the rights that differ from it."""

    label: str = Field(min_length=1)
    valid: bool = True


class DuplicateIn(Exact):
    label: str = Field(min_length=1)
    valid: bool = True


class ProfileOut(BaseModel):
    id: int
    label: str
    valid: bool
    builtin: bool
    rights: RightsSpec
    etag: str


class HierarchyIn(Exact):
    managers: dict[str, str | None] | None = None
    tree: Hierarchy | None = None


class HierarchyOut(BaseModel):
    tree: Hierarchy
    managers: dict[str, str]


class ExtranetCodeOut(BaseModel):
    id: int
    provider: str
    code: str
    advisor: str
    authorisation_letter: str | None
    etag: str


class OutboxItem(BaseModel):
    id: int
    kind: str
    user_id: int | None
    login: str | None
    to: str
    subject: str
    created: str


class Access(BaseModel):
    read: bool
    write: bool


class Capabilities(BaseModel):
    server: str
    api_version: str
    extension_prefix: str
    max_page_size: int
    user_extension_field: str
    secret_fingerprint: str
    resources: dict[str, Access]


class StoredFile(BaseModel):
    """A file the tenant holds, without its content (``GET /ext/v1/files/{path}`` gives the bytes)."""

    path: str
    sha256: str = Field(description="hex SHA-256 of the content")
    size: int


class Revision(BaseModel):
    revision: int
    schema_version: int


class Token(BaseModel):
    access_token: str
    token_type: str
    expires_in: int


class Problem(BaseModel):
    """Problem JSON (RFC 7807 style); ``field`` names the field concerned."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    instance: str | None = None
