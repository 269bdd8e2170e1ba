"""The sandbox's ASGI application: one FastAPI app, served by uvicorn or embedded in-process."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from o2s_config.sandbox import routes_ext, routes_published
from o2s_config.sandbox.auth import DEFAULT_TOKEN_TTL, Authority, Credentials
from o2s_config.sandbox.faults import FaultMiddleware, Faults
from o2s_config.sandbox.openapi_doc import document
from o2s_config.sandbox.problems import ProblemError, field_path, problem_response
from o2s_config.sandbox.seed import seed_tenant
from o2s_config.sandbox.store import Store
from o2s_config.sandbox.wire import Token

TOKEN_PATH = "/auth/realms/AppUsers/protocol/openid-connect/token"
_HTTP_KINDS = {400: "bad-request", 401: "unauthorized", 404: "not-found", 405: "method-not-allowed"}


def create_app(
    db_path: str | Path,
    *,
    token: str | None = None,
    credentials: Credentials | None = None,
    token_ttl: int = DEFAULT_TOKEN_TTL,
    fail_rate: float = 0.0,
    rate_limit: int | None = None,
    latency_ms: int = 0,
    seed: int | None = None,
) -> FastAPI:
    """The sandbox app over the tenant stored at ``db_path`` (created and seeded when new)."""
    store = Store(db_path)
    seed_tenant(store)
    app = FastAPI(
        title="O2S API (o2s-config sandbox)",
        version="1",
        description="Harvest's published O2S endpoints plus extensions under /ext/v1. See docs/api.md.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # the document is committed as schemas/o2s-api.openapi.json
    )
    app.state.store = store
    app.state.authority = Authority(token, credentials, token_ttl)
    app.include_router(routes_published.router)
    app.include_router(routes_ext.router)
    app.add_api_route(
        TOKEN_PATH,
        token_endpoint,
        methods=["POST"],
        response_model=Token,
        tags=["auth"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/PasswordGrant"}}
                },
            }
        },
    )
    _install_error_handlers(app)
    app.openapi = lambda: document(app)  # type: ignore[method-assign]
    faults = Faults(fail_rate, rate_limit, latency_ms, seed)
    if faults.active:
        app.add_middleware(FaultMiddleware, faults=faults)
    return app


async def token_endpoint(request: Request) -> JSONResponse:
    """OAuth2 password grant (form-encoded): a bearer token that expires."""
    try:
        form = dict(parse_qsl((await request.body()).decode("utf-8")))
    except UnicodeDecodeError:
        raise ProblemError("bad-request", "the form is not UTF-8", error="invalid_request") from None
    authority: Authority = request.app.state.authority
    token = authority.grant(form)
    return JSONResponse(
        {"access_token": token, "token_type": "Bearer", "expires_in": authority.ttl},
        headers={"Cache-Control": "no-store"},
    )


def _install_error_handlers(app: FastAPI) -> None:
    """Every error, the framework's included, answers Problem JSON."""

    @app.exception_handler(ProblemError)
    async def on_problem(request: Request, error: ProblemError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
        return problem_response(error, request.url.path, headers)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        kind = _HTTP_KINDS.get(error.status_code, "bad-request")
        headers = dict(error.headers or {})
        return problem_response(ProblemError(kind, str(error.detail)), request.url.path, headers)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0]
        loc = [part for part in first.get("loc", ()) if part not in ("body", "query", "path", "header")]
        where = field_path(loc) or None
        kind = "bad-request" if first.get("type") == "json_invalid" else "validation"
        message = "this field is required" if first.get("type") == "missing" else str(first.get("msg"))
        return problem_response(
            ProblemError(kind, f"{where}: {message}" if where else message, where), request.url.path
        )

    @app.exception_handler(UnicodeEncodeError)
    async def on_unencodable(request: Request, error: UnicodeEncodeError) -> JSONResponse:
        return problem_response(
            ProblemError("validation", "text must be valid Unicode (no lone surrogates)"), request.url.path
        )
