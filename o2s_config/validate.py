"""Validation: positioned raw data -> Organisation, with every error of the file in one pass.

Shape errors come from the model (pydantic); then the semantic checks run on whatever
entries were valid, so one run reports everything that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from o2s_config.catalog import Catalog, RightsMap, load_catalog
from o2s_config.checks import ALL, CheckContext
from o2s_config.checks.context import known_keys
from o2s_config.checks.policies import check as policy_check
from o2s_config.diagnostics import Diagnostic, Severity, sort_diagnostics
from o2s_config.env_refs import misplaced_env_references
from o2s_config.errors import InvalidFileError
from o2s_config.loader import LoadedFile, load_collecting
from o2s_config.locations import diagnostics_from_validation
from o2s_config.masking import mask
from o2s_config.model import Organisation
from o2s_config.positioned import PosDict


@dataclass
class ValidatedOrganisation:
    """A file that passed validation, with what later stages need from the check."""

    organisation: Organisation
    loaded: LoadedFile
    rights: dict[str, RightsMap]
    warnings: list[Diagnostic] = field(default_factory=list)


def validate_file(
    path: Path | str, env: dict[str, str] | None = None, *, policies: bool = True
) -> ValidatedOrganisation:
    """Load and validate ``path``; raise InvalidFileError listing every error found.

    ``policies=False`` leaves the ``policies:`` rules out (an access review reports them instead).
    """
    loaded, load_errors = load_collecting(path, env)
    if loaded is None:
        raise InvalidFileError(load_errors)
    return validate_loaded(loaded, load_errors=load_errors, policies=policies)


def validate_loaded(
    loaded: LoadedFile,
    catalog: Catalog | None = None,
    load_errors: list[Diagnostic] | None = None,
    *,
    policies: bool = True,
) -> ValidatedOrganisation:
    """Validate an already loaded document (see ``validate_file``).

    ``load_errors`` are the loader's errors on a usable document; at a place the loader
    already reported (an unset variable, say), later stages add nothing.
    """
    catalog = catalog or load_catalog()
    load_errors = list(load_errors or [])
    if loaded.env_references:
        # where a misplaced value is also unset, saying it is misplaced is what helps
        misplaced = misplaced_env_references(loaded.data, Organisation)
        places = {(d.file, d.line, d.column) for d in misplaced}
        load_errors = [d for d in load_errors if (d.file, d.line, d.column) not in places] + misplaced
    organisation, diagnostics = _model(loaded.data)
    ctx = None
    if organisation is not None:
        ctx = CheckContext(organisation, loaded.data, loaded.base_dir, catalog, known_keys(loaded.data))
        ctx.repository = loaded.repository
        for check in ALL if policies else tuple(c for c in ALL if c is not policy_check):
            diagnostics.extend(check(ctx))
    reported = {(d.file, d.line, d.column) for d in load_errors}
    diagnostics = [d for d in diagnostics if (d.file, d.line, d.column) not in reported]
    diagnostics = [_masked(d, loaded.secrets) for d in sort_diagnostics([*load_errors, *diagnostics])]
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors or organisation is None or ctx is None:
        raise InvalidFileError(diagnostics)
    warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
    return ValidatedOrganisation(organisation, loaded, ctx.rights, warnings)


def _masked(diagnostic: Diagnostic, secrets: set[str]) -> Diagnostic:
    """The diagnostic without any value that came from ${env:VAR} (a message may quote a bad value)."""
    message = mask(diagnostic.message, secrets)
    return diagnostic if message == diagnostic.message else replace(diagnostic, message=message)


def _model(data: PosDict) -> tuple[Organisation | None, list[Diagnostic]]:
    """The model of the file; when parts are invalid, the model of the valid parts.

    Invalid parts are dropped as narrowly as possible (a user, a Services sub-section) and
    only then wider (the section), so the semantic checks still see most of the file.
    """
    try:
        return Organisation.model_validate(data), []
    except ValidationError as exc:
        diagnostics = diagnostics_from_validation(exc, data, Organisation)
        invalid = [tuple(e["loc"]) for e in exc.errors()]
    salvaged: dict[str, Any] = dict(data)
    for depth in (2, 1):
        salvaged = _without(salvaged, invalid, depth)
        try:
            return Organisation.model_validate(salvaged), diagnostics
        except ValidationError as again:
            invalid = [tuple(e["loc"]) for e in again.errors()]
    return None, diagnostics


def _without(data: dict[str, Any], invalid: list[tuple[Any, ...]], depth: int) -> dict[str, Any]:
    """``data`` minus what holds each invalid place: its entry (``depth`` 2) or its section (1)."""
    drop: dict[str, set[str]] = {}
    for loc in invalid:
        section = loc[0] if loc else None
        if not isinstance(section, str) or section == "version":
            continue
        value = data.get(section)
        if depth == 2 and isinstance(value, dict) and len(loc) > 1 and loc[1] in value:
            drop.setdefault(section, set()).add(str(loc[1]))
        else:
            drop[section] = set()  # the whole section
    cleaned: dict[str, Any] = {}
    for key, value in data.items():
        if key in drop and not drop[key]:
            continue
        cleaned[key] = {k: v for k, v in value.items() if k not in drop[key]} if key in drop else value
    return cleaned
