"""Effective access: which users' agendas and clients each active user can see, and with which rights.

Pure: an Organisation (the file's, or a tenant's as read) and the resolved rights of its profiles
in, an ``AccessMap`` out. Two maps of the same logins compare user by user, which is all a plan
needs to show what a change does to who sees what.

Scope semantics (the set-up guide's worked example; docs/access.md):
- ``own``: the user himself;
- ``attached``: himself and every user below him in the tree, all levels down;
- ``group``: the users attached to the same manager as him (himself included) plus every user
  below him; a user without a manager has no group-mates;
- ``none``: nobody;
- any other choice (a wider one a catalogue may add): every user of the organisation, so that an
  access review never under-states what a profile opens.
Viewers are the active users; what they see covers every user, inactive ones included (a
departed advisor's clients and agenda are still there until they are handed over).

Sets are never copied per user: the tree is laid out in one pre-order, where each subtree is a
contiguous slice, and a visibility is a slice plus one set shared by the whole team. Building
the map is linear in the number of users whatever the shape of the tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from o2s_config.catalog import ADMIN_RIGHT, Catalog, RightsMap
from o2s_config.model import ADMIN_PROFILE, Organisation, User
from o2s_config.model.hierarchy import edges
from o2s_config.resolve import UnknownBaseError, effective_rights, resolve_custom

AGENDA = "agenda.view_calendars"
CLIENTS = "contact.client_access"
CUSTOM_PROFILE = "Personnalisé"
KNOWN_SCOPES = ("none", "own", "attached", "group")
ADMINISTRATION = ADMIN_RIGHT


@dataclass(frozen=True)
class Tree:
    """The hierarchy laid out for set arithmetic: every user once, each subtree a contiguous slice."""

    order: tuple[str, ...]
    position: Mapping[str, int]
    end: Mapping[str, int]  # login -> position just after the last user of his subtree
    manager: Mapping[str, str]
    team: Mapping[str, frozenset[str]]  # manager -> the users attached directly to him

    def below(self, login: str) -> list[str]:
        """Every user below ``login``, all levels down, in tree order."""
        start = self.position[login]
        return list(self.order[start + 1 : self.end[login]])


@dataclass(frozen=True)
class Reach:
    """A set of logins: the slice ``[start, end)`` of the tree's order plus a set of logins outside it."""

    tree: Tree = field(repr=False, compare=False)
    start: int = 0
    end: int = 0
    extra: frozenset[str] = frozenset()

    def __len__(self) -> int:
        return self.end - self.start + len(self.extra)

    def __contains__(self, login: object) -> bool:
        if login in self.extra:
            return True
        position = self.tree.position.get(login) if isinstance(login, str) else None
        return position is not None and self.start <= position < self.end

    def __iter__(self) -> Iterator[str]:
        """The logins in tree order."""
        if not self.extra:
            return iter(self.tree.order[self.start : self.end])
        return iter(sorted([*self.extra, *self.tree.order[self.start : self.end]], key=self.tree.position.__getitem__))

    def logins(self) -> frozenset[str]:
        """The set itself, materialised (to compare two organisations)."""
        return frozenset(self.extra).union(self.tree.order[self.start : self.end])


@dataclass(frozen=True)
class UserAccess:
    """What one active user can do and see."""

    login: str
    user: User = field(repr=False)
    profile: str | None  # a profile's label, "Personnalisé", or None when the organisation does not say
    granted: RightsMap | None  # the rights as ticked on the screen; None when unknown
    rights: RightsMap | None  # effective rights (what takes effect); None when unknown
    agenda_scope: str | None
    client_scope: str | None
    agendas: Reach | None
    clients: Reach | None
    manages: bool  # someone is attached below him


@dataclass(frozen=True)
class AccessMap:
    """Every active user's access, in the organisation's order, and what the computation assumed."""

    tree: Tree
    users: dict[str, UserAccess]
    everyone: dict[str, User]  # every user of the organisation, active or not
    profiles: dict[str, RightsMap]  # every profile's rights as ticked, Administrateur first
    notes: list[str]

    def who_can_see(self, login: str) -> tuple[list[UserAccess], list[UserAccess]]:
        """The other active users who see ``login``'s agenda, and those who see his clients."""
        others = [a for a in self.users.values() if a.login != login]
        agendas = [a for a in others if a.agendas is not None and login in a.agendas]
        clients = [a for a in others if a.clients is not None and login in a.clients]
        return agendas, clients

    def administrators(self) -> list[UserAccess]:
        """Active users for whom « Accès au module « Administration » » takes effect."""
        tab, _, right_id = ADMINISTRATION.partition(".")
        return [a for a in self.users.values() if a.rights is not None and a.rights.get(tab, {}).get(right_id) is True]


