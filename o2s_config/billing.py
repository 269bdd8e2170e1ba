"""Billed options: the one list of what O2S bills per user, and who each option covers once applied. Pure.

The set-up guide lists them on the Abonnement space's Utilisateurs page, where each user is
allowed or not to use each one, "facturés à la consommation". A default counts as it takes
effect: O2S switches e-signature on for every new user, so a user the file leaves without
``esignature`` is billed for it. Only active users count: billing follows the users who sign in
during the month, and an inactive user cannot (../shared/DOMAIN.md).

``validate`` (``checks/users.py``) and the plan (``plan.py`` for the summary, ``safety.py`` for
the warnings) both ask this module, so they count the same users and warn with the same words.
A plan warns only when it extends an option to someone (a plan that bills nobody new stays
quiet); its summary gives every option's count in every plan. ``warnings`` alone decides what deserves a
warning; a file will be able to declare the billed options it intends (``declared``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from o2s_config.model import Organisation, User

SHOWN_LOGINS = 5  # logins named in a warning before "and N more"


@dataclass(frozen=True)
class BilledOption:
    """A per-user option O2S bills, as the Abonnement > Utilisateurs page lists it."""

    key: str  # the user field, dotted: ``esignature``, ``options.patritheque``
    label: str  # the guide's wording on that page
    default: Any  # what O2S gives a new user when the file leaves the field out
    default_assumed: bool  # the guide does not state that default
    warn: bool  # worth a warning when it covers someone (O2S access is the subscription itself)

    @cached_property
    def steps(self) -> tuple[str, ...]:
        """The attributes to follow from a user to the field (the key's dotted parts)."""
        return tuple(self.key.split("."))

    def value(self, user: User) -> Any:
        """The user's value of this field as written (None when the file leaves it out)."""
        found: Any = user
        for step in self.steps:
            found = getattr(found, step, None)
            if found is None:
                return None
        return found


BILLED: tuple[BilledOption, ...] = (
    BilledOption("options.o2s_access", "accéder à O2S", True, default_assumed=True, warn=False),
    BilledOption("options.patritheque", "disposer d’un accès à la Patrithèque", False, True, True),
    # the one default the guide states: « par défaut », and « facturée »
    BilledOption("esignature", "utiliser la signature électronique", True, default_assumed=False, warn=True),
    BilledOption("options.elearning", "accéder à des modules de e-learning", [], True, True),
    BilledOption("options.moneypitch", "ouvrir des accès à MoneyPitch pour ses clients", False, True, True),
)
BY_KEY: dict[str, BilledOption] = {option.key: option for option in BILLED}

Coverage = dict[str, tuple[str, ...]]  # option key -> logins of the active users it covers


def is_on(value: Any) -> bool:
    """A billed value that bills: ``true``, or a non-empty list of e-learning modules."""
    return bool(value)


def _written(user: User) -> list[Any]:
    """The user's value of each billed option as written, None where left out (in ``BILLED``'s order)."""
    return [option.value(user) for option in BILLED]


def coverage(users: Mapping[str, User], held: Mapping[str, User] | None = None) -> Coverage:
    """Who each billed option covers once ``users`` are applied over ``held`` (the tenant's users, if known).

    Users the tenant holds and ``users`` do not list keep what they have. A value takes effect as
    the file's user sets it, else as the tenant's does, else as O2S's default; so does ``active``.
    """
    held = held or {}
    covered: list[list[str]] = [[] for _ in BILLED]
    # one pass over the users, each user's fields read once (three passes per plan of 10,000 users)
    for login in dict.fromkeys([*users, *held]):
        mine, theirs = users.get(login), held.get(login)
        if mine is not None and theirs is not None:
            active = theirs.active if mine.active is None else mine.active
            values = [w if w is not None else t for w, t in zip(_written(mine), _written(theirs), strict=True)]
        else:
            user = mine if mine is not None else theirs
            assert user is not None
            active, values = user.active, _written(user)
        if active is False:
            continue
        for option, value, logins in zip(BILLED, values, covered, strict=True):
            if is_on(option.default if value is None else value):
                logins.append(login)
    return {option.key: tuple(logins) for option, logins in zip(BILLED, covered, strict=True)}


def coverage_after(desired: Organisation, current: Organisation) -> Coverage:
    """Who each billed option covers once ``desired`` is applied to ``current`` (users pruned are deactivated)."""
    held = current.users or {}
    if desired.users is None:
        return coverage({}, held)
    if desired.prune is not None and desired.prune.users:
        held = {
            login: u if login in desired.users else u.model_copy(update={"active": False}) for login, u in held.items()
        }
    return coverage(desired.users, held)


@dataclass(frozen=True)
class BilledCount:
    """How many active users a billed option covers in the tenant now, and once the plan is applied."""

    option: BilledOption
    before: int
    after: int


@dataclass(frozen=True)
class PlanCoverage:
    """Who each billed option covers in the tenant now and once a plan is applied: counted once per plan."""

    before: Coverage
    after: Coverage
    listed: frozenset[str]  # the users the file lists (a warning names only them)

    @classmethod
    def of(cls, desired: Organisation, current: Organisation, users_change: bool = True) -> PlanCoverage:
        """The coverage of applying ``desired`` to ``current``.

        ``users_change`` False: the plan changes no user, so the tenant's coverage is also the one
        once applied (a no-op plan of 10,000 users counts them once, not three times).
        """
        listed = frozenset(desired.users or ())
        now = coverage(current.users or {})
        return cls(now, coverage_after(desired, current) if users_change else now, listed)

    def counts(self) -> tuple[BilledCount, ...]:
        """The plan's billed summary: each option's users in the tenant now and once applied, in the list's order."""
        return tuple(BilledCount(o, len(self.before.get(o.key, ())), len(self.after.get(o.key, ()))) for o in BILLED)

    def warnings(self, declared: Collection[str] = ()) -> list[str]:
        """The plan's billed warnings: ``validate``'s words and counts, for the options it extends to someone.

        Like ``validate``, they name the users the file lists (the tenant's own values fill what the
        file leaves out); the summary counts the whole tenant. The users a pruning plan deactivates
        are not listed, so ``after`` names the same users as the file's users over the tenant's.
        """
        return [
            w.message
            for w in warnings(self.after, declared, within=self.listed)
            if not set(w.logins) <= set(self.before.get(w.option.key, ()))
        ]


@dataclass(frozen=True)
class BilledWarning:
    """A billed option that covers users the file does not declare it intends to bill."""

    option: BilledOption
    logins: tuple[str, ...]

    @property
    def message(self) -> str:
        shown = ", ".join(self.logins[:SHOWN_LOGINS])
        if len(self.logins) > SHOWN_LOGINS:
            shown += f" and {len(self.logins) - SHOWN_LOGINS} more"
        found = (
            f"billed option « {self.option.label} » ({self.option.key}) covers {len(self.logins)} active user(s) "
            f"of this file once applied: {shown}"
        )
        if is_on(self.option.default):
            found += f" (on by default: write '{self.option.key}: false' where it is not wanted)"
        return found


def warnings(
    found: Coverage, declared: Collection[str] = (), within: Collection[str] | None = None
) -> list[BilledWarning]:
    """The billed options worth a warning: those covering someone (of ``within``), unless declared intended."""
    notes = []
    for option in BILLED:
        logins = tuple(login for login in found.get(option.key, ()) if within is None or login in within)
        if option.warn and logins and option.key not in declared:
            notes.append(BilledWarning(option, logins))
    return notes
