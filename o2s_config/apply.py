"""Executing a plan: changes start as soon as what they depend on is done, at most N at a time.

On the first failure no new change starts; the ones in flight are waited for, and the report
says what was done, what failed with the tenant's error, and what was not started, so that
re-running ``plan`` shows exactly the remainder.
"""

from __future__ import annotations

import asyncio
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
    changes: list[Change], execute: Executor, parallelism: int = 8, on_finish: Listener | None = None
) -> ApplyReport:
    """Run ``changes`` (already ordered) respecting ``depends_on``; stop starting new ones on a failure."""
    report = ApplyReport(manual=[c for c in changes if c.manual])
    # a manual change is the administrator's job, done by hand before apply: it does not block others
    settled = {c.id for c in report.manual}
    pending = [c for c in changes if not c.manual]
    running: dict[asyncio.Task[None], Change] = {}
    while pending or running:
        if not report.failed:
            for change in [c for c in pending if all(d in settled for d in c.depends_on)]:
                if len(running) >= max(1, parallelism):
                    break
                pending.remove(change)
                running[asyncio.create_task(execute(change))] = change
        if not running:
            break
        finished, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for task in finished:
            change = running.pop(task)
            error = task.exception()
            if error is None:
                report.done.append(change)
                settled.add(change.id)
            else:
                report.failed.append((change, error))
            if on_finish:
                on_finish(change, error)
    report.not_started = pending
    return report
