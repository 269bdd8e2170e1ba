"""Target strings: ``sandbox:PATH`` or ``sandbox+published:PATH`` (embedded, in-process), or ``http(s)://HOST[:PORT]``."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from o2s_config.errors import TargetUnreachableError

DEFAULT_TARGET = "sandbox:.o2s/sandbox.db"
# embedded prefix -> what the sandbox serves: everything, or only Harvest's published API
EMBEDDED_PREFIXES = {"sandbox:": "full", "sandbox+published:": "published"}


@dataclass(frozen=True)
class Target:
    """Where the tenant is: an embedded sandbox database (served in full or published-only), or a base URL."""

    text: str
    database: Path | None = None
    base_url: str | None = None
    api: str = "full"  # of an embedded sandbox: "full" or "published"

    @property
    def embedded(self) -> bool:
        return self.database is not None


def resolve_target(given: str | None) -> Target:
    """``--target``, else ``O2S_TARGET``, else the embedded default; refuses clear text to a remote host."""
    text = given or os.environ.get("O2S_TARGET") or DEFAULT_TARGET
    for prefix, api in EMBEDDED_PREFIXES.items():
        if text.startswith(prefix):
            path = text.removeprefix(prefix)
            if not path:
                raise TargetUnreachableError(f"target '{prefix}' needs a database path, e.g. {prefix}.o2s/sandbox.db")
            return Target(text=text, database=Path(path), api=api)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetUnreachableError(
            f"target '{text}' is neither sandbox:PATH, sandbox+published:PATH nor an http(s):// URL"
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise TargetUnreachableError(
            f"target '{text}': plain http:// is only allowed to this machine (127.0.0.1, ::1, localhost); use https://"
        )
    return Target(text=text, base_url=text.rstrip("/"))


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
