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
from o2s_config.backends.tenant import TenantState, read_tenant, settle_secrets
from o2s_config.backends.writes import execute
from o2s_config.catalog import Catalog
from o2s_config.errors import StalePlanError
from o2s_config.export import export_text
from o2s_config.kinds import REGISTER
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
    desired, notes = readable_part(desired, state)
    current = settle_files(settle_secrets(state, desired), state.files, files or {})
    plan = build_plan(
        desired, current, catalog, target, identity=state.identity, secrets=secrets, writable=state.writable
    )
    uploads = {n: c for n, c in (files or {}).items() if (state.files or {}).get(n) != sha256(c)}
    return Planned(replace(plan, warnings=[*plan.warnings, *notes]), state, uploads if state.files is not None else {})


async def plan_file(client: O2SClient, validated: ValidatedOrganisation, catalog: Catalog, target: str) -> Planned:
    """Read the tenant and plan the validated file against it (the plan records which file)."""
    files = local_files(validated.organisation, validated.loaded.base_dir, validated.loaded.repository)
    planned = await plan_organisation(client, validated.organisation, catalog, target, validated.loaded.secrets, files)
    # an absolute path: a saved plan may be applied from another folder (a CI job's later step)
    source = {"file": str(validated.loaded.path.resolve()), "sha256": file_digest(validated.loaded.files, files)}
    return replace(planned, plan=replace(planned.plan, source=source))


@dataclass
class Export:
    """An exported organisation file and the files it refers to."""

    text: str
    files: ExportedFiles


async def export_tenant(client: O2SClient, catalog: Catalog) -> Export:
    """The target's organisation as a file, with the files it holds; passwords become ``${env:...}``."""
    state = await read_tenant(client)
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

    async def one(change: Any) -> None:
        if planned.uploads and change.action != "delete":
            await upload_referenced(client, planned.uploads, change.desired or change.payload)
        await execute(client, planned.state, change)

    return await run_changes(planned.plan.changes, one, parallelism, on_finish, stop)
