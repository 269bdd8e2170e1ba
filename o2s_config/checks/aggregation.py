"""Aggregation: extranet codes belong to known advisors and are not given twice."""

from __future__ import annotations

from collections.abc import Iterator

from o2s_config.checks.context import CheckContext
from o2s_config.checks.services import file_reference_errors
from o2s_config.diagnostics import Diagnostic
from o2s_config.keys import natural_key


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    aggregation = ctx.org.aggregation
    if aggregation is None or not aggregation.extranet_codes:
        return
    seen: dict[tuple[str, str], int] = {}
    users = ctx.known.get("users")
    for index, code in enumerate(aggregation.extranet_codes):
        path = ("aggregation", "extranet_codes", index)
        key = (natural_key(code.provider), natural_key(code.code))
        if key in seen:
            yield ctx.at(
                path,
                f"extranet code '{code.code}' of '{code.provider}' is listed twice (first as item {seen[key] + 1})",
            )
        seen.setdefault(key, index)
        if users is not None and code.advisor not in users:
            yield ctx.at((*path, "advisor"), f"unknown user '{code.advisor}'")
        if code.authorisation_letter is not None:
            yield from file_reference_errors(ctx, (*path, "authorisation_letter"), code.authorisation_letter)