def build_tree(org: Organisation) -> Tree:
    """The hierarchy in pre-order (roots in file order), then the users outside it."""
    users = list(org.users or {})
    children: dict[str, list[str]] = {}
    manager: dict[str, str] = {}
    for boss, login, _ in edges(org.hierarchy or {}):
        if login not in manager and login != boss:
            manager[login] = boss
            children.setdefault(boss, []).append(login)
    roots = [login for login in [*(org.hierarchy or {}), *users] if login not in manager]
    order: list[str] = []
    end: dict[str, int] = {}
    position: dict[str, int] = {}
    for root in roots:
        if root in position:
            continue
        stack: list[tuple[str, bool]] = [(root, False)]
        while stack:  # iterative: a deep tree must not hit the recursion limit
            login, closing = stack.pop()
            if closing:
                end[login] = len(order)
                continue
            if login in position:
                continue  # a loop in a malformed tree: each user is laid out once
            position[login] = len(order)
            order.append(login)
            stack.append((login, True))
            stack.extend((child, False) for child in reversed(children.get(login, [])))
    team = {boss: frozenset(members) for boss, members in children.items()}
    return Tree(tuple(order), position, end, manager, team)


def reach(tree: Tree, login: str, scope: str) -> Reach:
    """The users whose data a scope opens to ``login`` (see the module docstring)."""
    start, end = tree.position[login], tree.end[login]
    if scope == "none":
        return Reach(tree)
    if scope == "own":
        return Reach(tree, start, start + 1)
    if scope == "attached":
        return Reach(tree, start, end)
    if scope == "group":
        boss = tree.manager.get(login)
        if boss is None:
            return Reach(tree, start, end)
        # the team and the subtree below him are disjoint: the team set is shared by all its members
        return Reach(tree, start + 1, end, tree.team[boss])
    return Reach(tree, 0, len(tree.order))


def compute_access(org: Organisation, profiles: Mapping[str, RightsMap], catalog: Catalog) -> AccessMap:
    """The access of every active user of ``org``; ``profiles`` are its resolved profiles (label -> rights)."""
    tree = build_tree(org)
    users = org.users or {}
    effective: dict[str, RightsMap] = {label: effective_rights(r, catalog) for label, r in profiles.items()}
    if ADMIN_PROFILE not in effective:
        effective[ADMIN_PROFILE] = catalog.full("all")
    found: dict[str, UserAccess] = {}
    unknown_scopes: set[str] = set()
    for login, user in users.items():
        if user.active is False:
            continue
        profile, granted, rights = _rights_of(user, profiles, effective, catalog)
        agenda_scope = _scope(rights, AGENDA)
        client_scope = _scope(rights, CLIENTS)
        unknown_scopes.update(s for s in (agenda_scope, client_scope) if s is not None and s not in KNOWN_SCOPES)
        found[login] = UserAccess(
            login=login,
            user=user,
            profile=profile,
            granted=granted,
            rights=rights,
            agenda_scope=agenda_scope,
            client_scope=client_scope,
            agendas=reach(tree, login, agenda_scope) if agenda_scope is not None else None,
            clients=reach(tree, login, client_scope) if client_scope is not None else None,
            manages=login in tree.team,
        )
    named = {ADMIN_PROFILE: catalog.full("all"), **{k: v for k, v in profiles.items() if k != ADMIN_PROFILE}}
    return AccessMap(tree, found, dict(users), named, _notes(org, found, unknown_scopes))


def _rights_of(
    user: User, profiles: Mapping[str, RightsMap], effective: dict[str, RightsMap], catalog: Catalog
) -> tuple[str | None, RightsMap | None, RightsMap | None]:
    """The user's profile name, his rights as ticked, and as they take effect."""
    if user.custom_profile is not None:
        try:
            custom = resolve_custom(user.custom_profile, profiles, catalog)
        except UnknownBaseError:
            return CUSTOM_PROFILE, None, None
        return CUSTOM_PROFILE, custom, effective_rights(custom, catalog)
    if user.profile is None:
        return None, None, None
    granted = catalog.full("all") if user.profile == ADMIN_PROFILE else profiles.get(user.profile)
    return user.profile, granted, effective.get(user.profile)


def _scope(rights: RightsMap | None, dotted: str) -> str | None:
    if rights is None:
        return None
    tab, _, right_id = dotted.partition(".")
    value = rights.get(tab, {}).get(right_id)
    return value if isinstance(value, str) else None


def _notes(org: Organisation, found: Mapping[str, UserAccess], unknown_scopes: set[str]) -> list[str]:
    """What the reader of a review must know about how it was computed."""
    notes = []
    if org.hierarchy is None and found:
        notes.append("the hierarchy is not managed here: 'group' and 'attached' scopes are computed without it")
    unknown = sorted(a.login for a in found.values() if a.rights is None)
    if unknown:
        shown = ", ".join(unknown[:10]) + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else "")
        notes.append(f"rights not known for {len(unknown)} user(s) (no readable profile): {shown}")
    for scope in sorted(unknown_scopes):
        notes.append(f"scope '{scope}' is not one access knows: counted as every user of the organisation")
    return notes
