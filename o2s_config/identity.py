"""Identity without a login: which person of a published-only tenant each of the file's users is.

A person o2s-config created or adopted carries the external reference ``o2s-config:<login>``
(``refExternes``) and is matched by it. A person without one is matched by professional e-mail
(case-insensitive, Unicode NFC) and *adopted*: the plan shows ``adopt`` (the link, written alone,
nothing else of him) before any update. Two tenant people for one file user, one tenant person
for two file users, or a file user to be created whose e-mail a linked person already has, is an
error naming both: o2s-config never creates a second record for a person the tenant already has.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from o2s_config.backends.published import Person
from o2s_config.errors import O2SConfigError
from o2s_config.keys import natural_key


class IdentityError(O2SConfigError):
    """The file's users cannot be matched one to one with the tenant's people."""


def normal_email(email: str) -> str:
    """An e-mail as compared: trimmed, in the form keys are compared in (NFC, case-folded: ``keys.natural_key``)."""
    return natural_key(email.strip())


@dataclass(frozen=True)
class Identities:
    """The tenant's people seen from the file: linked by reference, adopted by e-mail, or not in the file."""

    linked: dict[str, Person] = field(default_factory=dict)  # login -> person carrying o2s-config:<login>
    adopted: dict[str, Person] = field(default_factory=dict)  # login -> person matched by e-mail
    others: list[Person] = field(default_factory=list)  # people the file does not name

    def person(self, login: str) -> Person | None:
        return self.linked.get(login) or self.adopted.get(login)


def identify(people: Mapping[int, Person], wanted: Mapping[str, str]) -> Identities:
    """Match ``people`` to the file's users (``login -> professional e-mail``); every conflict in one error."""
    problems: list[str] = []
    linked: dict[str, Person] = {}
    for person in people.values():
        if person.linked_login is None:
            continue
        if person.linked_login in linked:
            held = linked[person.linked_login]
            problems.append(f"{held.name()} and {person.name()} both carry o2s-config:{person.linked_login}")
        linked[person.linked_login] = person
    unlinked: dict[str, list[Person]] = {}
    for person in people.values():
        if person.linked_login is None and person.email:
            unlinked.setdefault(normal_email(person.email), []).append(person)
    by_link = {normal_email(p.email): p for p in linked.values() if p.email}
    adopted: dict[str, Person] = {}
    claimed: dict[int, str] = {}
    for login, email in wanted.items():
        if login in linked:
            continue
        found = unlinked.get(normal_email(email), [])
        if len(found) > 1:
            names = " and ".join(p.name() for p in found)
            problems.append(f"user {login} ({email}) matches two people of the tenant: {names}")
        elif found:
            person = found[0]
            if person.id in claimed:
                problems.append(
                    f"{person.name()} matches two users of the file: {claimed[person.id]} and {login} (same e-mail)"
                )
            claimed[person.id] = login
            adopted[login] = person
        elif normal_email(email) in by_link:
            holder = by_link[normal_email(email)]
            problems.append(
                f"user {login} ({email}) would be created, but {holder.name()} already has this e-mail and is "
                f"linked to o2s-config:{holder.linked_login}: rename one of them (renamed_from) or fix the e-mail"
            )
    if problems:
        raise IdentityError("the file's users cannot be matched to the tenant's people: " + "; ".join(problems))
    named = {p.id for p in [*linked.values(), *adopted.values()]}
    others = [p for p in people.values() if p.id not in named]
    return Identities(linked, adopted, others)


def proposed_logins(people: Mapping[int, Person]) -> dict[str, str]:
    """Keys for the people not linked yet (an export's): the local part of their e-mail, made unique.

    Planning the exported file adopts them by that e-mail, so the keys only need to be stable and
    distinct; the firm may rename them to its logins in the file (nothing in the tenant holds them yet).
    """
    taken = {p.linked_login for p in people.values() if p.linked_login}
    proposed: dict[str, str] = {}
    for person in people.values():
        if person.linked_login or not person.email:
            continue
        base = normal_email(person.email).partition("@")[0] or f"user{person.id}"
        key, number = base, 2
        while key in taken:
            key, number = f"{base}{number}", number + 1
        taken.add(key)
        proposed[key] = person.email
    return proposed
