"""Executing a plan: changes start as soon as what they depend on is done, at most N at a time.

On the first failure, or once ``stop`` is set (Ctrl-C), no new change starts; the ones in
flight are waited for, and the report says what was done, what failed with the tenant's error,
and what was not started, so that re-running ``plan`` shows exactly the remainder.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from o2s_config.changes import Change
from o2s_config.schedule import Schedule

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
    changes: Sequence[Change],
    execute: Executor,
    parallelism: int = 8,
    on_finish: Listener | None = None,
    stop: asyncio.Event | None = None,
) -> ApplyReport:
    """Run ``changes`` (already ordered) respecting ``depends_on``; stop starting new ones on a failure or ``stop``.

    Cancelled itself (a second Ctrl-C), it cancels the changes in flight.
    """
    report = ApplyReport(manual=[c for c in changes if c.manual])
    # a manual change is the administrator's job, done by hand before apply: it blocks nothing
    todo = [c for c in changes if not c.manual]
    ids = [c.id for c in todo]
    by_id = {c.id: c for c in todo}
    position = {i: n for n, i in enumerate(ids)}
    schedule = Schedule(ids, {c.id: c.depends_on for c in todo})
    running: dict[asyncio.Task[None], Change] = {}
    started: set[str] = set()
    while schedule or running:
        while schedule and len(running) < max(1, parallelism) and not report.failed and not (stop and stop.is_set()):
            change = by_id[schedule.take(ids)]
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
                schedule.done(change.id)
            else:
                report.failed.append((change, error))
            if on_finish:
                on_finish(change, error)
    report.not_started = [c for c in todo if c.id not in started]
    return report
