"""Structures ("agences" in Harvest's API): the firm's entities."""

from __future__ import annotations

from pydantic import Field

from o2s_config.model.common import Address, Strict


class Structure(Strict):
    """A structure; its code is its key in the file."""

    name: str = Field(min_length=1)
    address: Address | None = None
    renamed_from: str | None = Field(default=None, description="the code this structure had before")
