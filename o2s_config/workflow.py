"""The engine's pipelines, wiring the stages: read tenant -> plan; plan -> apply; tenant -> export.

Each function takes an open client and returns data; printing and prompting are the CLI's job.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from o2s_config import acks
from o2s_config.apply import ApplyReport, Listener, run_changes
from o2s_config.assets import (
    ExportedFiles,
    download,
    local_files,
    references,
    rewrite_references,
    safe_names,
    settle_files,
    sha256,
    upload_referenced,
)
from o2s_config.backends.http import O2SClient
from o2s_config.backends.linked import adoption, place
from o2s_config.backends.published_writes import execute_published
from o2s_config.backends.tenant import TenantState, read_tenant, settle_secrets
from o2s_config.backends.writes import execute
from o2s_config.catalog import Catalog
from o2s_config.changes import Change
from o2s_config.errors import StalePlanError
from o2s_config.export import export_text
from o2s_config.identity import identify, proposed_logins
from o2s_config.kinds import HIERARCHY, REGISTER
from o2s_config.manual_steps import ManualStep, manual_steps, published_part
from o2s_config.model import Organisation
from o2s_config.plan import FORMAT_VERSION, Plan, build_plan
from o2s_config.validate import ValidatedOrganisation


@dataclass
class Planned:
    """A plan and the tenant state it was computed from (apply needs its ids)."""

    plan: Plan
    state: TenantState
    uploads: dict[str, bytes] = field(default_factory=dict)  # files the tenant lacks or holds otherwise


def readable_part(desired: Organisation, state: TenantState) -> tuple[Organisation, list[str]]:
    """What of ``desired`` the target lets us compare; notes name what is left to do by hand."""
    notes = []
    for kind in REGISTER:
        if kind.name in state.readable or kind.members(desired) is None:
            continue
        notes.append(
            f"this target cannot read {kind.name.replace('_', ' ')}s: they are not compared; "
            f"check them by hand in {kind.manual_path}"
        )
        desired = kind.without(desired)
    return desired, notes


async def plan_organisation(
    client: O2SClient,
    desired: Organisation,
    catalog: Catalog,
    target: str,
    secrets: Iterable[str] = (),
    files: dict[str, bytes] | None = None,
) -> Planned:
    """Read the tenant and plan ``desired`` against it (``files``: the content of the files it refers to)."""
    state = await read_tenant(client)
    adoptions: list[Change] = []
    steps: list[ManualStep] = []
    people: list[str] = []
    if state.published is not None:
        adoptions, steps, people = published_plan(state, desired, catalog, secrets)
        desired = published_part(desired, state.published.profiles)
    desired, notes = readable_part(desired, state)
    notes += people
    current = settle_files(settle_secrets(state, desired), state.files, files or {})
    plan = build_plan(
        desired,
        current,
        catalog,
        target,
        identity=state.identity,
        secrets=secrets,
        writable=state.writable,
        adoptions=adoptions,
    )
    shown = [step for step in steps if not step.implied]
    implied = [step for step in steps if step.implied]
    uploads = {n: c for n, c in (files or {}).items() if (state.files or {}).get(n) != sha256(c)}
    plan = replace(plan, warnings=[*plan.warnings, *notes], manual_steps=shown, implied=implied)
    return Planned(plan, state, uploads if state.files is not None else {})


def published_plan(
    state: TenantState, desired: Organisation, catalog: Catalog, secrets: Iterable[str]
) -> tuple[list[Change], list[ManualStep], list[str]]:
    """A published-only tenant: link its people to the file's users, and list what only the screens do.

    The hierarchy is read and written through the published manager endpoint; every kind the
    published API does not serve becomes manual steps (not the note a full target gives).
    """
    assert state.published is not None
    wanted = {login: user.email for login, user in (desired.users or {}).items()}
    identities = identify(state.published.people, wanted)
    place(state, identities)
    state.readable |= {HIERARCHY.name}
    state.writable |= {HIERARCHY.name}
    adoptions = [adoption(login, person) for login, person in identities.adopted.items()]
    notes = []
    if identities.others and desired.users is not None:
        shown = ", ".join(person.name() for person in identities.others[:10])
        more = f" and {len(identities.others) - 10} more" if len(identities.others) > 10 else ""
        notes.append(
            f"{len(identities.others)} people of the tenant match no user of the file "
            f"(no o2s-config reference, no same e-mail): not managed, left as is: {shown}{more}"
        )
    return adoptions, manual_steps(desired, state.published.profiles, catalog, secrets), notes


async def plan_file(client: O2SClient, validated: ValidatedOrganisation, catalog: Catalog, target: str) -> Planned:
    """Read the tenant and plan the validated file against it (the plan records which file)."""
    files = local_files(validated.organisation, validated.loaded.base_dir, validated.loaded.repository)
    planned = await plan_organisation(client, validated.organisation, catalog, target, validated.loaded.secrets, files)
    # an absolute path: a saved plan may be applied from another folder (a CI job's later step)
    source = {"file": str(validated.loaded.path.resolve()), "sha256": file_digest(validated.loaded.files, files)}
    plan = acknowledged(replace(planned.plan, source=source), acks.load(acks.ack_path(validated.loaded.path)))
    return replace(planned, plan=plan)


def acknowledged(plan: Plan, recorded: acks.Acknowledgements) -> Plan:
    """The plan without the manual steps confirmed for its target (they move to ``acknowledged``)."""
    if not plan.manual_steps and not plan.implied:
        return replace(plan, warnings=[*plan.warnings, *recorded.warnings])
    pending, done, implied = recorded.split(plan.target, [*plan.manual_steps, *plan.implied])
    warnings = [*plan.warnings, *recorded.warnings]
    if not recorded.exists:
        warnings.append(
            f"{recorded.path} does not exist: no manual step is acknowledged yet for any target "
            "(o2s-config ack records them once done)"
        )
    return replace(plan, manual_steps=pending, acknowledged=done, implied=implied, warnings=warnings)


@dataclass
class Export:
    """An exported organisation file and the files it refers to."""

    text: str
    files: ExportedFiles


async def export_tenant(client: O2SClient, catalog: Catalog) -> Export:
    """The target's organisation as a file, with the files it holds; passwords become ``${env:...}``."""
    state = await read_tenant(client)
    if state.published is not None:  # people not linked yet get keys a plan of the file adopts them by
        place(state, identify(state.published.people, proposed_logins(state.published.people)))
    current = settle_secrets(state, None)
    files = ExportedFiles()
    if state.files is not None:
        names = references(current)
        files.renamed = {n: safe for n, safe in safe_names(names).items() if n != safe}
        files.missing = [n for n in names if n not in state.files]
        held = await download(client, [n for n in names if n in state.files])
        files.contents = {files.renamed.get(n, n): content for n, content in held.items()}
        current = rewrite_references(current, lambda n: files.renamed.get(n, n))
    return Export(export_text(current, catalog), files)


