"""File references inside an organisation file (logos, templates, letters) and their safety.

A reference is a path relative to the organisation file's folder. It must stay inside
that folder: a file from a pull request must not make the tool read ``/etc/passwd``
or ``../../secrets``.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath


class UnsafeReferenceError(ValueError):
    """The path leaves the organisation file's folder, or is absolute."""


def resolve_reference(base_dir: Path, reference: str) -> Path:
    """The absolute path of ``reference``; raises UnsafeReferenceError when it leaves ``base_dir``."""
    if not reference or PurePosixPath(reference).is_absolute() or Path(reference).is_absolute() or "\\" in reference:
        raise UnsafeReferenceError(f"'{reference}' must be a relative path inside the organisation's folder")
    root = base_dir.resolve()
    target = (root / reference).resolve()
    if target != root and root not in target.parents:
        raise UnsafeReferenceError(f"'{reference}' points outside the organisation's folder")
    return target
