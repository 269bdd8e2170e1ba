"""The whole organisation file."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from o2s_config.model.aggregation import Aggregation
from o2s_config.model.common import Strict
from o2s_config.model.establishment import Establishment
from o2s_config.model.hierarchy import Hierarchy
from o2s_config.model.policies import Policies
from o2s_config.model.profiles import Profile
from o2s_config.model.services import Services
from o2s_config.model.structures import Structure
from o2s_config.model.users import User


class Prune(Strict):
    """Which collections may lose members the file does not list. Users are deactivated, not deleted."""

    structures: bool = False
    profiles: bool = False
    users: bool = False
    extranet_codes: bool = False


class Safety(Strict):
    """When apply refuses to remove members of a collection without --force."""

    max_delete_share: float = Field(
        default=0.2, ge=0, le=1, description="share of a collection deleted or deactivated before --force"
    )
    min_collection_size: int = Field(
        default=10,
        ge=0,
        description="the share threshold applies to collections of at least this many members; "
        "below it, removals are announced, not refused",
    )


class Organisation(Strict):
    """An O2S organisation. A section left out is not managed; an empty one is managed and empty."""

    version: Literal[1]
    sign_in: Literal["login", "sso"] | None = Field(
        default=None,
        description="how the firm's users sign in: 'login' (each has an « Identifiant de connexion », O2S's default) "
        "or 'sso' (the firm's single sign-on: users may have none, has_login: false). Checked, not written",
    )
    establishment: Establishment | None = None
    structures: dict[str, Structure] | None = None
    profiles: dict[str, Profile] | None = None
    users: dict[str, User] | None = None
    hierarchy: Hierarchy | None = None
    aggregation: Aggregation | None = None
    services: Services | None = None
    prune: Prune | None = None
    safety: Safety | None = None
    policies: Policies | None = Field(default=None, description="rules validate enforces (docs/access.md)")

    @field_validator("version", mode="before")
    @classmethod
    def _exactly_one(cls, value: object) -> object:
        # pydantic's Literal[1] would take `true` or `1.0`; a format version is an integer
        if type(value) is not int:
            raise ValueError("must be the integer 1 (the format version)")
        return value
