"""Building HTTP answers: JSON with the tenant revision, pages with 200/206, writes with ETags."""

from __future__ import annotations

from collections.abc import Callable
from sqlite3 import Row
from typing import Any

from starlette.responses import JSONResponse, Response

from o2s_config.sandbox.etags import etag
from o2s_config.sandbox.json_answer import JSONAnswer
from o2s_config.sandbox.store import Store, Tx

MAX_PAGE = 1000
MAX_ID = 2**63 - 1  # SQLite integers are 64-bit: larger ids cannot exist, so they are refused before any query
DEFAULT_PAGE = 20


def json_ok(
    tx: Tx, body: Any, status: int = 200, version: int | None = None, location: str | None = None
) -> JSONResponse:
    """A JSON answer carrying the tenant revision, and the resource's ETag when ``version`` is given."""
    headers = {"X-Tenant-Revision": str(tx.revision)}
    if version is not None:
        headers["ETag"] = etag(version)
    if location is not None:
        headers["Location"] = location
    return JSONAnswer(body, status_code=status, headers=headers)


def no_content(tx: Tx, version: int | None = None) -> Response:
    """A 204 answer to a write, with the new ETag when the resource still exists."""
    headers = {"X-Tenant-Revision": str(tx.revision)}
    if version is not None:
        headers["ETag"] = etag(version)
    return Response(status_code=204, headers=headers)


def page(tx: Tx, items: list[Any], total: int, offset: int) -> JSONResponse:
    """One page of a list: 200 when it reaches the end of the list, 206 when more items follow."""
    complete = offset + len(items) >= total
    span = f"items {offset}-{offset + len(items) - 1}/{total}" if items else f"items */{total}"
    headers = {
        "X-Tenant-Revision": str(tx.revision),
        "X-Total-Count": str(total),
        "Content-Range": span,
        "ETag": etag(tx.revision),
    }
    return JSONAnswer(items, status_code=200 if complete else 206, headers=headers)


# the tables whose rows are listed whole, one page at a time (a fixed set: never user input in SQL)
PAGED_TABLES = frozenset({"structures", "profiles", "outbox"})


def table_page(store: Store, table: str, shape: Callable[[Row], Any], limit: int, offset: int) -> JSONResponse:
    """One page of a table's rows, by id, each shown by ``shape``."""
    assert table in PAGED_TABLES
    with store.read() as tx:
        total = tx.scalar(f"SELECT count(*) FROM {table}")
        rows = tx.all(f"SELECT * FROM {table} ORDER BY id LIMIT ? OFFSET ?", limit, offset)
        return page(tx, [shape(row) for row in rows], total, offset)
