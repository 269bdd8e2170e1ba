"""Reading a paged list whole: until the tenant says it is complete, whatever a count header claims.

Harvest's lists answer 200 when the page completes the list and 206 while more follow. A count
header (``X-Total-Count``, which our sandbox sends and Harvest does not publish) is only a hint:
it decides how many pages are asked for ahead, never where the list ends. The page size is the
one the tenant actually serves (it may cap ours). A list that repeats itself (offset ignored)
or never ends is refused with a clear error: an incomplete read must never pass for a whole one,
or every unread user would look missing.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from o2s_config.errors import ApiError, ListReadError

PAGE_SIZE = 1000  # the largest page O2S's lists accept: 10,000 users are read in 10 requests
AHEAD = 4  # pages asked for at once, whatever a count header announces
MAX_PAGES = 10_000
MAX_ITEMS = 500_000  # far above any firm; a list longer than this never ends


@dataclass(frozen=True)
class Page:
    """One answer of a list: its status (200 complete, 206 partial), its items, the count it announces."""

    status: int
    items: list[Any]
    count: int | None = None


FetchPage = Callable[[int, int], Coroutine[Any, Any, Page]]  # (offset, limit) -> the page there


def count_hint(value: str | None) -> int | None:
    """The count header as a number, or None when absent or not a count."""
    try:
        count = int(value) if value is not None else None
    except ValueError:
        return None
    return count if count is not None and count >= 0 else None


async def read_all(fetch: FetchPage, path: str) -> list[Any]:
    """Every item of the list at ``path``: the pages in order, at most ``AHEAD`` requests at once."""
    reader = _Reader(fetch, path)
    try:
        return await reader.run()
    finally:
        reader.cancel_pending()


class _Reader:
    def __init__(self, fetch: FetchPage, path: str) -> None:
        self._fetch = fetch
        self._path = path
        self._pending: dict[int, asyncio.Task[Page]] = {}
        self._seen: set[Any] = set()
        self._step = PAGE_SIZE  # the page size the tenant serves, once the first page shows it

    async def run(self) -> list[Any]:
        items: list[Any] = []
        offset, pages = 0, 0
        while pages < MAX_PAGES and len(items) <= MAX_ITEMS:
            page = await self._page_after(items, offset)
            pages += 1
            if page.status not in (200, 206):
                raise ListReadError(f"the tenant answered {page.status} to a page of {self._path}")
            if pages == 1:
                self._step = max(1, min(len(page.items), PAGE_SIZE))
            self._check_new(page.items, offset)
            items += page.items
            if page.status == 200 or not page.items:  # complete, or nothing is left at this offset
                return items
            offset += len(page.items)
            self._ask_ahead(offset, page.count)
        raise ListReadError(
            f"the list {self._path} did not end after {len(items)} items in {pages} pages: the tenant keeps "
            "answering 206 (more to come); nothing was written"
        )

    async def _page_after(self, items: list[Any], offset: int) -> Page:
        """The page at ``offset``; past the first, a refusal is said to leave the list unread."""
        try:
            return await self._page_at(offset)
        except ApiError as error:
            if not items:
                raise
            raise ListReadError(
                f"the list {self._path} could not be read whole: its page at offset {offset} was answered "
                f"{error} after {len(items)} items; a part of a list is never used"
            ) from error

    async def _page_at(self, offset: int) -> Page:
        task = self._pending.pop(offset, None)
        self._drop_pending_before(offset)
        if task is None:
            return await self._fetch(offset, PAGE_SIZE)
        return await task

    def _ask_ahead(self, offset: int, count: int | None) -> None:
        """Start the next pages: ``AHEAD`` of them, fewer when the count says the list ends sooner."""
        ahead = AHEAD
        if count is not None:
            ahead = max(1, min(AHEAD, -(-(count - offset) // self._step)))
        for k in range(ahead):
            start = offset + k * self._step
            if start not in self._pending:
                self._pending[start] = asyncio.create_task(self._fetch(start, PAGE_SIZE))

    def _drop_pending_before(self, offset: int) -> None:
        # a page shorter than the others shifts every later offset: pages asked at the old ones are not needed
        for start in [s for s in self._pending if s < offset or (s - offset) % self._step]:
            _discard(self._pending.pop(start))

    def _check_new(self, items: list[Any], offset: int) -> None:
        for item in items:
            identity = _identity(item)
            if identity in self._seen:
                raise ListReadError(
                    f"the tenant sent items of {self._path} twice (page at offset {offset}): it ignores 'offset', "
                    "or the list changed while it was read; nothing was written, run the command again"
                )
            self._seen.add(identity)

    def cancel_pending(self) -> None:
        for task in self._pending.values():
            _discard(task)
        self._pending.clear()


def _discard(task: asyncio.Task[Page]) -> None:
    """Cancel a page no longer needed (an error it already met is dropped with it)."""
    if task.done() and not task.cancelled():
        task.exception()
    task.cancel()


def _identity(item: Any) -> Any:
    """What tells two items apart: the tenant id, else the whole item."""
    if isinstance(item, dict) and isinstance(item.get("id"), int | str):
        return ("id", item["id"])
    return ("item", json.dumps(item, sort_keys=True, default=str))
