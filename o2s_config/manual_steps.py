"""Manual steps: what the file asks of a published-only tenant that only the O2S screens can do. Pure.

Harvest's published API writes users (their published fields), structures and managers; the
rest (profile rights, the establishment, users' screen-only fields, extranet codes, custodian
contacts, Services) is turned into steps, one per field the file sets, each naming the screen
(navigation path), the exact label and the value to give, in French. A step is identified by
``kind:key:path`` and fingerprinted by its desired value: ``acks.py`` remembers which
fingerprints an administrator confirmed, so a step comes back only when the file changes it.

``published_part`` is the other half: the file reduced to what the published API can write,
which the diff compares with the tenant.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from o2s_config.canonical import plain
from o2s_config.catalog import Catalog, RightsMap
from o2s_config.details import flatten
from o2s_config.field_map import ESTABLISHMENT_TABS, entry
from o2s_config.kinds import (
    CUSTODIAN_CONTACT,
    ESTABLISHMENT,
    EXTRANET_CODE,
    PROFILE,
    REGISTER,
    SERVICE,
    USER,
    Kind,
)
from o2s_config.masking import SENSITIVE
from o2s_config.model import Organisation, User
from o2s_config.model.services import service_screen
from o2s_config.model.users import MONEYPITCH_GRANT_LABELS
from o2s_config.resolve import resolve_custom, resolve_profiles

USERS_SCREEN = "Administration > Utilisateurs"
SUBSCRIPTION_SCREEN = "Abonnement > Utilisateurs"
# a user's fields that are instructions to the engine, not values of the screen
NOT_FIELDS = frozenset({"renamed_from"})
SENSITIVE_ROUNDS = 200_000  # a secret's fingerprint is committed: slow to guess


@dataclass(frozen=True)
class ManualStep:
    """One thing to do by hand in the O2S screens: where, which label, what to do."""

    kind: str
    key: str
    path: str  # the file's field path within the resource (``rights.agenda.view_calendars``), or ``profile``
    screen: str  # navigation path, e.g. « Administration > Gestion des droits > « Manager » > onglet Agenda »
    label: str  # the screen's label for the field
    action: str  # what to do, in French (« choisir « Voir uniquement mon agenda » »)
    value: Any  # the desired value (plain); never shown when sensitive
    sensitive: bool = False
    # the screen gives this value by itself (« Appliquer tous les droits », or a box it unticks):
    # no step to show, but remembered by ``ack`` so that a later change of it is one
    implied: bool = False

    @property
    def id(self) -> str:
        """Stable across plans: the resource and the field (the value is the fingerprint's business)."""
        return f"{self.kind}:{self.key}:{self.path}"

    @property
    def fingerprint(self) -> str:
        """A hash of the desired value: an acknowledgement holds while the file asks for the same."""
        text = json.dumps(self.value, sort_keys=True, ensure_ascii=False, default=str).encode()
        if self.sensitive:
            digest = hashlib.pbkdf2_hmac("sha256", text, self.id.encode(), SENSITIVE_ROUNDS).hex()
            return "pbkdf2-sha256:" + digest
        return "sha256:" + hashlib.sha256(text).hexdigest()

    def line(self) -> str:
        """The step in one French line: label and what to do (the screen is its heading)."""
        return f"{self.label} : {self.action}"


def by_screen(steps: Sequence[ManualStep]) -> dict[str, list[ManualStep]]:
    """The steps grouped by screen, screens in the order of their first step."""
    groups: dict[str, list[ManualStep]] = {}
    for step in steps:
        groups.setdefault(step.screen, []).append(step)
    return groups


def manual_steps(
    desired: Organisation, profiles: Mapping[str, bool], catalog: Catalog, secrets: Iterable[str] = ()
) -> list[ManualStep]:
    """Every step the file asks of a published-only tenant holding ``profiles`` (label -> valid).

    A step whose value holds one of ``secrets`` (read from ``${env:...}``) is sensitive: never shown.
    """
    steps: list[ManualStep] = []
    steps += _establishment(desired)
    steps += _profiles(desired, profiles, catalog)
    steps += _users(desired, profiles, catalog)
    steps += _codes(desired)
    steps += _custodians(desired)
    steps += _services(desired)
    hidden = [secret for secret in secrets if secret]
    return [_masked(step) if any(h in json.dumps(step.value, default=str) for h in hidden) else step for step in steps]


def _masked(step: ManualStep) -> ManualStep:
    return replace(step, action=action(SENSITIVE), sensitive=True)


def screen_only(user: User, profiles: Mapping[str, bool]) -> list[str]:
    """The fields ``user`` sets that the published API cannot write on a tenant holding ``profiles``."""
    wanted = [name for name, value in plain(user).items() if value is not None and name not in NOT_FIELDS]
    published = USER.published_fields or frozenset()
    found = [name for name in wanted if name not in published]
    if user.title == "Autre":
        found.append("title")  # the API refuses « Autre » without the free title only the screen sets
    if user.profile is not None and user.profile not in profiles:
        found.append("profile")  # no published way to create the profile: it is made by hand first
    return [name for name in wanted if name in found]


def published_part(desired: Organisation, profiles: Mapping[str, bool]) -> Organisation:
    """``desired`` reduced to what the published API writes: its kinds, users without screen-only fields."""
    for kind in REGISTER:
        if not kind.published_fields:
            desired = kind.without(desired)  # its steps come from ``manual_steps``
    if desired.users is None:
        return desired
    users = {
        login: user.model_copy(update=dict.fromkeys(screen_only(user, profiles)))
        for login, user in desired.users.items()
    }
    return desired.model_copy(update={"users": users})


def _leaves(value: Any) -> dict[str, Any]:
    return {path: leaf for path, leaf in flatten(plain(value)).items() if leaf is not None}


def _label(kind: Kind, path: str) -> str:
    found = entry(kind.name, path)
    if found is None:
        return path
    named = next(p for p in _parents(path) if entry(kind.name, p) is found)
    rest = path[len(named) :].lstrip(".")
    return f"{found.label} ({rest})" if rest else found.label


def _parents(path: str) -> Iterator[str]:
    while path:
        yield path
        path = path.rpartition(".")[0]


def action(value: Any) -> str:
    """What to do to give a field ``value``, in the screen's words."""
    if isinstance(value, bool):
        return f"choisir « {'Oui' if value else 'Non'} »"
    if isinstance(value, list):
        return "saisir « " + ", ".join(str(v) for v in value) + " »"
    return f"saisir « {value} »"


def _establishment(desired: Organisation) -> list[ManualStep]:
    if desired.establishment is None:
        return []
    steps = []
    for path, value in _leaves(desired.establishment).items():
        tab = ESTABLISHMENT_TABS.get(path.partition(".")[0], path.partition(".")[0])
        screen = f"{ESTABLISHMENT.manual_path} > onglet {tab}"
        todo = action(value)
        if path == "general.name":  # O2S lets it be entered once; changing it is the support's job
            todo += " (une fois enregistrée, seule l’assistance O2S la modifie)"
        steps.append(ManualStep(ESTABLISHMENT.name, "establishment", path, screen, _label(ESTABLISHMENT, path),
                                todo, value))  # fmt: skip
    return steps


def _profiles(desired: Organisation, profiles: Mapping[str, bool], catalog: Catalog) -> list[ManualStep]:
    if desired.profiles is None:
        return []
    effective = resolve_profiles(desired.profiles, catalog)
    steps = []
    for label, profile in desired.profiles.items():
        if label in PROFILE.kept:
            continue  # built in: every right, cannot be changed
        base: Literal["all", "none"] = "none" if profile.from_ == "none" else "all"
        valid = profile.valid if profile.valid is not None else True
        screen = f"{PROFILE.manual_path}"
        if label in profiles:
            what = f"« {label} » > Modifier : Profil valide : choisir « {'Oui' if valid else 'Non'} »"
        else:
            what = f"Ajouter : Libellé : saisir « {label} » ; Profil valide : choisir « {'Oui' if valid else 'Non'} »"
        what += " ; cliquer « Appliquer tous les droits »" if base == "all" else " ; ne cocher aucun droit"
        steps.append(ManualStep(PROFILE.name, label, "profile", screen, "Gestion des droits", what,
                                {"base": base, "valid": valid}))  # fmt: skip
        where = f"{PROFILE.manual_path} > « {label} »"
        steps += _rights(PROFILE, label, "rights", where, effective[label], catalog.full(base), catalog)
    return steps


def _rights(
    kind: Kind, key: str, prefix: str, where: str, rights: RightsMap, base: RightsMap, catalog: Catalog
) -> list[ManualStep]:
    """One step per right; those the screen sets by itself are ``implied`` (shown only once they change).

    Implied: a right at the value the profile starts from (« Appliquer tous les droits ») and a
    right the screen unticks by itself (the agenda-modify box once « uniquement » is chosen).
    """
    automatic = {
        c.right for c in catalog.constraints if c.kind == "forced_off" and _value(rights, c.when_right) == c.when_equals
    }
    steps = []
    for right in catalog.all_rights():
        value = rights.get(right.tab, {}).get(right.id)
        if value is None:
            continue
        implied = value == base.get(right.tab, {}).get(right.id) or right.key in automatic
        todo = (
            ("cocher" if value else "décocher") if right.kind == "flag" else f"choisir « {right.value_label(value)} »"
        )
        screen = f"{where} > onglet {catalog.tabs[right.tab].label}"
        path = f"{prefix}.{right.key}"
        steps.append(ManualStep(kind.name, key, path, screen, right.label, todo, value, implied=implied))
    return steps


def _value(rights: RightsMap, dotted: str) -> object:
    tab, _, right_id = dotted.partition(".")
    return rights.get(tab, {}).get(right_id)


def _users(desired: Organisation, profiles: Mapping[str, bool], catalog: Catalog) -> list[ManualStep]:
    steps = []
    wanted_rights = resolve_profiles(desired.profiles, catalog) if desired.profiles else {}
    for login, user in (desired.users or {}).items():
        names = " ".join(n for n in (user.first_name, user.last_name) if n)
        where = f"{USERS_SCREEN} > « {names} » ({login})"
        for name in screen_only(user, profiles):
            value = plain(getattr(user, name))
            if name == "custom_profile" and user.custom_profile is not None:
                rights = resolve_custom(user.custom_profile, wanted_rights, catalog)
                steps.append(_user_step(login, where, name, "Personnalisé", "choisir « Personnalisé »"))
                custom = f"{where} > Personnaliser les droits d’utilisation"
                steps += _rights(USER, login, name, custom, rights, catalog.full("none"), catalog)
            elif name == "options":
                screen = f"{SUBSCRIPTION_SCREEN} > « {names} » ({login})"
                for path, leaf in _leaves(user.options).items():
                    label = _label(USER, f"options.{path}")
                    steps.append(ManualStep(USER.name, login, f"options.{path}", screen, label, action(leaf), leaf))
            elif name == "moneypitch_grant":
                choice = MONEYPITCH_GRANT_LABELS.get(str(value), str(value))
                steps.append(_user_step(login, where, name, value, f"choisir « {choice} »"))
            else:
                todo = f"choisir « {value} »" if name in ("title", "profile", "commission_status") else action(value)
                steps.append(_user_step(login, where, name, value, todo))
    return steps


def _user_step(login: str, where: str, name: str, value: Any, todo: str) -> ManualStep:
    return ManualStep(USER.name, login, name, where, _label(USER, name), todo, value)


def _codes(desired: Organisation) -> list[ManualStep]:
    steps = []
    for code in EXTRANET_CODE.members(desired) or []:
        key = EXTRANET_CODE.key_of(code.provider, code.code)
        todo = f"demander le code « {code.code} » chez « {code.provider} » pour le conseiller « {code.advisor} »"
        if code.authorisation_letter:
            todo += f", avec la lettre d’autorisation « {code.authorisation_letter} »"
        steps.append(ManualStep(EXTRANET_CODE.name, key, "code", EXTRANET_CODE.manual_path, "Code apporteur", todo,
                                plain(code)))  # fmt: skip
    return steps


def _custodians(desired: Organisation) -> list[ManualStep]:
    steps = []
    for custodian, contact in (CUSTODIAN_CONTACT.members(desired) or {}).items():
        screen = f"{CUSTODIAN_CONTACT.manual_path} > « {custodian} »"
        for path, value in _leaves(contact).items():
            label = _label(CUSTODIAN_CONTACT, path)
            steps.append(ManualStep(CUSTODIAN_CONTACT.name, custodian, path, screen, label, action(value), value))
    return steps


def _services(desired: Organisation) -> list[ManualStep]:
    if desired.services is None:
        return []
    steps = []
    for section in type(desired.services).model_fields:
        wanted = getattr(desired.services, section)
        if wanted is None:
            continue
        leaves = _leaves(wanted) if not isinstance(plain(wanted), list) else {"": plain(wanted)}
        for path, value in leaves.items():
            full = f"{section}.{path}" if path else section
            sensitive = full in SERVICE.sensitive
            shown = SENSITIVE if sensitive else value
            screen = service_screen(full) or f"{SERVICE.manual_path} > {section}"
            steps.append(ManualStep(SERVICE.name, section, full, screen, path or section, action(shown), value,
                                    sensitive))  # fmt: skip
    return steps
