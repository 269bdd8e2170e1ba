"""Target strings: ``sandbox:PATH`` or ``sandbox+published:PATH`` (embedded, in-process), or ``http(s)://HOST[:PORT]``.

Credentials travel only over TLS or to this machine: every URL that receives them (the
target, ``O2S_AUTH_URL``) is checked by ``check_transport``. ``O2S_ALLOW_PLAIN_HTTP=1``
lifts that rule for a network the administrator trusts (a VPN, an SSH tunnel's far end).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

from o2s_config.errors import TargetUnreachableError

DEFAULT_TARGET = "sandbox:.o2s/sandbox.db"
ALLOW_PLAIN_HTTP = "O2S_ALLOW_PLAIN_HTTP"  # "1": credentials may travel in clear to a remote host
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


def resolve_target(given: str | None, env: Mapping[str, str] | None = None) -> Target:
    """``--target``, else ``O2S_TARGET``, else the embedded default; refuses clear text to a remote host."""
    env = os.environ if env is None else env
    text = given or env.get("O2S_TARGET") or DEFAULT_TARGET
    for prefix, api in EMBEDDED_PREFIXES.items():
        if text.startswith(prefix):
            path = text.removeprefix(prefix)
            if not path:
                raise TargetUnreachableError(f"target '{prefix}' needs a database path, e.g. {prefix}.o2s/sandbox.db")
            return Target(text=text, database=Path(path), api=api)
    check_transport(text, "target", env)
    return Target(text=text, base_url=text.rstrip("/"))


def check_transport(url: str, what: str, env: Mapping[str, str] | None = None) -> None:
    """Refuse a URL credentials must not be sent to: not http(s), a password inside it, clear text to a remote host.

    ``what`` names where the URL came from (``target``, ``O2S_AUTH_URL``); messages never show a password.
    """
    env = os.environ if env is None else env
    parts = urlsplit(url)
    shown = redacted(url)
    if parts.scheme not in ("http", "https") or not _hostname(parts):
        expected = (
            "neither sandbox:PATH, sandbox+published:PATH nor an http(s):// URL"
            if what == "target"
            else "not an http(s):// URL"
        )
        raise TargetUnreachableError(f"{what} '{shown}' is {expected}")
    if parts.username is not None or parts.password is not None:
        raise TargetUnreachableError(
            f"{what} '{shown}' carries credentials inside the URL: remove them and set O2S_TOKEN, or the "
            "O2S_CLIENT_ID, O2S_CLIENT_SECRET, O2S_USERNAME, O2S_PASSWORD variables instead"
        )
    if parts.scheme == "http" and not is_loopback(_hostname(parts)) and env.get(ALLOW_PLAIN_HTTP) != "1":
        raise TargetUnreachableError(
            f"{what} '{shown}': plain http:// would send the credentials in clear; it is only allowed to this "
            f"machine (127.0.0.1, ::1, localhost). Use https://, or set {ALLOW_PLAIN_HTTP}=1 for a network you trust"
        )


def _hostname(parts: SplitResult) -> str:
    try:
        return parts.hostname or ""
    except ValueError:  # an unparsable host ("http://[::1")
        return ""


def redacted(url: str) -> str:
    """``url`` without the password it may carry (``https://user:***@host``): safe to print."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url.split("@", 1)[-1] if "@" in url else url
    if password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[-1]
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
