"""Documents set through the extension API: the establishment and the Services defaults.

Secrets (mail server passwords) are write-only: the tenant keeps a salted HMAC fingerprint
in their place, which a client can compare with the secret it means to set (docs/api.md).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from o2s_config.model import Establishment, Services
from o2s_config.model.services import MAIL_SERVERS, EmailServer
from o2s_config.sandbox import documents
from o2s_config.sandbox.etags import check_if_match
from o2s_config.sandbox.store import Tx

ESTABLISHMENT = "establishment"
SERVICES = "services"


def fingerprint(secret: str, salt: bytes | None = None) -> str:
    """``hmac-sha256$<salt hex>$<digest hex>``: comparable with a candidate secret, never reversible."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hmac.new(salt, secret.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"hmac-sha256${salt.hex()}${digest}"


def matches(candidate: str, stored: str) -> bool:
    """True when ``candidate`` is the secret ``stored`` fingerprints (what a client does to compare)."""
    _, salt, _ = stored.split("$")
    return hmac.compare_digest(fingerprint(candidate, bytes.fromhex(salt)), stored)


def put_establishment(tx: Tx, establishment: Establishment, if_match: str | None) -> None:
    """Replace the establishment's three tabs."""
    found = documents.read(tx, ESTABLISHMENT)
    check_if_match(if_match, found[1] if found else 0)
    documents.write(tx, ESTABLISHMENT, establishment.model_dump(mode="json", exclude_unset=True))


def _mail_server(given: Any, stored: dict[str, Any] | None) -> dict[str, Any]:
    """A mail server as stored: its password replaced by a fingerprint (kept when not given)."""
    out: dict[str, Any] = given.model_dump(mode="json", exclude_unset=True, exclude={"password"})
    if "password" in given.model_fields_set:
        password = given.password.get_secret_value() if given.password is not None else ""
        if password:
            out["password_fingerprint"] = fingerprint(password)
    elif stored and "password_fingerprint" in stored:
        out["password_fingerprint"] = stored["password_fingerprint"]
    return out


def stored_email_server(server: EmailServer | None, stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """A mail server pair as stored: passwords replaced by fingerprints, a password not given kept."""
    if server is None:
        return None
    old = stored or {}
    return {
        name: _mail_server(getattr(server, name), old.get(name)) if getattr(server, name) is not None else None
        for name in MAIL_SERVERS
        if name in server.model_fields_set
    }


def without_fingerprints(stored: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored mail server pair as the model reads it (fingerprints are the tenant's, not the model's)."""
    if stored is None:
        return None
    return {
        name: {k: v for k, v in server.items() if k != "password_fingerprint"} if isinstance(server, dict) else server
        for name, server in stored.items()
    }


def _stored_services(services: Services, stored: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = services.model_dump(mode="json", exclude_unset=True, exclude={"email_server"})
    if "email_server" in services.model_fields_set:
        body["email_server"] = stored_email_server(services.email_server, stored.get("email_server"))
    return body


def put_services(tx: Tx, services: Services, if_match: str | None, partial: bool) -> None:
    """Replace the Services defaults (``partial``: only the top-level sections given; null removes one)."""
    found = documents.read(tx, SERVICES)
    stored: dict[str, Any] = found[0] if found else {}
    check_if_match(if_match, found[1] if found else 0)
    body = _stored_services(services, stored)
    if partial:
        body = {**stored, **body}
    body = {key: value for key, value in body.items() if value is not None}
    documents.write(tx, SERVICES, body)
