"""Mail servers' passwords: only from the environment, for the firm-wide (old) form and each user's own."""

from __future__ import annotations

from collections.abc import Iterator

from o2s_config.checks.context import CheckContext, DocPath
from o2s_config.diagnostics import Diagnostic
from o2s_config.model.services import MAIL_SERVERS, password_variable
from o2s_config.positioned import SecretText


def mail_secret_errors(ctx: CheckContext, where: DocPath, login: str | None = None) -> Iterator[Diagnostic]:
    """Passwords must come from ${env:VAR}: a password written in a file in git is a leaked password."""
    for server in MAIL_SERVERS:
        path: DocPath = (*where, server, "password")
        value = ctx.raw(path)
        if value is not None and not isinstance(value, SecretText):
            yield ctx.at(
                path,
                f"the {server.upper()} password must come from the environment, "
                f"e.g. ${{env:{password_variable(server, login)}}}",
            )
