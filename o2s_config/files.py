"""Errors of this machine's files and folders, in one line: the path, what happened, what to do.

Used for the output files of every command (``--out``, ``-o``) and for the embedded sandbox's
database and folder, so a read-only database, a locked one, an unwritable folder or a full
disk never reach a user as a traceback.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from o2s_config.errors import LocalFileError

_OS_ADVICE = {
    errno.EACCES: "permission denied: fix its permissions, or choose another path",
    errno.EPERM: "permission denied: fix its permissions, or choose another path",
    errno.EROFS: "the file system is read-only: choose a path on a writable disk",
    errno.ENOSPC: "the disk is full: free some space, then run the command again",
    errno.EDQUOT: "your disk quota is used up: free some space, then run the command again",
    errno.ENOENT: "its folder does not exist: create it, or choose another path",
    errno.ENOTDIR: "a part of the path is a file, not a folder: choose another path",
    errno.EISDIR: "it is a folder: give a file name",
    errno.EEXIST: "a file stands where a folder is needed: move it, or choose another path",
}

# SQLite primary result codes (sqlite3.h) -> what is wrong with a sandbox database and what to do
_SQLITE_ADVICE = {
    5: "it is locked by another program (an apply still running, or a sandbox server using it?): "
    "wait for it to finish or stop it, then run the command again",
    6: "it is locked by another program: wait for it to finish or stop it, then run the command again",
    8: "it is read-only: give yourself write permission on the file and its folder, "
    "or copy it somewhere writable and point --target at the copy",
    10: "it could not be read or written (disk I/O error): check the disk, and that it is not full",
    11: "it is damaged: move it aside to start a new sandbox",
    13: "the disk is full: free some space, then run the command again",
    14: "it cannot be opened: check that its folder exists and is writable",
    23: "access to it was denied: fix its permissions",
    26: "it is not a sandbox database: move it aside, or point --target at another file",
}


def os_error(path: Path | str, error: OSError, doing: str) -> LocalFileError:
    """``PATH: cannot DOING: what happened and what to do`` for an OSError."""
    advice = _OS_ADVICE.get(error.errno or 0) or (error.strerror or str(error))
    return LocalFileError(f"{path}: cannot {doing}: {advice}")


def database_error(path: Path | str, error: sqlite3.Error | OSError) -> LocalFileError:
    """The one-line error of a sandbox database that cannot be used."""
    if isinstance(error, OSError):
        return os_error(path, error, "use this sandbox database")
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    advice = _SQLITE_ADVICE.get(code) or f"it cannot be used ({error})"
    return LocalFileError(f"sandbox database {path}: {advice}")


def write_output(path: Path, text: str) -> None:
    """Write a command's output file, or raise the one-line error saying why it cannot be written."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise os_error(path, error, "write this file") from None
