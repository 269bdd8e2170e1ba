"""Files an organisation file names (``extends:``, logos, templates, letters): confined to its repository.

A plan job runs on changes someone else wrote, with the tenant's credentials in reach: a
file from a pull request must not make the tool read ``/etc/passwd``, ``/proc/self/environ``
or ``../../secrets``. So every path it names is relative and stays inside the repository:
the git work tree holding the organisation file (the nearest folder above it with a
``.git`` entry), or the organisation file's folder when it is in no work tree. Symbolic
links are followed before the check, so a link pointing out is refused too. Nothing is
opened to decide.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath


class UnsafeReferenceError(ValueError):
    """The path is absolute, or leads outside the repository."""


@dataclass(frozen=True)
class Repository:
    """The folder every file an organisation file names must stay in."""

    root: Path  # absolute, symbolic links resolved

    def contains(self, path: Path) -> bool:
        """True when ``path`` (absolute, resolved) is the root or below it."""
        return path == self.root or self.root in path.parents


def repository_of(organisation_file: Path) -> Repository:
    """The repository of ``organisation_file``: its git work tree, else its folder."""
    folder = organisation_file.absolute().parent.resolve()
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):  # a folder, or a file in a linked work tree
            return Repository(candidate)
    return Repository(folder)


def resolve_reference(base_dir: Path, reference: str, repository: Repository | None = None) -> Path:
    """The absolute path of ``reference`` (relative to ``base_dir``); UnsafeReferenceError when not allowed.

    Without ``repository``, ``base_dir`` itself is the folder the path must stay in.
    """
    scope = repository or Repository(base_dir.resolve())
    if not reference or PurePosixPath(reference).is_absolute() or PureWindowsPath(reference).is_absolute():
        raise UnsafeReferenceError(
            f"'{reference}' is an absolute path: write it relative to the organisation file, inside its repository"
        )
    if "\\" in reference or "\x00" in reference:
        raise UnsafeReferenceError(f"'{reference}' must be written with '/' between folders")
    try:
        target = (base_dir / reference).resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links
        raise UnsafeReferenceError(f"'{reference}' is a loop of symbolic links") from None
    if not scope.contains(target):
        written = Path(os.path.normpath(base_dir.resolve() / reference))
        how = " through a symbolic link" if scope.contains(written) else ""
        raise UnsafeReferenceError(f"'{reference}' leads outside the organisation file's repository{how}")
    return target


def is_tenant_file_name(name: str) -> bool:
    """Whether the tenant can hold a file under ``name``: a relative path without ``.``, ``..`` or control characters.

    The tenant keeps an uploaded file under the name the organisation file writes, so a reference
    that climbs (``../shared/logo.png``) can be read from the repository but not stored.
    """
    return (
        bool(name)
        and not PurePosixPath(name).is_absolute()
        and "\\" not in name
        and all(part not in ("", ".", "..") for part in name.split("/"))
        and not any(ord(char) < 32 or ord(char) == 127 for char in name)
    )
