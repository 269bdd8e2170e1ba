"""Files an organisation refers to (logos, e-mail template bodies, authorisation letters) and their trip
through a tenant: compared by content hash in the plan, uploaded by apply, written back by export.

In the file they are paths relative to the organisation file; in the tenant they are files held
under that name. A file whose content differs from the tenant's makes the reference differ in the
plan (the tenant's side names the content it holds), so a changed logo is a change to review.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from o2s_config.backends.http import O2SClient
from o2s_config.canonical import plain
from o2s_config.errors import O2SConfigError
from o2s_config.model import Organisation
from o2s_config.references import Repository, UnsafeReferenceError, is_tenant_file_name, resolve_reference

FILES_PATH = "/ext/v1/files"
EXPORT_FOLDER = "files"  # where export puts a file whose tenant name is not a safe relative path


def sha256(content: bytes) -> str:
    """The hex SHA-256 the tenant lists for a file."""
    return hashlib.sha256(content).hexdigest()


def rewrite_references(org: Organisation, change: Callable[[str], str]) -> Organisation:
    """``org`` with every file reference passed through ``change`` (the one list of where files are named)."""
    services = org.services
    if services is not None:
        update: dict[str, Any] = {}
        if services.logos is not None:
            logos = services.logos
            update["logos"] = logos.model_copy(
                update={n: change(v) for n in ("application", "print") if (v := getattr(logos, n)) is not None}
            )
        if services.email_templates is not None:
            update["email_templates"] = {
                label: t.model_copy(update={"body_file": change(t.body_file)}) if t.body_file is not None else t
                for label, t in services.email_templates.items()
            }
        if services.word_templates is not None:
            update["word_templates"] = {
                name: w.model_copy(update={"file": change(w.file)}) for name, w in services.word_templates.items()
            }
        services = services.model_copy(update=update)
    aggregation = org.aggregation
    if aggregation is not None and aggregation.extranet_codes is not None:
        codes = [
            c.model_copy(update={"authorisation_letter": change(c.authorisation_letter)})
            if c.authorisation_letter is not None
            else c
            for c in aggregation.extranet_codes
        ]
        aggregation = aggregation.model_copy(update={"extranet_codes": codes})
    return org.model_copy(update={"services": services, "aggregation": aggregation})


def references(org: Organisation) -> list[str]:
    """Every file name ``org`` refers to, once each, in the order met."""
    found: dict[str, None] = {}

    def note(name: str) -> str:
        found[name] = None
        return name

    rewrite_references(org, note)
    return list(found)


def local_files(org: Organisation, base_dir: Path, repository: Repository) -> dict[str, bytes]:
    """The content of each file the organisation file refers to (validation kept them inside ``repository``)."""
    contents = {}
    for name in references(org):
        try:
            contents[name] = resolve_reference(base_dir, name, repository).read_bytes()
        except (UnsafeReferenceError, OSError) as error:
            raise O2SConfigError(f"cannot read the file '{name}': {error}") from None
    return contents


def settle_files(current: Organisation, held: Mapping[str, str] | None, local: Mapping[str, bytes]) -> Organisation:
    """The tenant's state, each reference the file also makes shown with the tenant's content when it differs.

    ``held`` is the tenant's name -> SHA-256 (None when the target cannot list files: then only
    names are compared).
    """
    if held is None:
        return current

    def settled(name: str) -> str:
        if name not in local or held.get(name) == sha256(local[name]):
            return name
        if name not in held:
            return f"{name} (no content in the tenant)"
        return f"{name} (other content in the tenant, sha256 {held[name][:12]})"

    return rewrite_references(current, settled)


async def upload_referenced(client: O2SClient, uploads: dict[str, bytes], desired: Any) -> None:
    """Upload the files a change refers to that the tenant lacks or holds with other content."""
    for name in sorted(_strings(plain(desired)) & uploads.keys()):
        await client.request(
            "PUT",
            f"{FILES_PATH}/{quote(name, safe='/')}",
            content=uploads[name],
            headers={"Content-Type": "application/octet-stream"},
        )


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, Mapping):
        return set().union(*(_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(_strings(v) for v in value)) if value else set()
    return set()


async def download(client: O2SClient, names: Iterable[str]) -> dict[str, bytes]:
    """The content of each named file the tenant holds."""
    found = {}
    for name in names:
        response = await client.request("GET", f"{FILES_PATH}/{quote(name, safe='/')}")
        found[name] = response.content
    return found


# --- export: the tenant's files written next to the exported organisation file ---------------------


@dataclass
class ExportedFiles:
    """What export writes beside the organisation file, and what it could not."""

    contents: dict[str, bytes] = field(default_factory=dict)  # name (relative to the exported file) -> bytes
    missing: list[str] = field(default_factory=list)  # names the tenant refers to but holds no content for
    renamed: dict[str, str] = field(default_factory=dict)  # tenant name -> safe name written instead


def safe_names(names: Iterable[str]) -> dict[str, str]:
    """Tenant name -> the relative path export writes it to: itself when safe, else under ``files/``."""
    chosen: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        candidate = name if is_tenant_file_name(name) else _fallback(name)
        stem, dot, suffix = candidate.rpartition(".")
        number = 2
        while candidate.casefold() in taken:
            candidate = f"{stem}-{number}.{suffix}" if dot else f"{candidate}-{number}"
            number += 1
        taken.add(candidate.casefold())
        chosen[name] = candidate
    return chosen


def _fallback(name: str) -> str:
    base = re.sub(r"[^\w.-]+", "_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip("._") or "file"
    return f"{EXPORT_FOLDER}/{base}"


def check_writable(folder: Path, files: Mapping[str, bytes], overwrite: bool) -> list[str]:
    """The names that would land outside ``folder`` or replace a different file (without ``overwrite``)."""
    problems = []
    for name, content in files.items():
        try:
            target = resolve_reference(folder, name)
        except UnsafeReferenceError:
            problems.append(f"'{name}' would be written outside {folder}")
            continue
        if target.is_dir():
            problems.append(f"{target} is a folder")
        elif target.exists() and not overwrite and target.read_bytes() != content:
            problems.append(f"{target} exists with other content (use --overwrite to replace it)")
    return problems


def write_files(folder: Path, files: Mapping[str, bytes], overwrite: bool) -> tuple[list[Path], list[Path]]:
    """Write each file under ``folder`` (checked first: nothing is written when one cannot be); (written, unchanged)."""
    problems = check_writable(folder, files, overwrite)
    if problems:
        raise O2SConfigError("export did not write the files: " + "; ".join(problems))
    written, unchanged = [], []
    for name, content in sorted(files.items()):
        target = resolve_reference(folder, name)
        if target.is_file() and target.read_bytes() == content:
            unchanged.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(target, content)
        written.append(target)
    return written, unchanged


def _atomic_write(target: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder: a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
