"""Validation: positioned raw data -> Organisation, with every error of the file in one pass.

Shape errors come from the model (pydantic); then the semantic checks run on whatever
entries were valid, so one run reports everything that is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from o2s_config.catalog import Catalog, RightsMap, load_catalog
from o2s_config.checks import ALL, CheckContext
from o2s_config.checks.context import known_keys
from o2s_config.diagnostics import Diagnostic, Severity, sort_diagnostics
from o2s_config.errors import InvalidFileError
from o2s_config.loader import LoadedFile, load_file
from o2s_config.locations import diagnostics_from_validation
from o2s_config.model import Organisation
from o2s_config.positioned import PosDict


@dataclass
class ValidatedOrganisation:
    """A file that passed validation, with what later stages need from the check."""

    organisation: Organisation
    loaded: LoadedFile
    rights: dict[str, RightsMap]
    warnings: list[Diagnostic] = field(default_factory=list)


def validate_file(path: Path | str, env: dict[str, str] | None = None) -> ValidatedOrganisation:
    """Load and validate ``path``; raise InvalidFileError listing every error found."""
    return validate_loaded(load_file(path, env))


def validate_loaded(loaded: LoadedFile, catalog: Catalog | None = None) -> ValidatedOrganisation:
    """Validate an already loaded document (see ``validate_file``)."""
    catalog = catalog or load_catalog()
    organisation, diagnostics = _model(loaded.data)
    ctx = None
    if organisation is not None:
        ctx = CheckContext(organisation, loaded.data, loaded.base_dir, catalog, known_keys(loaded.data))
        for check in ALL:
            diagnostics.extend(check(ctx))
    diagnostics = sort_diagnostics(diagnostics)
    errors = [d for d in diagnostics if d.severity is Severity.ERROR]
    if errors or organisation is None or ctx is None:
        raise InvalidFileError(diagnostics)
    warnings = [d for d in diagnostics if d.severity is Severity.WARNING]
    return ValidatedOrganisation(organisation, loaded, ctx.rights, warnings)


def _model(data: PosDict) -> tuple[Organisation | None, list[Diagnostic]]:
    """The model of the file; when parts are invalid, the model of the valid parts."""
    try:
        return Organisation.model_validate(data), []
    except ValidationError as exc:
        diagnostics = diagnostics_from_validation(exc, data, Organisation)
        invalid = [tuple(e["loc"]) for e in exc.errors()]
    salvaged = _without(data, invalid)
    try:
        return Organisation.model_validate(salvaged), diagnostics
    except ValidationError:
        return None, diagnostics


def _without(data: PosDict, invalid: list[tuple[Any, ...]]) -> dict[str, Any]:
    """``data`` minus each invalid collection entry (or section, when the error is not in an entry)."""
    entries: dict[str, set[str]] = {}
    sections: set[str] = set()
    for loc in invalid:
        section = loc[0] if loc else None
        if not isinstance(section, str):
            continue
        value = data.get(section)
        if (
            section in ("structures", "profiles", "users")
            and isinstance(value, dict)
            and len(loc) > 1
            and loc[1] in value
        ):
            entries.setdefault(section, set()).add(str(loc[1]))
        elif section != "version":
            sections.add(section)
    cleaned: dict[str, Any] = {k: v for k, v in data.items() if k not in sections}
    for section, bad in entries.items():
        if section in cleaned:
            cleaned[section] = {k: v for k, v in data[section].items() if k not in bad}
    return cleaned