def file_digest(files: list[Path], assets: dict[str, bytes] | None = None) -> str:
    """A hash of the organisation file, every file it extends and every file they refer to."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    for name, content in sorted((assets or {}).items()):
        digest.update(f"\0{name}\0{len(content)}\0".encode())
        digest.update(content)
    return "sha256:" + digest.hexdigest()


def check_saved(saved: dict[str, Any], planned: Planned) -> None:
    """Refuse a saved plan when the tenant or the file changed since it was computed."""
    if saved.get("format_version") != FORMAT_VERSION:
        raise StalePlanError(
            f"this plan was saved in format {saved.get('format_version')!r}, this o2s-config reads "
            f"{FORMAT_VERSION!r}: run plan again and review it"
        )
    if saved.get("fingerprint") != planned.plan.fingerprint:
        raise StalePlanError(
            "the tenant changed since this plan was saved (fingerprint differs): run plan again and review it"
        )
    if saved.get("source", {}).get("sha256") != planned.plan.source.get("sha256"):
        raise StalePlanError("the organisation file changed since this plan was saved: run plan again and review it")
    if [c.get("id") for c in saved.get("changes", [])] != [c.id for c in planned.plan.changes]:
        raise StalePlanError("this plan no longer matches what the file asks for: run plan again and review it")


async def apply_planned(
    client: O2SClient,
    planned: Planned,
    parallelism: int,
    on_finish: Listener | None = None,
    stop: asyncio.Event | None = None,
) -> ApplyReport:
    """Make the plan's changes on the tenant; once ``stop`` is set, start no more (``apply.run_changes``)."""

    write = execute_published if planned.state.published is not None else execute

    async def one(change: Any) -> None:
        if planned.uploads and change.action != "delete":
            await upload_referenced(client, planned.uploads, change.desired or change.payload)
        await write(client, planned.state, change)

    return await run_changes(planned.plan.changes, one, parallelism, on_finish, stop)
