"""``o2s-config access``: who can see whose agendas and clients, in a file or in a tenant."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from o2s_config.access import AccessMap, compute_access
from o2s_config.backends.http import O2SClient
from o2s_config.backends.tenant import read_tenant
from o2s_config.catalog import Catalog, load_catalog
from o2s_config.checks.policies import violations
from o2s_config.commands import DEFAULT_FILE
from o2s_config.commands.engine import DEADLINE, FILE, _run
from o2s_config.errors import O2SConfigError
from o2s_config.files import os_error, write_output
from o2s_config.loader import display_name
from o2s_config.model import Organisation
from o2s_config.positioned import locate
from o2s_config.render.access import (
    inactive_json,
    inactive_text,
    overview_text,
    review_json,
    user_text,
    who_can_see_json,
    who_can_see_text,
)
from o2s_config.render.escape import json_printable, printable, printable_lines
from o2s_config.resolve import resolve_profiles
from o2s_config.suggest import closest, did_you_mean
from o2s_config.validate import validate_file


@dataclass
class Reviewed:
    """The access map of what was read, where it came from, and the policy violations found in it."""

    access: AccessMap
    source: dict[str, str]
    violations: list[str] | None  # None: no policies were given


def review_file(path: Path, catalog: Catalog) -> Reviewed:
    """The file's desired state; its policies are reported as part of the review, not as errors."""
    validated = validate_file(path, policies=False)
    org = validated.organisation
    access = compute_access(org, validated.rights, catalog)
    found = violations(org, validated.rights, catalog, set((org.profiles or {}).keys()), access)
    placed = []
    for violation in found:
        loc = locate(validated.loaded.data, violation.path, key=violation.key)
        where = f"{loc.file}:{loc.line}:{loc.column}: " if loc else ""
        placed.append(where + violation.text())
    return Reviewed(access, {"kind": "file", "name": display_name(path)}, placed if org.policies else None)


async def review_target(client: O2SClient, catalog: Catalog, policies_from: Organisation | None) -> Reviewed:
    """The tenant's current state, checked against the file's policies when a file is given."""
    state = await read_tenant(client)
    org = state.organisation
    rights = resolve_profiles(org.profiles or {}, catalog)
    access = compute_access(org, rights, catalog)
    found: list[str] | None = None
    if policies_from is not None and policies_from.policies is not None:
        checked = org.model_copy(update={"policies": policies_from.policies})
        found = [v.text() for v in violations(checked, rights, catalog, access=access)]
    return Reviewed(access, {"kind": "target", "name": client.target.text}, found)


def _known(reviewed: Reviewed, login: str) -> None:
    """Refuse a login that is not there, with the closest one."""
    if login not in reviewed.access.everyone:
        hint = did_you_mean(closest(login, reviewed.access.everyone))
        raise O2SConfigError(f"no user '{login}' in {reviewed.source['name']}{hint}")


@click.command()
@click.argument("file", required=False, type=FILE)
@click.option("--target", help="Review the target's current state instead of FILE (FILE, if given, brings policies).")
@click.option("--user", "login", help="What this user sees: every agenda and client, and his rights.")
@click.option("--who-can-see", "seen", help="Who sees this user's agenda and clients.")
@click.option("--format", "form", type=click.Choice(["text", "json", "xlsx"]), default="text", show_default=True)
@click.option("-o", "--output", type=FILE, help="Write to FILE instead of stdout (required for xlsx).")
@DEADLINE
def access(
    file: Path | None,
    target: str | None,
    login: str | None,
    seen: str | None,
    form: str,
    output: Path | None,
    deadline: float | None,
) -> None:
    """Review who can see whose agendas and clients, with each user's effective rights.

    On FILE (default organisation.yaml) the review is of the desired state; with --target, of the
    tenant as it is now.
    """
    if login and seen:
        raise O2SConfigError("give --user or --who-can-see, not both")
    if form == "xlsx" and (output is None or login or seen):
        raise O2SConfigError("--format xlsx writes the whole review to a file: give -o FILE, without --user")
    catalog = load_catalog()
    if target is None:
        reviewed = review_file(file or Path(DEFAULT_FILE), catalog)
    else:
        policies_from = validate_file(file, policies=False).organisation if file is not None else None
        reviewed = _run(target, 8, deadline, lambda client: review_target(client, catalog, policies_from))
    for who in (login, seen):
        if who:
            _known(reviewed, who)
    if form == "xlsx" and output is not None:
        from o2s_config.render.workbook import write_workbook  # openpyxl is loaded only for a workbook

        click.echo(f"writing the workbook of {len(reviewed.access.everyone)} user(s)...", err=True)
        try:
            write_workbook(reviewed.access, catalog, reviewed.source, reviewed.violations, output)
        except OSError as error:
            raise os_error(output, error, "write this file") from None
        click.echo(printable(f"wrote {output}"), err=True)
        return
    text = _rendered(reviewed, catalog, form, login, seen)
    text = json_printable(text) if form == "json" else printable_lines(text)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)
        click.echo(printable(f"wrote {output}"), err=True)


def _rendered(reviewed: Reviewed, catalog: Catalog, form: str, login: str | None, seen: str | None) -> str:
    access, source = reviewed.access, reviewed.source
    if seen:
        if form == "json":
            return who_can_see_json(access, source, seen)
        return who_can_see_text(access, catalog, seen)
    if login and login not in access.users:
        return inactive_json(access, source, login) if form == "json" else inactive_text(access, login)
    if form == "json":
        return review_json(access, catalog, source, reviewed.violations, only=login)
    if login:
        return user_text(access, catalog, access.users[login])
    described = f"{source['name']} ({'the file: desired state' if source['kind'] == 'file' else 'current state'})"
    return overview_text(access, catalog, described, reviewed.violations)
