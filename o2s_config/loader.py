"""Load an organisation file: read, compose with positions, follow ``extends:``, check the root.

The result is positioned raw data (see ``positioned``) ready for the model, plus the
secret values substituted from ``${env:VAR}`` so that every output can mask them.

Reading is bounded whatever the path names: only a regular file is read (not a device, a
pipe or a socket), at most ``Limits.max_bytes`` of it, and every file of an ``extends:``
chain is inside the organisation file's repository (see ``references``).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from o2s_config.diagnostics import Diagnostic
from o2s_config.errors import InvalidFileError
from o2s_config.positioned import Loc, PosDict, PosList, SecretText
from o2s_config.references import Repository, UnsafeReferenceError, repository_of, resolve_reference
from o2s_config.yaml_compose import ComposeAbort, Limits, compose

SCHEMA_COMMENT = "# yaml-language-server: $schema="
_CHUNK = 1024 * 1024


@dataclass
class LoadedFile:
    """A loaded organisation document."""

    path: Path
    data: PosDict
    repository: Repository  # where every file the document names must stay
    secrets: set[str] = field(default_factory=set)
    files: list[Path] = field(default_factory=list)  # this file and every file it extends
    env_references: int = 0  # values written as ${env:VAR}, in this file and its bases

    @property
    def base_dir(self) -> Path:
        return self.path.parent


def display_name(path: Path) -> str:
    """The file name as the user should see it in messages: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
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
    path = Path(path)
    repository = repository_of(path)
    if not _inside(path, repository):
        message = "is a symbolic link to a file outside its repository: it is not read"
        return None, [Diagnostic(display_name(path), 1, 1, message)]
    loaded = _load(path, environment, limits or Limits(), repository, (), errors)
    return loaded, errors


def _inside(path: Path, repository: Repository) -> bool:
    try:
        return repository.contains(path.resolve())
    except (OSError, RuntimeError):  # a loop of symbolic links: reading it will say so
        return True


def _load(
    path: Path,
    env: dict[str, str],
    limits: Limits,
    repository: Repository,
    chain: tuple[Path, ...],
    errors: list[Diagnostic],
) -> LoadedFile | None:
    name = display_name(path)
    text = _read(path, name, limits, errors)
    if text is None:
        return None
    try:
        composed = compose(text, name, env, limits)
    except ComposeAbort as abort:
        errors.extend(abort.diagnostics)
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
    loaded = LoadedFile(path, data, repository, set(composed.secrets), [path], composed.env_references)
    if "extends" in data:
        _extend(loaded, env, limits, (*chain, path.resolve()), errors)
    return loaded


def _read(path: Path, name: str, limits: Limits, errors: list[Diagnostic]) -> str | None:
    """The text of a regular file of at most ``limits.max_bytes``; anything else is an error."""
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer (it is refused just below)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        errors.append(Diagnostic(name, 1, 1, "file not found"))
        return None
    except IsADirectoryError:
        errors.append(Diagnostic(name, 1, 1, "is a folder, not a file"))
        return None
    except OSError as exc:
        errors.append(Diagnostic(name, 1, 1, f"cannot read: {exc.strerror}"))
        return None
    try:
        raw = _read_regular(descriptor, name, limits, errors)
    except OSError as exc:
        errors.append(Diagnostic(name, 1, 1, f"cannot read: {exc.strerror}"))
        return None
    finally:
        os.close(descriptor)
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        errors.append(Diagnostic(name, 1, 1, f"not UTF-8 text (byte {exc.start})"))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _read_regular(descriptor: int, name: str, limits: Limits, errors: list[Diagnostic]) -> bytes | None:
    info = os.fstat(descriptor)
    if stat.S_ISDIR(info.st_mode):
        errors.append(Diagnostic(name, 1, 1, "is a folder, not a file"))
        return None
    if not stat.S_ISREG(info.st_mode):
        errors.append(Diagnostic(name, 1, 1, "is not a regular file (a device, a pipe or a socket): it is not read"))
        return None
    if info.st_size > limits.max_bytes:
        errors.append(Diagnostic(name, 1, 1, f"file is {info.st_size} bytes, more than the {limits.max_bytes} allowed"))
        return None
    chunks: list[bytes] = []
    size = 0
    while size <= limits.max_bytes:  # the size a file system gives may be wrong (/proc): count what comes
        chunk = os.read(descriptor, min(_CHUNK, limits.max_bytes + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    errors.append(Diagnostic(name, 1, 1, f"file is more than the {limits.max_bytes} bytes allowed"))
    return None


def _extend(
    loaded: LoadedFile, env: dict[str, str], limits: Limits, chain: tuple[Path, ...], errors: list[Diagnostic]
) -> None:
    data = loaded.data
    reference = data["extends"]
    where = data.value_loc("extends")
    del data["extends"]
    if isinstance(reference, SecretText):
        errors.append(_at(where, "'extends' must be written in the file, not taken from the environment"))
        return
    if not isinstance(reference, str) or not reference:
        errors.append(_at(where, "'extends' must be the path of a base organisation file"))
        return
    if len(chain) >= limits.max_extends:
        errors.append(_at(where, f"'extends' chain longer than {limits.max_extends} files"))
        return
    try:
        base_path = resolve_reference(loaded.base_dir, reference, loaded.repository)
    except UnsafeReferenceError as exc:
        errors.append(_at(where, str(exc)))
        return
    if base_path in chain:
        cycle = " -> ".join(display_name(p) for p in (*chain, base_path))
        errors.append(_at(where, f"'extends' makes a loop: {cycle}"))
        return
    if not base_path.exists():
        errors.append(_at(where, f"base file '{reference}' not found"))
        return
    base = _load(base_path, env, limits, loaded.repository, chain, errors)
    if base is None:
        return
    loaded.data = merge(base.data, data)
    loaded.secrets |= base.secrets
    loaded.files = [*loaded.files, *base.files]
    loaded.env_references += base.env_references


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
