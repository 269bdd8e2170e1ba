"""Exception handlers: every error the app answers, the framework's own included, is Problem JSON."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from o2s_config.sandbox.problems import ProblemError, field_path, problem_response

_HTTP_KINDS = {400: "bad-request", 401: "unauthorized", 404: "not-found", 405: "method-not-allowed"}
_INTERNAL = "the sandbox failed on this request"
LOG = logging.getLogger("o2s_config.sandbox")

# SQLite primary result codes (sqlite3.h) -> the problem a client gets; nothing was written in any case
_DATABASE_PROBLEMS = {
    5: ("unavailable", "the tenant's database is locked (by another writer or another program); retry later"),
    6: ("unavailable", "the tenant's database is locked (by another writer or another program); retry later"),
    8: ("unavailable", "the tenant's database is read-only: its administrator must make it writable"),
    10: ("internal", "the tenant could not read or write its database (disk I/O error: is its disk full or failing?)"),
    13: ("storage-full", "the tenant's disk is full: nothing was written; free some space and retry"),
}


async def on_problem(request: Request, error: Exception) -> JSONResponse:
    """A rule the request broke, raised as ProblemError anywhere below the routes."""
    assert isinstance(error, ProblemError)
    headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
    return problem_response(error, request.url.path, headers)


async def on_http(request: Request, error: Exception) -> JSONResponse:
    """The framework's 404 (unknown path) and 405 (method), and other HTTP errors."""
    assert isinstance(error, StarletteHTTPException)
    kind = _HTTP_KINDS.get(error.status_code, "bad-request")
    return problem_response(ProblemError(kind, str(error.detail)), request.url.path, dict(error.headers or {}))


async def on_invalid(request: Request, error: Exception) -> JSONResponse:
    """Request validation: the first failing field, named without its location prefix."""
    assert isinstance(error, RequestValidationError)
    first = error.errors()[0]
    loc = [part for part in first.get("loc", ()) if part not in ("body", "query", "path", "header")]
    where = field_path(loc) or None
    kind = "bad-request" if first.get("type") == "json_invalid" else "validation"
    message = "this field is required" if first.get("type") == "missing" else str(first.get("msg"))
    problem = ProblemError(kind, f"{where}: {message}" if where else message, where)
    return problem_response(problem, request.url.path)


async def on_database(request: Request, error: Exception) -> JSONResponse:
    """A database the tenant cannot use right now (locked, read-only, full disk): said as such, and logged."""
    assert isinstance(error, sqlite3.OperationalError)
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    kind, detail = _DATABASE_PROBLEMS.get(code, ("internal", _INTERNAL))
    # the server's administrator needs to know; the client gets the problem without internals
    LOG.error("%s %s: database error %s (%s): %s", request.method, request.url.path, code, error, detail)
    headers = {"Retry-After": "1"} if kind == "unavailable" else None
    return problem_response(ProblemError(kind, detail), request.url.path, headers)


async def on_integrity(request: Request, error: Exception) -> JSONResponse:
    """A uniqueness the rules did not foresee, caught by the database itself: still a conflict."""
    return problem_response(ProblemError("conflict", "this change conflicts with the tenant's data"), request.url.path)


async def on_unencodable(request: Request, error: Exception) -> JSONResponse:
    """Valid JSON that is not storable text (a lone surrogate)."""
    problem = ProblemError("validation", "text must be valid Unicode (no lone surrogates)")
    return problem_response(problem, request.url.path)


async def on_defect(request: Request, error: Exception) -> JSONResponse:
    """Anything else is a defect: still Problem JSON, without internals (the server log has the traceback)."""
    return problem_response(ProblemError("internal", _INTERNAL), request.url.path)


HANDLERS: dict[type[Exception], Callable[[Request, Exception], Awaitable[JSONResponse]]] = {
    ProblemError: on_problem,
    StarletteHTTPException: on_http,
    RequestValidationError: on_invalid,
    sqlite3.OperationalError: on_database,
    sqlite3.IntegrityError: on_integrity,
    UnicodeEncodeError: on_unencodable,
    Exception: on_defect,
}


def install(app: FastAPI) -> None:
    """Register every handler on ``app``."""
    for kind, handler in HANDLERS.items():
        app.add_exception_handler(kind, handler)
