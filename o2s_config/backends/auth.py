"""Credentials, from the environment only, and the bearer token they give (renewed on expiry)."""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from o2s_config.backends.target import redacted
from o2s_config.errors import AuthenticationError

GRANT_VARIABLES = ("O2S_CLIENT_ID", "O2S_CLIENT_SECRET", "O2S_USERNAME", "O2S_PASSWORD", "O2S_AUTH_URL")
TOKEN_PATH = "/auth/realms/AppUsers/protocol/openid-connect/token"
RENEW_MARGIN = 30.0  # seconds before expiry a token is renewed

# Posts a form to a URL and returns (status, JSON body): supplied by the HTTP client.
FormPoster = Callable[[str, dict[str, str]], Awaitable[tuple[int, dict[str, object]]]]


@dataclass
class Credentials:
    """A static token, or the OAuth2 password-grant variables. Never printed."""

    token: str | None = None
    grant: dict[str, str] | None = None

    def __repr__(self) -> str:
        return "Credentials(<hidden>)"


def credentials_from_env(env: Mapping[str, str] | None = None) -> Credentials | None:
    """``O2S_TOKEN``, or all of the password-grant variables; None when neither is set."""
    env = os.environ if env is None else env
    if env.get("O2S_TOKEN"):
        return Credentials(token=env["O2S_TOKEN"])
    present = [name for name in GRANT_VARIABLES if env.get(name)]
    if not present:
        return None
    missing = [name for name in GRANT_VARIABLES if name not in present]
    if missing:
        raise AuthenticationError("incomplete credentials: set " + ", ".join(missing) + " (or O2S_TOKEN)")
    return Credentials(grant={name: env[name] for name in GRANT_VARIABLES})


class TokenSource:
    """Gives a valid bearer token, asking the token endpoint again when the last one expires."""

    def __init__(self, credentials: Credentials, post_form: FormPoster) -> None:
        self._credentials = credentials
        self._post_form = post_form
        self._token: str | None = credentials.token
        self._expires_at = float("inf") if credentials.token else 0.0

    async def token(self) -> str:
        if self._token is None or time.monotonic() >= self._expires_at - RENEW_MARGIN:
            await self._renew()
        assert self._token is not None
        return self._token

    def expire(self) -> bool:
        """Forget the token after a 401; True when a new one can be asked for."""
        if self._credentials.grant is None:
            return False
        self._token = None
        return True

    async def _renew(self) -> None:
        grant = self._credentials.grant
        if grant is None:
            raise AuthenticationError("the target refused the token in O2S_TOKEN (expired or wrong?)")
        url = token_url(grant["O2S_AUTH_URL"])
        status, body = await self._post_form(
            url,
            {
                "grant_type": "password",
                "client_id": grant["O2S_CLIENT_ID"],
                "client_secret": grant["O2S_CLIENT_SECRET"],
                "username": grant["O2S_USERNAME"],
                "password": grant["O2S_PASSWORD"],
            },
        )
        if status != 200 or not isinstance(body.get("access_token"), str):
            raise AuthenticationError(refusal(status, body, url))
        self._token = str(body["access_token"])
        expires_in = body.get("expires_in")
        self._expires_at = time.monotonic() + (float(expires_in) if isinstance(expires_in, int | float) else 300.0)


def token_url(auth_url: str) -> str:
    """The token endpoint of ``O2S_AUTH_URL`` (its base, or the endpoint itself)."""
    url = auth_url.rstrip("/")
    return url if url.endswith(TOKEN_PATH) else url + TOKEN_PATH


# OAuth2 error codes (RFC 6749 5.2) -> which credential the token endpoint refused
_REFUSED = {
    "invalid_client": "the client: check O2S_CLIENT_ID and O2S_CLIENT_SECRET (the pair Harvest gave you)",
    "unauthorized_client": "the client: O2S_CLIENT_ID may not use the password grant (ask Harvest)",
    "invalid_grant": "the user: check O2S_USERNAME and O2S_PASSWORD (an O2S login), and that this user is active",
}


def refusal(status: int, body: Mapping[str, object], url: str) -> str:
    """What the token endpoint refused, named by variable; never a secret, never the server's own text."""
    code = body.get("error")
    where = f"the token endpoint {redacted(url)}"
    if isinstance(code, str) and code in _REFUSED:
        return f"{where} refused {_REFUSED[code]} (HTTP {status}, {code})"
    if status in (401, 403):
        return (
            f"{where} refused the credentials (HTTP {status}) without saying which: check O2S_CLIENT_ID and "
            "O2S_CLIENT_SECRET, then O2S_USERNAME and O2S_PASSWORD"
        )
    if status == 200:
        return f"{where} answered without an access token: is O2S_AUTH_URL the O2S authentication server?"
    return f"{where} answered HTTP {status}: check O2S_AUTH_URL (it ends in {TOKEN_PATH} or is its server's base)"
