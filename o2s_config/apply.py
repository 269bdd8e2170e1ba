"""Executing a plan: changes start as soon as what they depend on is done, at most N at a time.

On the first failure, or once ``stop`` is set (Ctrl-C), no new change starts; the ones in
flight are waited for, and the report says what was done, what failed with the tenant's error,
and what was not started, so that re-running ``plan`` shows exactly the remainder.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from o2s_config.changes import Change

Executor = Callable[[Change], Coroutine[Any, Any, None]]
Listener = Callable[[Change, BaseException | None], None]


@dataclass
class ApplyReport:
    """What happened to each change of the plan."""

    done: list[Change] = field(default_factory=list)
    failed: list[tuple[Change, BaseException]] = field(default_factory=list)
    not_started: list[Change] = field(default_factory=list)
    manual: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_started


async def run_changes(
    changes: list[Change],
    execute: Executor,
    parallelism: int = 8,
    on_finish: Listener | None = None,
    stop: asyncio.Event | None = None,
) -> ApplyReport:
    """Run ``changes`` (already ordered) respecting ``depends_on``; stop starting new ones on a failure or ``stop``.

    Cancelled itself (a second Ctrl-C), it cancels the changes in flight.
    """
    report = ApplyReport(manual=[c for c in changes if c.manual])
    todo = [c for c in changes if not c.manual]
    position = {c.id: i for i, c in enumerate(todo)}
    # a manual change is the administrator's job, done by hand before apply: it blocks nothing
    waiting = {c.id: sum(1 for d in c.depends_on if d in position) for c in todo}
    followers: dict[str, list[str]] = {c.id: [] for c in todo}
    for change in todo:
        for before in change.depends_on:
            if before in position:
                followers[before].append(change.id)
    ready = [position[i] for i, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    running: dict[asyncio.Task[None], Change] = {}
    started: set[str] = set()
    while ready or running:
        while ready and len(running) < max(1, parallelism) and not report.failed and not (stop and stop.is_set()):
            change = todo[heapq.heappop(ready)]
            started.add(change.id)
            running[asyncio.create_task(execute(change))] = change
        if not running:
            break
        try:
            finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            for task in running:
                task.cancel()
            raise
        for task in sorted(finished, key=lambda t: position[running[t].id]):
            change = running.pop(task)
            error = task.exception()
            if error is None:
                report.done.append(change)
                for after in followers[change.id]:
                    waiting[after] -= 1
                    if waiting[after] == 0:
                        heapq.heappush(ready, position[after])
            else:
                report.failed.append((change, error))
            if on_finish:
                on_finish(change, error)
    report.not_started = [c for c in todo if c.id not in started]
    return report
