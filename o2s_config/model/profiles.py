"""Rights profiles ("Gestion des droits")."""

from __future__ import annotations

from pydantic import Field, StrictBool

from o2s_config.model.common import Strict

# tab -> right id -> value (a bool for a flag, a choice for a scope); checked against the catalogue
RightsSpec = dict[str, dict[str, StrictBool | str]]

ADMIN_PROFILE = "Administrateur"


class RightsSet(Strict):
    """A base and the rights that differ from it."""

    from_: str = Field(
        default="none",
        alias="from",
        description="all ('Appliquer tous les droits'), none, or the label of a profile to copy ('Dupliquer')",
    )
    rights: RightsSpec = Field(default_factory=dict)


class Profile(RightsSet):
    """A named profile; its label is its key in the file."""

    valid: bool | None = Field(default=None, description="'Profil valide'")
    renamed_from: str | None = Field(default=None, description="the label this profile had before")
