"""Load an organisation file: read, compose with positions, follow ``extends:``, check the root.

The result is positioned raw data (see ``positioned``) ready for the model, plus the
secret values substituted from ``${env:VAR}`` so that every output can mask them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from o2s_config.diagnostics import Diagnostic
from o2s_config.errors import InvalidFileError
from o2s_config.positioned import Loc, PosDict, PosList
from o2s_config.yaml_compose import ComposeAbort, Limits, compose

SCHEMA_COMMENT = "# yaml-language-server: $schema="


@dataclass
class LoadedFile:
    """A loaded organisation document."""

    path: Path
    data: PosDict
    secrets: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)  # this file and every file it extends

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def display_name(path: Path) -> str:
    """The file name as the user should see it in messages: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_file(path: Path | str, env: dict[str, str] | None = None, limits: Limits | None = None) -> LoadedFile:
    """Load ``path`` and the files it extends; raise InvalidFileError with every error found."""
    loaded, errors = load_collecting(path, env, limits)
    if errors or loaded is None:
        raise InvalidFileError(errors)
    return loaded


def load_collecting(
    path: Path | str, env: dict[str, str] | None = None, limits: Limits | None = None
) -> tuple[LoadedFile | None, list[Diagnostic]]:
    """Load as far as possible: the document (None when nothing usable was read) and the errors found.

    Errors that leave the document usable (a duplicate key, an unset variable) come back with
    it, so that validation can go on and report everything else in the same run.
    """
    environment = dict(os.environ) if env is None else env
    errors: list[Diagnostic] = []
    loaded = _load(Path(path), environment, limits or Limits(), (), errors)
    return loaded, errors


def _load(
    path: Path, env: dict[str, str], limits: Limits, chain: tuple[Path, ...], errors: list[Diagnostic]
) -> LoadedFile | None:
    name = display_name(path)
    text = _read(path, name, limits, errors)
    if text is None:
        return None
    try:
        composed = compose(text, name, env, limits)
    except ComposeAbort as abort:
        errors.append(abort.diagnostic)
        return None
    errors.extend(composed.errors)
    if composed.empty:
        errors.append(Diagnostic(name, 1, 1, "the file is empty: expected a mapping starting with 'version: 1'"))
        return None
    data = composed.data
    if not isinstance(data, PosDict):
        loc = data.loc() if isinstance(data, PosList) else (composed.root or Loc(name, 1, 1))
        errors.append(_at(loc, "the top level must be a mapping (version: 1, establishment: ..., users: ...)"))
        return None
    loaded = LoadedFile(path=path, data=data, secrets=set(composed.secrets), files=[path])
    if "extends" in data:
        _extend(loaded, env, limits, (*chain, path.resolve()), errors)
    return loaded


def _read(path: Path, name: str, limits: Limits, errors: list[Diagnostic]) -> str | None:
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            errors.append(Diagnostic(name, 1, 1, f"file is {size} bytes, more than the {limits.max_bytes} allowed"))
            return None
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        errors.append(Diagnostic(name, 1, 1, "file not found"))
    except IsADirectoryError:
        errors.append(Diagnostic(name, 1, 1, "is a folder, not a file"))
    except UnicodeDecodeError as exc:
        errors.append(Diagnostic(name, 1, 1, f"not UTF-8 text (byte {exc.start})"))
    except OSError as exc:
        errors.append(Diagnostic(name, 1, 1, f"cannot read: {exc.strerror}"))
    return None


def _extend(
    loaded: LoadedFile, env: dict[str, str], limits: Limits, chain: tuple[Path, ...], errors: list[Diagnostic]
) -> None:
    data = loaded.data
    reference = data["extends"]
    where = data.value_loc("extends")
    del data["extends"]
    if not isinstance(reference, str) or not reference:
        errors.append(_at(where, "'extends' must be the path of a base organisation file"))
        return
    base_path = (loaded.base_dir / reference).resolve()
    if base_path in chain:
        cycle = " -> ".join(display_name(p) for p in (*chain, base_path))
        errors.append(_at(where, f"'extends' makes a loop: {cycle}"))
        return
    if not base_path.is_file():
        errors.append(_at(where, f"base file '{reference}' not found"))
        return
    base = _load(base_path, env, limits, chain, errors)
    if base is None:
        return
    loaded.data = merge(base.data, data)
    loaded.secrets |= base.secrets
    loaded.files = [*loaded.files, *base.files]


def merge(base: Any, overlay: Any) -> Any:
    """Deep merge: mappings merge key by key, anything else (lists included) is replaced.

    Each entry keeps the place it came from, so errors point into the right file.
    """
    if not (isinstance(base, PosDict) and isinstance(overlay, PosDict)):
        return overlay
    merged = PosDict(overlay.file, overlay.loc())
    for source in (base, overlay):
        for key in source:
            merged.key_marks[key] = source.key_loc(key)
            merged.value_marks[key] = source.value_loc(key)
    for key, value in base.items():
        merged[key] = merge(value, overlay[key]) if key in overlay else value
    for key, value in overlay.items():
        if key not in base:
            merged[key] = value
    return merged


def _at(loc: Loc, message: str) -> Diagnostic:
    return Diagnostic(loc.file, loc.line, loc.column, message)
