"""Services defaults: user references, secrets only from the environment, safe file references."""

from __future__ import annotations

from collections.abc import Iterator

from o2s_config.checks.context import CheckContext, DocPath
from o2s_config.diagnostics import Diagnostic
from o2s_config.model.hierarchy import manager_map
from o2s_config.model.services import MAIL_SERVERS, password_variable
from o2s_config.positioned import SecretText
from o2s_config.references import UnsafeReferenceError, is_tenant_file_name, resolve_reference


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    services = ctx.org.services
    if services is None:
        return
    yield from _user_references(ctx)
    yield from _secrets(ctx)
    if services.logos is not None:
        for name in ("application", "print"):
            value = getattr(services.logos, name)
            if value is not None:
                yield from file_reference_errors(ctx, ("services", "logos", name), value)
    for label, template in (services.email_templates or {}).items():
        if template.body_file is not None:
            yield from file_reference_errors(
                ctx, ("services", "email_templates", label, "body_file"), template.body_file
            )


def _user_references(ctx: CheckContext) -> Iterator[Diagnostic]:
    services = ctx.org.services
    users = ctx.known.get("users")
    if services is None or users is None:
        return
    alerts = services.alerts
    advisor = alerts.new_clients.default_advisor if alerts and alerts.new_clients else None
    if advisor is not None and advisor not in users:
        yield ctx.at(("services", "alerts", "new_clients", "default_advisor"), f"unknown user '{advisor}'")
    copy = services.editions.copy_to if services.editions else None
    if copy is None:
        return
    managers = set(manager_map(ctx.org.hierarchy or {}).values())
    for index, login in enumerate(copy.users):
        if login not in users:
            yield ctx.at(("services", "editions", "copy_to", "users", index), f"unknown user '{login}'")
    for index, login in enumerate(copy.teams):
        if login not in users:
            yield ctx.at(("services", "editions", "copy_to", "teams", index), f"unknown user '{login}'")
        elif login not in managers:
            yield ctx.at(
                ("services", "editions", "copy_to", "teams", index), f"'{login}' has no one attached in the hierarchy"
            )


def _secrets(ctx: CheckContext) -> Iterator[Diagnostic]:
    """Passwords must come from ${env:VAR}: a password written in a file in git is a leaked password."""
    for server in MAIL_SERVERS:
        path: DocPath = ("services", "email_server", server, "password")
        value = ctx.raw(path)
        if value is not None and not isinstance(value, SecretText):
            yield ctx.at(
                path,
                f"the {server.upper()} password must come from the environment, "
                f"e.g. ${{env:{password_variable(server)}}}",
            )


def file_reference_errors(ctx: CheckContext, path: DocPath, reference: str) -> Iterator[Diagnostic]:
    """A referenced file must stay inside the organisation file's repository, exist, and be storable by its name."""
    try:
        target = resolve_reference(ctx.base_dir, reference, ctx.repository)
    except UnsafeReferenceError as exc:
        yield ctx.at(path, str(exc))
        return
    if not is_tenant_file_name(reference):
        yield ctx.at(
            path,
            f"'{reference}' cannot be a file name in the tenant, which stores the file under the name written "
            "here: write a path from the organisation file's folder down, without '..'",
        )
        return
    if not target.is_file():
        yield ctx.at(path, f"file '{reference}' not found")
