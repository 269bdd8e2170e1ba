"""Request-scoped dependencies shared by the routers: the store, the caller, paging, If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from o2s_config.sandbox.auth import Authority
from o2s_config.sandbox.responses import MAX_ID, MAX_PAGE
from o2s_config.sandbox.store import Store

_bearer = HTTPBearer(auto_error=False, description="a static token, or one from the token endpoint")


def get_store(request: Request) -> Store:
    """The tenant store of the app serving the request."""
    store: Store = request.app.state.store
    return store


def caller(request: Request, _: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)] = None) -> str:
    """The login the request acts for (401 Problem JSON without a valid token)."""
    authority: Authority = request.app.state.authority
    return authority.subject(request.headers.get("authorization"))


StoreDep = Annotated[Store, Depends(get_store)]
CallerDep = Annotated[str, Depends(caller)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"page size, 1 to {MAX_PAGE}")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="0-based index of the first item")]
IfMatch = Annotated[str | None, Header(alias="If-Match", description="the ETag the write expects")]
