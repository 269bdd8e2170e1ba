"""Ctrl-C while apply makes changes: the first press starts no more, the second abandons those in flight.

A change cut in the middle is the one thing apply must not do on a simple Ctrl-C: the first press
sets ``stop`` (``apply.run_changes`` then starts nothing new and waits for the changes in flight),
so the report can say exactly what was done. A second press cancels the changes in flight.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, TypeVar

import click

T = TypeVar("T")


class Interruption:
    """Counts Ctrl-C presses during one piece of work run on ``loop``."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.presses = 0
        self.stop = asyncio.Event()
        self._loop = loop
        self._task: asyncio.Task[Any] | None = None

    @property
    def abandoned(self) -> bool:
        """True once a second press cancelled the work."""
        return self.presses > 1

    def _on_signal(self, number: int, frame: FrameType | None) -> None:
        self.presses += 1
        if self.presses == 1:
            self._loop.call_soon_threadsafe(self.stop.set)
            self._loop.call_soon_threadsafe(
                _say, "interrupted: no new change starts; waiting for those in flight (Ctrl-C again to abandon them)"
            )
        elif self._task is not None:
            self._loop.call_soon_threadsafe(self._task.cancel)

    async def watched(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work``, cancelled on a second press."""
        self._task = asyncio.current_task()
        return await work

    @contextmanager
    def installed(self) -> Iterator[Interruption]:
        """Catch Ctrl-C (SIGINT) in this block instead of raising KeyboardInterrupt."""
        previous = signal.signal(signal.SIGINT, self._on_signal)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)


def _say(text: str) -> None:
    click.echo(f"\n{text}", err=True)
