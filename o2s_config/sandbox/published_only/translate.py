"""Between the published names and the sandbox's records: bodies in, problems' field names out."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from o2s_config.sandbox import users, wire
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.published_only.wire import AgenceIn, UtilisateurIn
from o2s_config.sandbox.store import Tx
from o2s_config.sandbox.user_shape import record_of

# a record field (as the storage rules name it) -> the published field that carries it
PUBLISHED_FIELDS = {
    "email": "donneesPersonnelles.moyensContact.emails",
    "last_name": "donneesPersonnelles.nom",
    "first_name": "donneesPersonnelles.prenoms",
    "title": "donneesPersonnelles.civilite",
    "title_other": "donneesPersonnelles.civilite",
    "structure": "agenceIds",
    "profile": "profilId",
    "ref_externes": "refExternes",
    "manager": "responsableId",
}


def user_changes(tx: Tx, body: UtilisateurIn, user_id: int | None) -> dict[str, Any]:
    """The record fields a published body sets for a new user, or user ``user_id``: all published ones.

    The conversion is the full sandbox's own (``users.changes_of``), given a body where every
    published field is present, so a PUT replaces them all; ``statut`` left out keeps the account state.
    """
    changes = users.changes_of(tx, wire.UtilisateurIn.model_validate(body.model_dump()))
    if changes.get("title") != "Autre":
        changes["title_other"] = None  # the free title has no published field: it goes with « Autre »
    elif user_id is None or not record_of(users.get_row(tx, user_id))["title_other"]:
        message = "civilite « Autre » needs the free title only the O2S user screen sets: use M. or Mme here"
        raise ProblemError("validation", message, "donneesPersonnelles.civilite")
    return changes


def agence_fields(body: AgenceIn) -> dict[str, Any]:
    """The published fields of a structure body, all of them (an absent ``adresse`` clears it)."""
    return body.model_dump(mode="json")


def published_field(field: str | None) -> str | None:
    """The published name of a record field (``email`` -> ``donneesPersonnelles.moyensContact.emails``)."""
    if field is None:
        return None
    return PUBLISHED_FIELDS.get(field.partition(".")[0], field)


@contextmanager
def published_problems() -> Iterator[None]:
    """Re-raise a problem of the storage rules with the published field names in ``field`` and ``detail``."""
    try:
        yield
    except ProblemError as problem:
        renamed = published_field(problem.field)
        if problem.field is not None and renamed != problem.field:
            problem.detail = problem.detail.replace(f"{problem.field}:", f"{renamed}:", 1)
            problem.field = renamed
        raise
