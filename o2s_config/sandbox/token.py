"""The OAuth2 token endpoint (password grant), at Harvest's path."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import FastAPI, Request

from o2s_config.sandbox.auth import Authority
from o2s_config.sandbox.json_answer import JSONAnswer
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.wire import Token

TOKEN_PATH = "/auth/realms/AppUsers/protocol/openid-connect/token"

# the form is parsed by hand (no multipart dependency), so its schema is declared here
_FORM = {"content": {"application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/PasswordGrant"}}}}


async def token_endpoint(request: Request) -> JSONAnswer:
    """OAuth2 password grant (form-encoded): a bearer token that expires."""
    try:
        form = dict(parse_qsl((await request.body()).decode("utf-8")))
    except UnicodeDecodeError:
        raise ProblemError("bad-request", "the form is not UTF-8", error="invalid_request") from None
    authority: Authority = request.app.state.authority
    token = authority.grant(form)
    return JSONAnswer(
        {"access_token": token, "token_type": "Bearer", "expires_in": authority.ttl},
        headers={"Cache-Control": "no-store"},
    )


def add_token_route(app: FastAPI) -> None:
    """Serve the token endpoint (the one endpoint without a bearer token)."""
    app.add_api_route(
        TOKEN_PATH,
        token_endpoint,
        methods=["POST"],
        response_model=Token,
        tags=["auth"],
        openapi_extra={"requestBody": {"required": True, **_FORM}},
    )
