"""The Plan: ordered changes, what the safety checks found, and the tenant fingerprint. Pure.

Safety checks never stop a plan from being computed and shown: they are recorded, and the
commands refuse to apply (threshold: unless forced; lockout: never).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import orjson

from o2s_config import billing, safety
from o2s_config.access_diff import AccessChanges, access_changes
from o2s_config.billing import BilledCount
from o2s_config.canonical import entries, plain
from o2s_config.catalog import Catalog
from o2s_config.changes import Change
from o2s_config.diff import diff
from o2s_config.kinds import USER
from o2s_config.manual_steps import ManualStep
from o2s_config.masking import mask
from o2s_config.model import Organisation
from o2s_config.ordering import order

# "3": the plan carries its access changes ("access_changes", always present: a reader of "2"
# would ignore them and show a plan without its blast radius). "2": a field of a list changed
# item by item is one entry per item, with an "op" ("add"/"remove"/"set"), where "1" gave the
# whole list before and after (docs/engine.md).
FORMAT_VERSION = "3"


@dataclass(frozen=True)
class Plan:
    """What apply would do to ``target``, in order, and whether it is safe to do it."""

    target: str
    changes: Sequence[Change]
    warnings: Sequence[str] = ()
    threshold_violations: Sequence[str] = ()
    lockout_violations: Sequence[str] = ()
    source: dict[str, str] = field(default_factory=dict)  # file name and hash, for saved plans
    billed: tuple[BilledCount, ...] = ()  # each billed option's active users, now and once applied
    # a published-only tenant: what only the O2S screens can do, still to do / confirmed done (acks.py)
    manual_steps: Sequence[ManualStep] = ()
    acknowledged: Sequence[ManualStep] = ()
    implied: Sequence[ManualStep] = ()  # set by the screen itself: not shown, recorded by ack
    access: AccessChanges = field(default_factory=AccessChanges)  # whose visibility or sensitive rights change
    # the tenant's state as compared (secrets and files settled), for ``fingerprint``
    tenant: Organisation = field(default_factory=lambda: Organisation(version=1), repr=False, compare=False)

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the tenant's state the plan was computed from (``fingerprint()``).

        Hashed when first asked: a saved or JSON plan and the apply of a saved plan need it, a
        plan shown as text or applied at once does not (0.15 s of a plan of 10,000 users).
        """
        return fingerprint(self.tenant)

    @property
    def summary(self) -> dict[str, int]:
        """Changes by action; ``manual`` counts the manual changes and the manual steps still to do."""
        counts = {"create": 0, "update": 0, "delete": 0, "adopt": 0, "manual": len(self.manual_steps)}
        for change in self.changes:
            counts["manual" if change.manual else change.action] += 1
        return counts

    @property
    def acknowledged_count(self) -> int:
        """The acknowledged steps an administrator was shown (not those the screen set by itself)."""
        return sum(1 for step in self.acknowledged if not step.implied)

    @property
    def removals(self) -> list[Change]:
        """Deletions and deactivations: shown next to the summary, whatever the threshold says."""
        return [c for c in self.changes if c.removes]

    @property
    def empty(self) -> bool:
        """Nothing to do: no change for apply, no manual step left (acknowledged ones are done)."""
        return not self.changes and not self.manual_steps

    def refusals(self, force: bool = False) -> list[str]:
        """Why apply must not run: the lockout always, the threshold unless forced."""
        return [*self.lockout_violations, *([] if force else self.threshold_violations)]


def fingerprint(current: Organisation) -> str:
    """A hash of the tenant's state: a saved plan is applied only to the state it was computed from.

    The hash of the compact JSON of ``plain(current)`` with sorted keys (orjson's), fed one section
    member at a time: for 50,000 users the whole text and plain copy would be ~50 MB at the plan's peak.
    """
    digest = hashlib.sha256()
    for chunk in _json_chunks(current, depth=2):
        digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _json_chunks(value: Any, depth: int) -> Iterator[bytes]:
    """The JSON text of ``plain(value)`` with sorted keys, in pieces: maps ``depth`` levels deep key by key."""
    found = entries(value) if depth else None
    if found is None:
        yield orjson.dumps(plain(value), option=orjson.OPT_SORT_KEYS, default=str)
        return
    yield b"{"
    for index, key in enumerate(sorted(found)):
        yield (b"," if index else b"") + orjson.dumps(key) + b":"
        yield from _json_chunks(found[key], depth - 1)
    yield b"}"


def build_plan(
    desired: Organisation,
    current: Organisation,
    catalog: Catalog,
    target: str,
    identity: str | None = None,
    secrets: Iterable[str] = (),
    writable: Iterable[str] | None = None,
    adoptions: Sequence[Change] = (),
) -> Plan:
    """Diff, order and check: the plan of ``desired`` against ``current`` as applied by ``identity``."""
    secret_set = frozenset(secrets)
    found = diff(desired, current, catalog, secret_set)
    changes = order([*adoptions, *found.changes])
    if writable is not None:
        can_write = set(writable)
        changes = [replace(c, manual=True) if c.resource not in can_write else c for c in changes]
    billed = billing.PlanCoverage.of(desired, found.seen, users_change=any(c.resource == USER.name for c in changes))
    verdict = safety.check(changes, found, desired, catalog, identity, billed)
    return Plan(
        target=target,
        changes=changes,
        warnings=[mask(w, secret_set) for w in verdict.warnings],
        threshold_violations=verdict.threshold,
        lockout_violations=verdict.lockout,
        billed=billed.counts(),
        access=access_changes(desired, found.seen, found.rights.wanted, found.rights.held, changes, catalog),
        tenant=current,
    )
