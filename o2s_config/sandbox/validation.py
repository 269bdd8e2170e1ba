"""pydantic validation errors turned into Problem JSON."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from o2s_config.sandbox.problems import ProblemError, field_path


def problem_from_validation(error: ValidationError, rename: Mapping[str, str] | None = None) -> ProblemError:
    """A 422 ``validation`` problem naming the first failing field (``rename`` maps model names to wire names)."""
    first = error.errors()[0]
    loc = list(first["loc"])
    if loc and rename and str(loc[0]) in rename:
        loc[0] = rename[str(loc[0])]
    where = field_path(loc) or None
    message = first["msg"]
    if first["type"] == "missing":
        message = "this field is required"
    return ProblemError("validation", f"{where}: {message}" if where else message, where)
