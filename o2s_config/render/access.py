"""An access review as text (for a terminal or a ticket) and as JSON (``schemas/access.schema.json``)."""

from __future__ import annotations

import json
from itertools import islice
from typing import Any

from o2s_config.access import AGENDA, CLIENTS, CUSTOM_PROFILE, AccessMap, Reach, UserAccess
from o2s_config.catalog import Catalog
from o2s_config.model import User
from o2s_config.render.rights import rights_lines
from o2s_config.resolve import without_effect

FORMAT_VERSION = "1"
SHOWN_IN_OVERVIEW = 10  # names per set in the all-users text view; --user shows them all


def full_name(user: User) -> str:
    """« Prénom Nom », as the O2S lists show a user."""
    return " ".join(part for part in (user.first_name, user.last_name) if part)


def name_of(access: AccessMap, login: str) -> str:
    """The full name of any user of the organisation (empty for a login only the hierarchy names)."""
    user = access.everyone.get(login)
    return full_name(user) if user is not None else ""


def scope_label(catalog: Catalog, dotted: str, scope: str | None) -> str:
    """The screen's wording of a scope (``Voir uniquement mon agenda``), or why it is unknown."""
    right = catalog.by_key(dotted)
    if scope is None:
        return "unknown (no readable profile)"
    return right.marked_value_label(scope) if right else scope


def sensitive_labels(catalog: Catalog, access: UserAccess) -> list[str]:
    """The sensitive rights that take effect for this user, by French label."""
    if access.rights is None:
        return []
    return [r.marked_label for r in catalog.all_rights() if r.sensitive and r.grants(access.rights)]


# --- text -------------------------------------------------------------------------------------


def overview_text(access: AccessMap, catalog: Catalog, source: str, violations: list[str] | None) -> str:
    """Every active user: profile, what his scopes open, his sensitive rights; then the broken policies."""
    admins = ", ".join(a.login for a in access.administrators()) or "nobody"
    lines = [f"Access review of {source}", f"{len(access.users)} active user(s); administration: {admins}"]
    lines += [f"note: {note}" for note in access.notes]
    if violations is None:
        lines.append("policies: none given")
    elif violations:
        lines.append(f"{len(violations)} policy violation(s):")
        lines += [f"  {violation}" for violation in violations]
    else:
        lines.append("policies: all kept")
    sensitive_by_rights: dict[int, list[str]] = {}  # users of one profile share one rights map
    for user in access.users.values():
        lines.append("")
        lines.append(f"{user.login}  {full_name(user.user)}  ({user.profile or 'no profile'})")
        lines.append(_set_line("agendas", catalog, AGENDA, user.agenda_scope, user.agendas, user.login))
        lines.append(_set_line("clients", catalog, CLIENTS, user.client_scope, user.clients, user.login))
        key = id(user.rights)
        if key not in sensitive_by_rights:
            sensitive_by_rights[key] = sensitive_labels(catalog, user)
        sensitive = sensitive_by_rights[key]
        if sensitive:
            lines.append("  sensitive rights: " + ", ".join(f"« {label} »" for label in sensitive))
    return "\n".join(lines) + "\n"


def _set_line(what: str, catalog: Catalog, dotted: str, scope: str | None, seen: Reach | None, login: str) -> str:
    head = f"  {what}: {scope_label(catalog, dotted, scope)}"
    if seen is None:
        return head
    names = list(islice(seen, SHOWN_IN_OVERVIEW))
    hidden = len(seen) - len(names)
    more = f" and {hidden} more (access --user {login} lists them all)" if hidden else ""
    return f"{head} -> {len(seen)} user(s): {', '.join(names)}{more}"


def user_text(access: AccessMap, catalog: Catalog, user: UserAccess) -> str:
    """One user: every user whose agenda and clients he sees, and his rights as the screen shows them."""
    below = len(access.tree.below(user.login)) if user.manages else 0
    role = f", {below} user(s) attached below" if below else ""
    lines = [f"{full_name(user.user)} ({user.login}): profile {user.profile or 'unknown'}{role}"]
    lines += [f"note: {note}" for note in access.notes]
    for what, dotted, scope, seen in (
        ("Agendas", AGENDA, user.agenda_scope, user.agendas),
        ("Clients", CLIENTS, user.client_scope, user.clients),
    ):
        right = catalog.by_key(dotted)
        lines.append(f"{what}: « {right.marked_label if right else dotted} » = {scope_label(catalog, dotted, scope)}")
        if seen is not None:
            lines.append(f"  sees {len(seen)} user(s):")
            lines += [f"    {login}  {name_of(access, login)}" for login in seen]
    if user.granted is not None:
        lines.append("Rights (ticked on the screen; what takes no effect is marked):")
        lines += rights_lines(catalog, user.granted, indent="  ")
    return "\n".join(lines) + "\n"


