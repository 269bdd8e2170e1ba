"""Shared base and value types of the organisation model."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from o2s_config.model.limits import EMAIL_MAX, PHONE_MAX, POSTAL_CODE_MAX, TEXT_MAX

# Deliberately simple: one "@", a dot in the domain, no spaces. O2S sends mail to it,
# so anything fancier is the mail server's business.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _check_email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"'{value}' is not a valid e-mail address")
    return value


Email = Annotated[str, StringConstraints(max_length=EMAIL_MAX), AfterValidator(_check_email)]
# kept as written: "+33142000000" stays with its "+" (see WrittenInt)
Phone = Annotated[str, StringConstraints(max_length=PHONE_MAX)]


class Strict(BaseModel):
    """Base of every model: unknown keys are errors, so a typo never goes unnoticed."""

    # coerce_numbers_to_str: a SIREN or ORIAS number written without quotes is still text, as written;
    # every text has a length limit and every number is finite (model/limits.py)
    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        coerce_numbers_to_str=True,
        str_max_length=TEXT_MAX,
        allow_inf_nan=False,
    )


class Address(Strict):
    street: str | None = None
    postal_code: Annotated[str, StringConstraints(max_length=POSTAL_CODE_MAX)] | None = None
    city: str | None = None
    country: str | None = None
