"""What every check needs: the model, the positioned raw data, the catalogue, resolved rights."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from o2s_config import suggest
from o2s_config.catalog import Catalog, RightsMap
from o2s_config.diagnostics import Diagnostic, Severity
from o2s_config.model import Organisation
from o2s_config.positioned import Loc, PosDict, locate
from o2s_config.references import Repository
from o2s_config.suggest import did_you_mean

DocPath = tuple[str | int, ...]


@dataclass
class CheckContext:
    org: Organisation
    data: PosDict
    base_dir: Path
    catalog: Catalog
    # keys present in the file, valid or not, so one bad entry does not cascade into
    # "unknown profile" errors everywhere it is referenced
    known: dict[str, set[str]] = field(default_factory=dict)
    rights: dict[str, RightsMap] = field(default_factory=dict)
    # where referenced files must stay; None: the organisation file's folder
    repository: Repository | None = None

    def at(self, path: DocPath, message: str, *, key: bool = False, warning: bool = False) -> Diagnostic:
        """A diagnostic at ``path`` (its key with ``key=True``, else its value)."""
        loc = locate(self.data, path, key=key) or Loc(self.data.file, 1, 1)
        severity = Severity.WARNING if warning else Severity.ERROR
        return Diagnostic(loc.file, loc.line, loc.column, message, severity, path)

    def managed(self, section: str) -> bool:
        """True when the file declares the section (an absent section is not managed)."""
        return section in self.known

    def raw(self, path: DocPath) -> Any:
        node: Any = self.data
        for step in path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
        return node


def closest(name: str, candidates: set[str]) -> str:
    """`` (did you mean 'x'?)`` for the nearest candidate, or nothing."""
    return did_you_mean(suggest.closest(name, sorted(candidates)))


def known_keys(data: PosDict) -> dict[str, set[str]]:
    """The keys of each mapping section as written, valid entries or not."""
    known: dict[str, set[str]] = {}
    for section in ("structures", "profiles", "users"):
        value = data.get(section)
        if isinstance(value, dict):
            known[section] = set(value)
        elif section in data:
            known[section] = set()
    return known
