"""The OpenAPI document of the sandbox: FastAPI's, completed with what it cannot infer.

Added: the Problem JSON schema on every error status each operation can answer, the 206
partial page of paged lists, and the token endpoint's form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from o2s_config.sandbox.problems import KINDS, PROBLEM_MEDIA_TYPE
from o2s_config.sandbox.wire import Problem

PAGED = {"/utilisateurs", "/agences", "/profils", "/ext/v1/outbox"}
# statuses any operation may answer: auth, faults, body size and request validation
COMMON = (400, 401, 413, 422, 429, 503)
BY_METHOD = {
    "get": (404,),
    "post": (404, 409, 412),
    "put": (403, 404, 409, 412),
    "patch": (404, 409, 412),
    "delete": (403, 404, 409, 412),
}
# the published-only API has no If-Match (412) and no built-in profile to protect (403)
PUBLISHED_STATUSES = {"get": (404,), "post": (409,), "put": (404, 409), "delete": (404, 409)}
_DESCRIPTIONS = {status: title for status, title in KINDS.values()}
_DESCRIPTIONS[422] = "Invalid request, rights or hierarchy"
_DESCRIPTIONS[409] = "Conflict: taken value, resource in use, or lockout"

_PASSWORD_GRANT = {
    "type": "object",
    "required": ["grant_type", "client_id", "client_secret", "username", "password"],
    "properties": {
        name: {"type": "string"} for name in ("grant_type", "client_id", "client_secret", "username", "password")
    },
}


def document(app: FastAPI, by_method: Mapping[str, tuple[int, ...]] = BY_METHOD) -> dict[str, Any]:
    """The complete OpenAPI document (computed once per app); ``by_method``: error statuses per method."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema()
    schemas["PasswordGrant"] = _PASSWORD_GRANT
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            _complete(path, method, operation, by_method)
    app.openapi_schema = doc
    return doc


def _complete(path: str, method: str, operation: dict[str, Any], by_method: Mapping[str, tuple[int, ...]]) -> None:
    responses: dict[str, Any] = operation["responses"]
    # FastAPI's own 422 entry describes its error list; ours is Problem JSON
    responses.pop("422", None)
    if path in PAGED and method == "get":
        responses["206"] = {**responses["200"], "description": "Partial page: more items follow"}
    for status in (*COMMON, *by_method.get(method, ())):
        responses[str(status)] = {
            "description": _DESCRIPTIONS[status],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
