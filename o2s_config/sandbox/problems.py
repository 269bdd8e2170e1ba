"""Problem JSON (RFC 7807 style): the one shape of every error the sandbox answers."""

from __future__ import annotations

from typing import Any

from o2s_config.sandbox.json_answer import JSONAnswer

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:o2s:problem:"

# type slug -> (status, title); the slugs are the contract clients match on (docs/api.md)
KINDS: dict[str, tuple[int, str]] = {
    "bad-request": (400, "Bad request"),
    "unauthorized": (401, "Unauthorized"),
    "forbidden": (403, "Forbidden"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "conflict": (409, "Conflict"),
    "in-use": (409, "Resource in use"),
    "lockout": (409, "Administration lockout"),
    "precondition-failed": (412, "Precondition failed"),
    "too-large": (413, "Payload too large"),
    "validation": (422, "Invalid request"),
    "rights": (422, "Invalid rights"),
    "hierarchy": (422, "Invalid hierarchy"),
    "rate-limited": (429, "Too many requests"),
    "internal": (500, "Internal server error"),
    "unavailable": (503, "Service unavailable"),
    "storage-full": (507, "Insufficient storage"),
}


class ProblemError(Exception):
    """Raised anywhere in a request to answer with a Problem JSON (and roll the transaction back)."""

    def __init__(self, kind: str, detail: str, field: str | None = None, **extra: Any) -> None:
        self.kind = kind
        self.status, self.title = KINDS[kind]
        self.detail = detail
        self.field = field
        self.extra = extra
        super().__init__(f"{self.status} {kind}: {detail}")

    def body(self, instance: str | None = None) -> dict[str, Any]:
        """The Problem JSON document."""
        body: dict[str, Any] = {
            "type": TYPE_PREFIX + self.kind,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.field is not None:
            body["field"] = self.field
        if instance is not None:
            body["instance"] = instance
        body.update(self.extra)
        return body


def problem_response(
    error: ProblemError, instance: str | None = None, headers: dict[str, str] | None = None
) -> JSONAnswer:
    """The HTTP response carrying ``error``."""
    return JSONAnswer(error.body(instance), status_code=error.status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


def field_path(loc: tuple[int | str, ...] | list[int | str]) -> str:
    """A pydantic error location as a dotted field name (``rights.agenda.view_calendars``)."""
    return ".".join(str(part) for part in loc)
