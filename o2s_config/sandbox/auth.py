"""Bearer tokens: a static token given at start, and expiring JWTs from the password grant."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from o2s_config.sandbox.problems import ProblemError

STATIC_SUBJECT = "admin"
DEFAULT_TOKEN_TTL = 300  # seconds
# the published mode's: short, so that any rehearsal longer than half a minute sees the client renew
PUBLISHED_TOKEN_TTL = 60


@dataclass(frozen=True)
class Credentials:
    """What the password grant accepts: Harvest's client pair and one O2S login/password."""

    client_id: str
    client_secret: str
    username: str
    password: str


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Authority:
    """Issues and checks tokens. Issued tokens are HS256 JWTs signed with a per-process key."""

    static_token: str | None
    credentials: Credentials | None
    ttl: int
    clock: Callable[[], float] = time.time
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def grant(self, form: dict[str, str]) -> str:
        """The password grant: a new token, or a ProblemError carrying the OAuth2 error code."""
        if form.get("grant_type") != "password":
            raise ProblemError(
                "bad-request", "only grant_type=password is supported", "grant_type", error="unsupported_grant_type"
            )
        wanted = self.credentials
        if wanted is None or not (
            _same(form.get("client_id"), wanted.client_id) and _same(form.get("client_secret"), wanted.client_secret)
        ):
            raise ProblemError(
                "unauthorized", "unknown client or wrong client secret", "client_id", error="invalid_client"
            )
        if not (_same(form.get("username"), wanted.username) and _same(form.get("password"), wanted.password)):
            raise ProblemError("unauthorized", "wrong username or password", "username", error="invalid_grant")
        # not truncated to the second (JWT NumericDate allows fractions): a token lives exactly ``ttl``
        expiry = round(self.clock() + self.ttl, 3)
        return self._sign({"sub": wanted.username, "exp": expiry, "jti": secrets.token_hex(8)})

    def _sign(self, claims: dict[str, object]) -> str:
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self.key, f"{head}.{body}".encode(), hashlib.sha256).digest()
        return f"{head}.{body}.{_b64(signature)}"

    def subject(self, authorization: str | None) -> str:
        """The login a request acts for, from its ``Authorization`` header; 401 otherwise."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ProblemError("unauthorized", "a bearer token is required (Authorization: Bearer <token>)")
        if self.static_token is not None and _same(token, self.static_token):
            return STATIC_SUBJECT
        claims = self._claims(token.strip())
        if claims is None:
            raise ProblemError("unauthorized", "unknown or malformed token")
        expiry = claims.get("exp")
        if not isinstance(expiry, int | float) or expiry <= self.clock():
            raise ProblemError("unauthorized", "the token has expired; ask the token endpoint for a new one")
        return str(claims.get("sub"))

    def _claims(self, token: str) -> dict[str, object] | None:
        parts = token.split(".")
        if len(parts) != 3:
            return None
        expected = hmac.new(self.key, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256).digest()
        try:
            if not hmac.compare_digest(expected, _unb64(parts[2])):
                return None
            claims = json.loads(_unb64(parts[1]))
        except (ValueError, UnicodeDecodeError):
            return None
        return claims if isinstance(claims, dict) else None


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())
