"""Policies: the rules of the file's ``policies:`` section, checked on what takes effect.

Each violation names its rule and is reported where the file causes it (the right that grants,
the user, or the rule itself when no single place is at fault). ``violations`` is pure and works
on any organisation, a tenant's as read included; ``check`` places them in the file.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from o2s_config.access import CLIENTS, AccessMap, compute_access
from o2s_config.billing import BY_KEY as BILLED_OPTIONS
from o2s_config.catalog import ADMIN_RIGHT, Catalog, RightsMap
from o2s_config.checks.context import CheckContext, DocPath, closest
from o2s_config.diagnostics import Diagnostic
from o2s_config.model import ADMIN_PROFILE, Organisation, Policies
from o2s_config.resolve import UnknownBaseError, effective_rights, resolve_custom


@dataclass(frozen=True)
class Violation:
    """One broken rule: its name, the document path to blame, the message."""

    rule: str
    path: DocPath
    message: str
    key: bool = False  # point at the key of ``path`` rather than its value

    def text(self) -> str:
        return f"policy '{self.rule}': {self.message}"


def check(ctx: CheckContext) -> Iterator[Diagnostic]:
    policies = ctx.org.policies
    if policies is None:
        return
    yield from _known_names(ctx, policies)
    for violation in violations(ctx.org, ctx.rights, ctx.catalog, set(ctx.known.get("profiles", set()))):
        yield ctx.at(violation.path, violation.text(), key=violation.key)


def _known_names(ctx: CheckContext, policies: Policies) -> Iterator[Diagnostic]:
    """Profiles and rights a rule names must exist: a typo would silently check nothing."""
    for label, keys in (policies.forbidden_rights or {}).items():
        yield from _named(ctx, "forbidden_rights", label, keys)
    forbidden = policies.forbidden_rights or {}
    for label, keys in (policies.sensitive_rights or {}).items():
        here: DocPath = ("policies", "sensitive_rights", label)
        yield from _named(ctx, "sensitive_rights", label, keys)
        for index, key in enumerate(keys):
            right = ctx.catalog.by_key(key)
            if right is not None and not right.sensitive:
                yield ctx.at(
                    (*here, index),
                    f"policy 'sensitive_rights': « {right.label} » ({key}) is not a sensitive right: "
                    "nothing to declare",
                )
            elif key in forbidden.get(label, ()):
                yield ctx.at(
                    (*here, index),
                    f"policy 'sensitive_rights': '{label}' is meant to grant {key}, which forbidden_rights forbids it",
                )
    for index, key in enumerate(policies.billed_options or ()):
        if key not in BILLED_OPTIONS:
            hint = closest(key, set(BILLED_OPTIONS))
            yield ctx.at(
                ("policies", "billed_options", index), f"policy 'billed_options': unknown billed option '{key}'{hint}"
            )
    if policies.advisors_have_manager and ctx.org.hierarchy is None:
        yield ctx.at(
            ("policies", "advisors_have_manager"),
            "policy 'advisors_have_manager' needs the 'hierarchy' section in this file",
        )


def _named(ctx: CheckContext, rule: str, label: str, keys: list[str]) -> Iterator[Diagnostic]:
    """The profile and the rights one entry of a rule names exist (with a suggestion when they do not)."""
    profiles = ctx.known.get("profiles")
    here: DocPath = ("policies", rule, label)
    if profiles is not None and label != ADMIN_PROFILE and label not in profiles:
        hint = closest(label, profiles)
        yield ctx.at(here, f"policy '{rule}': unknown profile '{label}'{hint}", key=True)
    for index, key in enumerate(keys):
        if ctx.catalog.by_key(key) is None:
            tab, _, right_id = key.partition(".")
            suggestion = ctx.catalog.suggest_right(tab, right_id)
            if suggestion and "." not in suggestion:
                suggestion = f"{tab}.{suggestion}"
            hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
            yield ctx.at((*here, index), f"policy '{rule}': unknown right '{key}'{hint}")


def violations(
    org: Organisation,
    rights: Mapping[str, RightsMap],
    catalog: Catalog,
    profiles_in_file: set[str] | None = None,
    access: AccessMap | None = None,
) -> list[Violation]:
    """Every rule of ``org.policies`` that ``org`` breaks, counting only the rights that take effect.

    ``access`` is ``org``'s access map when the caller has it already.
    """
    policies = org.policies
    if policies is None or org.users is None:
        return []
    access = access or compute_access(org, rights, catalog)
    found = list(_administrators(policies, access, catalog))
    found += _forbidden(org, policies, rights, catalog, profiles_in_file)
    found += _client_reach(policies, access, catalog)
    found += _advisors_have_manager(org, policies, access)
    return found


def _administrators(policies: Policies, access: AccessMap, catalog: Catalog) -> Iterator[Violation]:
    bounds = policies.administrators
    if bounds is None:
        return
    admins = [a.login for a in access.administrators()]
    right = catalog.by_key(ADMIN_RIGHT)
    label = right.marked_label if right else ADMIN_RIGHT
    listed = ", ".join(admins) if admins else "nobody"
    if bounds.min is not None and len(admins) < bounds.min:
        yield Violation(
            "administrators",
            ("policies", "administrators", "min"),
            f"{len(admins)} active user(s) have « {label} » ({listed}); at least {bounds.min} required",
        )
    if bounds.max is not None and len(admins) > bounds.max:
        yield Violation(
            "administrators",
            ("policies", "administrators", "max"),
            f"{len(admins)} active user(s) have « {label} » ({listed}); at most {bounds.max} allowed",
        )


def _forbidden(
    org: Organisation,
    policies: Policies,
    rights: Mapping[str, RightsMap],
    catalog: Catalog,
    profiles_in_file: set[str] | None,
) -> Iterator[Violation]:
    """A forbidden right in effect for the profile (blamed where the profile sets it) or a custom copy of it."""
    for label, keys in (policies.forbidden_rights or {}).items():
        forbidden = [r for r in (catalog.by_key(k) for k in keys) if r is not None]
        if label in rights:
            granted = effective_rights(rights[label], catalog)
            spec = (org.profiles or {}).get(label)
            for right in forbidden:
                if not right.grants(granted):
                    continue
                explicit = spec is not None and right.id in spec.rights.get(right.tab, {})
                if explicit:
                    where: DocPath = ("profiles", label, "rights", right.tab, right.id)
                elif profiles_in_file is None or label in profiles_in_file:
                    where = ("profiles", label)
                else:  # the built-in Administrateur, not written in the file
                    where = ("policies", "forbidden_rights", label)
                yield Violation(
                    "forbidden_rights",
                    where,
                    f"profile '{label}' grants « {right.marked_label} » ({right.key})",
                    key=not explicit,
                )
        for login, user in (org.users or {}).items():
            custom = user.custom_profile
            if custom is None or custom.from_ != label or user.active is False:
                continue
            try:
                granted = effective_rights(resolve_custom(custom, rights, catalog), catalog)
            except UnknownBaseError:
                continue
            for right in forbidden:
                if right.grants(granted):
                    yield Violation(
                        "forbidden_rights",
                        ("users", login, "custom_profile"),
                        f"the custom profile of '{login}', copied from '{label}', "
                        f"grants « {right.marked_label} » ({right.key})",
                        key=True,
                    )


def _client_reach(policies: Policies, access: AccessMap, catalog: Catalog) -> Iterator[Violation]:
    cap = policies.non_manager_client_reach
    if cap is None:
        return
    right = catalog.by_key(CLIENTS)
    for user in access.users.values():
        if user.manages or user.clients is None:
            continue
        others = len(user.clients) - (1 if user.login in user.clients else 0)
        if others > cap.max:
            scope = right.value_label(user.client_scope) if right and user.client_scope else user.client_scope
            yield Violation(
                "non_manager_client_reach",
                ("users", user.login),
                f"'{user.login}' manages nobody but sees the clients of {others} other user(s) "
                f"(« {scope} »); at most {cap.max} allowed",
                key=True,
            )


def _advisors_have_manager(org: Organisation, policies: Policies, access: AccessMap) -> Iterator[Violation]:
    if not policies.advisors_have_manager or org.hierarchy is None:
        return
    for user in access.users.values():
        if user.user.advisor is False or user.manages or user.login in access.tree.manager:
            continue
        yield Violation(
            "advisors_have_manager",
            ("users", user.login),
            f"active advisor '{user.login}' is attached to no manager in the hierarchy",
            key=True,
        )
