"""Shared base and value types of the organisation model."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict

# Deliberately simple: one "@", a dot in the domain, no spaces. O2S sends mail to it,
# so anything fancier is the mail server's business.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"'{value}' is not a valid e-mail address")
    return value


Email = Annotated[str, AfterValidator(_check_email)]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, so a typo never goes unnoticed."""

    # coerce_numbers_to_str: a SIREN or ORIAS number written without quotes is still text
    model_config = ConfigDict(extra="forbid", populate_by_name=True, coerce_numbers_to_str=True)


class Address(Strict):
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
