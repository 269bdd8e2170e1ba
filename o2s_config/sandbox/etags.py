"""ETags (the tenant revision of a resource's last write) and If-Match."""

from __future__ import annotations

from o2s_config.sandbox.problems import ProblemError


def etag(version: int) -> str:
    """The quoted ETag of a resource last written at ``version``."""
    return f'"{version}"'


def check_if_match(if_match: str | None, version: int) -> None:
    """Refuse the write (412) when ``If-Match`` names none of the current ETag (``*`` matches any)."""
    if if_match is None:
        return
    current = etag(version)
    candidates = [part.strip().removeprefix("W/") for part in if_match.split(",")]
    if "*" in candidates or current in candidates:
        return
    raise ProblemError(
        "precondition-failed", f"If-Match {if_match} does not match the current ETag {current}", "If-Match"
    )
