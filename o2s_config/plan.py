"""The Plan: ordered changes, what the safety checks found, and the tenant fingerprint. Pure.

Safety checks never stop a plan from being computed and shown: they are recorded, and the
commands refuse to apply (threshold: unless forced; lockout: never).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from o2s_config import safety
from o2s_config.access_diff import AccessChanges, access_changes
from o2s_config.canonical import plain
from o2s_config.catalog import Catalog
from o2s_config.changes import Change
from o2s_config.diff import diff
from o2s_config.intents import Intents
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
    fingerprint: str
    changes: Sequence[Change]
    warnings: Sequence[str] = ()
    threshold_violations: Sequence[str] = ()
    lockout_violations: Sequence[str] = ()
    source: dict[str, str] = field(default_factory=dict)  # file name and hash, for saved plans
    access: AccessChanges = field(default_factory=AccessChanges)  # whose visibility or sensitive rights change

    @property
    def summary(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "delete": 0, "manual": 0}
        for change in self.changes:
            counts["manual" if change.manual else change.action] += 1
        return counts

    @property
    def removals(self) -> list[Change]:
        """Deletions and deactivations: shown next to the summary, whatever the threshold says."""
        return [c for c in self.changes if c.removes]

    @property
    def empty(self) -> bool:
        return not self.changes

    def refusals(self, force: bool = False) -> list[str]:
        """Why apply must not run: the lockout always, the threshold unless forced."""
        return [*self.lockout_violations, *([] if force else self.threshold_violations)]


def fingerprint(current: Organisation) -> str:
    """A hash of the tenant's state: a saved plan is applied only to the state it was computed from."""
    text = json.dumps(plain(current), sort_keys=True, ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def build_plan(
    desired: Organisation,
    current: Organisation,
    catalog: Catalog,
    target: str,
    identity: str | None = None,
    secrets: Iterable[str] = (),
    writable: Iterable[str] | None = None,
) -> Plan:
    """Diff, order and check: the plan of ``desired`` against ``current`` as applied by ``identity``."""
    secret_set = frozenset(secrets)
    found = diff(desired, current, catalog, secret_set)
    changes = order(found.changes)
    if writable is not None:
        can_write = set(writable)
        changes = [replace(c, manual=True) if c.resource not in can_write else c for c in changes]
    verdict = safety.check(changes, found, desired.safety, catalog, identity, Intents.of(desired))
    return Plan(
        target=target,
        fingerprint=fingerprint(current),
        changes=changes,
        warnings=[mask(w, secret_set) for w in verdict.warnings],
        threshold_violations=verdict.threshold,
        lockout_violations=verdict.lockout,
        access=access_changes(desired, found.seen, found.rights.wanted, found.rights.held, changes, catalog),
    )