def inactive_text(access: AccessMap, login: str) -> str:
    """An inactive user sees nothing: say so rather than fail."""
    return f"{name_of(access, login)} ({login}) is not active: an inactive user sees nothing\n"


def inactive_json(access: AccessMap, source: dict[str, str], login: str) -> str:
    """The JSON review of an inactive user: nobody listed, and why."""
    document = {
        "format_version": FORMAT_VERSION,
        "source": source,
        "notes": [*access.notes, f"'{login}' is not active: an inactive user sees nothing"],
        "administrators": [a.login for a in access.administrators()],
        "policy_violations": None,
        "profiles": {},
        "users": [],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def who_can_see_text(access: AccessMap, catalog: Catalog, login: str) -> str:
    """Every active user who sees ``login``'s agenda, then his clients, with the scope that lets him."""
    agendas, clients = access.who_can_see(login)
    lines = [f"Who else can see {name_of(access, login)} ({login})"]
    lines += [f"note: {note}" for note in access.notes]
    for what, dotted, viewers in (("Agenda", AGENDA, agendas), ("Clients", CLIENTS, clients)):
        lines.append(f"{what}: {len(viewers)} other user(s)")
        for viewer in viewers:
            scope = viewer.agenda_scope if dotted == AGENDA else viewer.client_scope
            lines.append(
                f"  {viewer.login}  {full_name(viewer.user)}  ({viewer.profile}: {scope_label(catalog, dotted, scope)})"
            )
    return "\n".join(lines) + "\n"


# --- JSON -------------------------------------------------------------------------------------


def user_json(access: AccessMap, catalog: Catalog, user: UserAccess) -> dict[str, Any]:
    """One user as the JSON review shows him (see schemas/access.schema.json)."""
    return {
        "login": user.login,
        "name": full_name(user.user),
        "profile": user.profile,
        "manager": access.tree.manager.get(user.login),
        "attached": sorted(access.tree.team.get(user.login, ()), key=access.tree.position.__getitem__),
        "agendas": _set_json(catalog, AGENDA, user.agenda_scope, user.agendas),
        "clients": _set_json(catalog, CLIENTS, user.client_scope, user.clients),
        "custom_rights": _rights_json(catalog, user) if user.profile == CUSTOM_PROFILE else None,
    }


def _rights_json(catalog: Catalog, user: UserAccess) -> dict[str, Any] | None:
    """Rights as they take effect, what is ticked without effect, the sensitive rights in effect."""
    if user.rights is None or user.granted is None:
        return None
    return {
        "rights": user.rights,
        "without_effect": [r.key for r in without_effect(user.granted, catalog)],
        "sensitive_rights": [r.key for r in catalog.all_rights() if r.sensitive and r.grants(user.rights)],
    }


def _set_json(catalog: Catalog, dotted: str, scope: str | None, seen: Reach | None) -> dict[str, Any] | None:
    if scope is None or seen is None:
        return None
    return {"scope": scope, "label": scope_label(catalog, dotted, scope), "count": len(seen), "users": list(seen)}


def review_json(
    access: AccessMap,
    catalog: Catalog,
    source: dict[str, str],
    violations: list[str] | None,
    only: str | None = None,
) -> str:
    """The review of every active user (or of ``only``) as a JSON document."""
    users = [access.users[only]] if only is not None else list(access.users.values())
    profiles: dict[str, Any] = {}
    for user in users:  # each named profile once: its users share its rights
        if user.profile not in (None, CUSTOM_PROFILE) and user.profile not in profiles:
            profiles[user.profile] = _rights_json(catalog, user)
    document = {
        "format_version": FORMAT_VERSION,
        "source": source,
        "notes": access.notes,
        "administrators": [a.login for a in access.administrators()],
        "policy_violations": violations,
        "profiles": profiles,
        "users": [user_json(access, catalog, user) for user in users],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def who_can_see_json(access: AccessMap, source: dict[str, str], login: str) -> str:
    """Who sees ``login``'s agenda and clients, as a JSON document."""
    agendas, clients = access.who_can_see(login)
    document = {
        "format_version": FORMAT_VERSION,
        "source": source,
        "notes": access.notes,
        "who_can_see": {
            "login": login,
            "name": name_of(access, login),
            "agendas": [{"login": a.login, "profile": a.profile, "scope": a.agenda_scope} for a in agendas],
            "clients": [{"login": a.login, "profile": a.profile, "scope": a.client_scope} for a in clients],
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
