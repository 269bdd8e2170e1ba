"""The one scheduler: a topological walk that, among the ready items, takes the best ranked first.

Ordering uses it to list a plan's changes (each taken as soon as what it follows is taken);
apply uses it to start changes as soon as what they depend on is done. Built on
``graphlib.TopologicalSorter`` with a heap of ranks, so the same graph always gives the
same order, and a loop is reported with the items that form it.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from graphlib import CycleError, TopologicalSorter

from o2s_config.errors import O2SConfigError


class OrderingCycleError(O2SConfigError):
    """The changes depend on each other in a loop; ``cycle`` lists their ids, each waiting for the next."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__("these changes depend on each other in a loop: " + " -> ".join(cycle))


class Schedule:
    """Items in ``ranked`` order, each released once every item it follows is ``done``."""

    def __init__(self, ranked: Sequence[str], follows: Mapping[str, Iterable[str]]) -> None:
        self._rank = {item: index for index, item in enumerate(ranked)}
        self._sorter: TopologicalSorter[str] = TopologicalSorter()
        for item in ranked:
            # what is not scheduled (a manual change, say) holds nothing back
            self._sorter.add(item, *(before for before in follows.get(item, ()) if before in self._rank))
        try:
            self._sorter.prepare()
        except CycleError as error:
            raise OrderingCycleError(_waiting_order(list(error.args[1]))) from None
        self._ready: list[int] = []
        self._release()

    def _release(self) -> None:
        for item in self._sorter.get_ready():
            heapq.heappush(self._ready, self._rank[item])

    def __bool__(self) -> bool:
        """True while an item is ready to be taken."""
        return bool(self._ready)

    def take(self, ranked: Sequence[str]) -> str:
        """The best ranked of the ready items (``ranked`` is the sequence the schedule was built with)."""
        return ranked[heapq.heappop(self._ready)]

    def done(self, item: str) -> None:
        """Mark ``item`` done: what waited only for it becomes ready."""
        self._sorter.done(item)
        self._release()


def walk(ranked: Sequence[str], follows: Mapping[str, Iterable[str]]) -> list[str]:
    """Every item, each after those it follows, the best ranked first among the ready ones."""
    schedule = Schedule(ranked, follows)
    found: list[str] = []
    while schedule:
        item = schedule.take(ranked)
        found.append(item)
        schedule.done(item)
    return found


def _waiting_order(cycle: list[str]) -> list[str]:
    """graphlib's loop (each item before the next) as each item waiting for the next, smallest id first."""
    loop = list(reversed(cycle[:-1]))
    start = loop.index(min(loop))
    loop = loop[start:] + loop[:start]
    return [*loop, loop[0]]
