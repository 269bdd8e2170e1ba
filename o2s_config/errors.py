"""The exceptions of o2s-config, one tree, each carrying the CLI exit code.

    O2SConfigError                 exit 1: anything the tool refuses or cannot do
    +-- InvalidFileError           the organisation file has errors (carries all diagnostics)
    +-- TargetError                the target could not be used
    |   +-- TargetUnreachableError connection refused, timed out, bad target string
    |   +-- AuthenticationError    no or bad credentials, token refused
    |   +-- ApiError               the tenant answered with a Problem JSON (status, title, detail)
    |   |   +-- ConflictError      409: the resource exists / the change conflicts
    |   |   +-- PreconditionFailedError  412: the resource changed since it was read
    |   +-- MalformedAnswerError   the tenant answered, but not in the shape its API publishes
    |   +-- SandboxDatabaseError   a sandbox database this version cannot use (an older schema)
    +-- UnsafePlanError            a safety check refused the plan (threshold, lockout)
    +-- StalePlanError             a saved plan no longer matches the tenant
    +-- ApplyError                 apply stopped on a failure (carries what was done / not done)
    +-- DeadlineExceededError      the command ran past its deadline (--deadline, O2S_DEADLINE)
    +-- LocalFileError             a file or folder of this machine could not be read or written
    TargetError
    +-- ListReadError              a list could not be read whole (never ends, repeats itself)
    +-- ResponseTooLargeError      an answer larger than the client accepts

Callers match on the class, never on the message text.
"""

from __future__ import annotations

from typing import Any

from o2s_config.diagnostics import Diagnostic


class O2SConfigError(Exception):
    """Base of every error the tool reports to its user."""

    exit_code = 1


class InvalidFileError(O2SConfigError):
    """The organisation file (or a file it extends) has one or more errors."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(d.format() for d in diagnostics))


class TargetError(O2SConfigError):
    """The target tenant could not be read or written."""


class TargetUnreachableError(TargetError):
    """The target did not answer, or the target string is not usable."""


class AuthenticationError(TargetError):
    """Credentials are missing or were refused."""


class ApiError(TargetError):
    """The tenant refused a request; the Problem JSON it sent is kept."""

    def __init__(self, status: int, title: str, detail: str = "", problem: dict[str, Any] | None = None):
        self.status = status
        self.title = title
        self.detail = detail
        self.problem = problem or {}
        super().__init__(f"{status} {title}" + (f": {detail}" if detail else ""))


class ConflictError(ApiError):
    """409: the resource already exists or the change conflicts with the tenant's state."""


class PreconditionFailedError(ApiError):
    """412: the resource changed since it was read (ETag mismatch)."""


class MalformedAnswerError(TargetError):
    """The tenant's answer is not in the published shape: ``endpoint`` and ``field`` say where."""

    def __init__(self, endpoint: str, field: str, problem: str) -> None:
        self.endpoint = endpoint
        self.field = field
        super().__init__(f"the tenant's answer to {endpoint} is malformed: {field}: {problem}")


class SandboxDatabaseError(TargetError):
    """A sandbox database file this version of o2s-config cannot use."""


class UnsafePlanError(O2SConfigError):
    """A safety check refused the plan."""


class StalePlanError(O2SConfigError):
    """The tenant changed since the saved plan was computed."""


class ApplyError(O2SConfigError):
    """apply stopped on a failure; ``done`` and ``not_done`` list the changes by description."""

    def __init__(self, message: str, done: list[str], not_done: list[str]) -> None:
        self.done = done
        self.not_done = not_done
        super().__init__(message)


class DeadlineExceededError(O2SConfigError):
    """The command ran past its deadline (``--deadline`` or ``O2S_DEADLINE``)."""


class LocalFileError(O2SConfigError):
    """A file or folder of this machine (a sandbox database, an output file) could not be used.

    The message names the path and what to do about it.
    """


class ListReadError(TargetError):
    """A list could not be read whole (it never ends, or repeats itself): nothing is planned from it."""


class ResponseTooLargeError(TargetError):
    """The tenant's answer is larger than the client reads into memory."""
