"""Users: references, uniqueness, custom profiles, lockout protection, billed-option warnings."""

from __future__ import annotations

from collections.abc import Iterator

from o2s_config import billing
from o2s_config.catalog import ADMIN_RIGHT_ID, ADMIN_TAB, RightsMap, grants_admin
from o2s_config.checks.context import CheckContext, DocPath, closest
from o2s_config.checks.keys import why_same
from o2s_config.checks.mail import mail_secret_errors
from o2s_config.checks.profiles import constraint_errors, rights_errors, sensitive_warnings
from o2s_config.diagnostics import Diagnostic
from o2s_config.intents import Intents
from o2s_config.keys import natural_key
from o2s_config.model import ADMIN_PROFILE, User
from o2s_config.resolve import UnknownBaseError, resolve_custom


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    users = ctx.org.users or {}
    yield from _unique(ctx, users)
    intents = Intents.of(ctx.org)
    for login, user in users.items():
        yield from _references(ctx, ("users", login), user, intents)
        yield from _sign_in(ctx, ("users", login), user)
        yield from mail_secret_errors(ctx, ("users", login, "email_server"), login)
    yield from _lockout(ctx, users)


def _unique(ctx: CheckContext, users: dict[str, User]) -> Iterator[Diagnostic]:
    seen: dict[str, dict[str, str]] = {"login": {}, "email": {}, "advisor_id": {}}
    for login, user in users.items():
        for field, value in (("login", login), ("email", user.email), ("advisor_id", user.advisor_id)):
            if value is None:
                continue
            folded = natural_key(value)  # "hélène" in NFD and in NFC, "ADubois" and "adubois": one login
            first = seen[field].get(folded)
            if first is None:
                seen[field][folded] = login
                continue
            where: DocPath = ("users", login) if field == "login" else ("users", login, field)
            yield ctx.at(
                where,
                f"{field.replace('_', ' ')} '{value}' is already used by user '{first}'"
                + (why_same(login, first) if field == "login" else ""),
                key=field == "login",
            )


def _references(ctx: CheckContext, path: DocPath, user: User, intents: Intents) -> Iterator[Diagnostic]:
    structures = ctx.known.get("structures")
    if user.structure is None and structures is not None and len(structures) > 1:
        listed = ", ".join(sorted(structures))
        yield ctx.at(path, f"'structure' is required: the firm has several structures ({listed})", key=True)
    elif user.structure is not None and structures is not None and user.structure not in structures:
        hint = closest(user.structure, ctx.known["structures"])
        yield ctx.at((*path, "structure"), f"unknown structure '{user.structure}'{hint}")
    known_profiles = ctx.known.get("profiles")
    if user.profile not in (None, ADMIN_PROFILE) and known_profiles is not None and user.profile not in known_profiles:
        hint = closest(user.profile, {*known_profiles, ADMIN_PROFILE})
        yield ctx.at((*path, "profile"), f"unknown profile '{user.profile}'{hint}")
    statuses = ctx.org.services.advisor_statuses if ctx.org.services else None
    if user.commission_status is not None and statuses is not None and user.commission_status not in statuses:
        yield ctx.at(
            (*path, "commission_status"),
            f"unknown commission status '{user.commission_status}' (see services.advisor_statuses)",
        )
    custom = user.custom_profile
    if custom is not None:
        yield from rights_errors(ctx, (*path, "custom_profile"), custom, ctx.catalog)
        base = _custom_base(ctx, custom.from_)
        if base is None:
            # a profile of the file that could not be resolved has its own errors: do not call it unknown
            if custom.from_ not in ctx.known.get("profiles", set()):
                yield ctx.at((*path, "custom_profile", "from"), f"'from' names unknown profile '{custom.from_}'")
        elif all(ctx.catalog.right(t, r) is not None for t, v in custom.rights.items() for r in v):
            yield from constraint_errors(ctx, (*path, "custom_profile"), custom, base)
            # a one-off profile is outside Administrateur too: same warning as a named profile
            effective = resolve_custom(custom, ctx.rights, ctx.catalog)
            who = f"the custom profile of '{path[-1]}'"
            declared = intents.sensitive_of_user(str(path[-1]))
            yield from sensitive_warnings(ctx, (*path, "custom_profile"), effective, declared, who)


def _sign_in(ctx: CheckContext, path: DocPath, user: User) -> Iterator[Diagnostic]:
    """A user may go without « Identifiant de connexion » only under SSO, or while inactive (set-up guide)."""
    if user.has_login is False and ctx.org.sign_in != "sso" and user.active is not False:
        yield ctx.at(
            (*path, "has_login"),
            "a user without « Identifiant de connexion » must be inactive (active: false), "
            "or the firm must sign in through SSO (sign_in: sso)",
        )


def advisor_errors(ctx: CheckContext, path: DocPath, login: str, receives: str) -> Iterator[Diagnostic]:
    """A user with « Conseiller » = Non (``advisor: false``) is given no new clients and holds no codes."""
    user = (ctx.org.users or {}).get(login)
    if user is not None and user.advisor is False:
        yield ctx.at(
            path,
            f"'{login}' is not an advisor (users.{login}.advisor is false, « Conseiller » = Non): "
            f"O2S gives {receives} to advisors only",
        )


def _custom_base(ctx: CheckContext, base: str) -> RightsMap | None:
    if base in ("all", "none"):
        return ctx.catalog.full(base)  # type: ignore[arg-type]
    return ctx.rights.get(base)


def effective_rights(ctx: CheckContext, user: User) -> RightsMap | None:
    """The rights a user ends up with, or None when the file does not say (or cannot be resolved)."""
    if user.custom_profile is not None:
        try:
            return resolve_custom(user.custom_profile, ctx.rights, ctx.catalog)
        except UnknownBaseError:
            return None
    return ctx.rights.get(user.profile) if user.profile is not None else None


def _lockout(ctx: CheckContext, users: dict[str, User]) -> Iterator[Diagnostic]:
    """At least one active user must keep the Administration module, or the firm is locked out."""
    if not users:
        return
    for user in users.values():
        rights = effective_rights(ctx, user)
        if user.active is not False and (rights is None or grants_admin(rights)):
            return  # None: the file does not say, so it does not take the right away
    label = ctx.catalog.tabs[ADMIN_TAB].rights[ADMIN_RIGHT_ID].marked_label
    yield ctx.at(
        ("users",), f"no active user keeps « {label} »: the firm would be locked out of administration", key=True
    )


def billed_warnings(ctx: CheckContext) -> Iterator[Diagnostic]:
    """One warning per billed option that covers the file's active users once applied (``billing.py`` decides).

    Options the file declares intended (``policies.billed_options``) are left out.

    Placed on the first user's field when the file writes it, else on his key (a default bills too).
    """
    for found in billing.warnings(billing.coverage(ctx.org.users or {}), Intents.of(ctx.org).billed):
        first = found.logins[0]
        field = ("users", first, *found.option.key.split("."))
        written = ctx.raw(field) is not None
        yield ctx.at(field if written else ("users", first), found.message, key=True, warning=True)
