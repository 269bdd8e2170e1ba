"""A firm's existing people, for rehearsals: ``o2s-config sandbox seed --people N``.

They stand for what a tenant holds before o2s-config ever ran: French names, professional
e-mails and phones, two agences (``paris``, ``lyon``), the seed example's profiles, a manager
per agence, and no external reference (nothing links them to an organisation file yet).
The same seed gives the same people, so a test or a rehearsal can be replayed.
"""

from __future__ import annotations

import random
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from o2s_config.sandbox import outbox, profiles, structures, users
from o2s_config.sandbox.hierarchy import set_manager
from o2s_config.sandbox.published_only.logins import assign_login, plain
from o2s_config.sandbox.seed import seed_tenant
from o2s_config.sandbox.store import Store, Tx

DEFAULT_DOMAIN = "dubois-patrimoine.fr"
MAX_PEOPLE = 10_000  # a large firm; beyond that a rehearsal tests nothing more

WOMEN = (
    "Amélie", "Anne", "Aurélie", "Camille", "Caroline", "Céline", "Chloé", "Claire", "Élodie", "Émilie",
    "Hélène", "Inès", "Isabelle", "Julie", "Laure", "Léa", "Manon", "Margaux", "Marion", "Nathalie",
    "Océane", "Pauline", "Sandrine", "Sophie", "Valérie",
)  # fmt: skip
MEN = (
    "Alexandre", "Antoine", "Arnaud", "Baptiste", "Benoît", "Cédric", "François", "Grégoire", "Guillaume",
    "Hugo", "Jérôme", "Julien", "Laurent", "Loïc", "Lucas", "Mathieu", "Maxime", "Nicolas", "Olivier",
    "Pierre", "Romain", "Sébastien", "Stéphane", "Thomas", "Yann",
)  # fmt: skip
SURNAMES = (
    "André", "Arnaud", "Barbier", "Bernard", "Blanc", "Blanchard", "Bonnet", "Boyer", "Brun", "Caron",
    "Chevalier", "Clément", "Da Silva", "David", "Denis", "Dubois", "Dufour", "Dumont", "Dupont", "Durand",
    "Duval", "Faure", "Fontaine", "Fournier", "Gaillard", "Garnier", "Gauthier", "Girard", "Giraud",
    "Guérin", "Henry", "Joly", "Lambert", "Le Goff", "Lefèvre", "Legrand", "Lemaire", "Leroy", "Marchand",
    "Martin", "Masson", "Mercier", "Meunier", "Michel", "Morel", "Moreau", "Morin", "N'Diaye", "Noël",
    "Perrin", "Petit", "Richard", "Rivière", "Robert", "Robin", "Rolland", "Roussel", "Rousseau", "Roux",
    "Simon", "Vincent",
)  # fmt: skip

# code -> (name, address): the agences of the seed's example firm
AGENCES: dict[str, tuple[str, dict[str, str]]] = {
    "paris": ("Agence Paris", {"street": "12 rue de la Paix", "postal_code": "75002", "city": "Paris"}),
    "lyon": ("Agence Lyon", {"street": "4 place Bellecour", "postal_code": "69002", "city": "Lyon"}),
}
_NO_ADMIN: dict[str, object] = {"module_access": False}
# label -> rights laid over « Appliquer tous les droits »: the seed example's profiles, in short
PROFILES: dict[str, dict[str, dict[str, object]]] = {
    "Manager": {"administration": _NO_ADMIN, "agenda": {"view_calendars": "attached"}},
    "Conseiller": {"administration": _NO_ADMIN, "agenda": {"view_calendars": "group"}},
    "Conseiller junior": {"administration": _NO_ADMIN, "agenda": {"view_calendars": "own"}},
    "Back-office": {"administration": _NO_ADMIN, "agenda": {"view_calendars": "own"}},
}
# the profiles of the people who are not an agence's manager, in proportion
STAFF = ("Conseiller", "Conseiller", "Conseiller", "Conseiller junior", "Back-office")


@dataclass(frozen=True)
class Person:
    """One seeded person, as the published API shows him (``responsableId``: his manager's id)."""

    id: int
    civilite: str
    prenoms: list[str]
    nom: str
    email: str
    telephones: list[str]
    agence: str
    profil: str
    responsableId: int | None

    def to_json(self) -> dict[str, Any]:
        """The person as a JSON object."""
        return asdict(self)


def seed_people(store: Store, count: int, seed: int = 1, domain: str = DEFAULT_DOMAIN) -> list[Person]:
    """Add ``count`` people to the tenant in ``store`` (seeding a new tenant first), in one transaction."""
    if not 0 <= count <= MAX_PEOPLE:
        raise ValueError(f"between 0 and {MAX_PEOPLE} people")
    seed_tenant(store)
    draw = random.Random(seed)
    with store.write() as tx:
        agence_ids = _ensure_agences(tx)
        _ensure_profiles(tx)
        managers: dict[str, int] = {}
        people = []
        for index in range(count):
            code = "lyon" if index % 3 == 2 else "paris"
            person = _add_person(tx, draw, domain, code, agence_ids[code], managers.get(code))
            managers.setdefault(code, person.id)
            people.append(person)
    return people


def _ensure_agences(tx: Tx) -> dict[str, int]:
    ids = {}
    for code, (name, address) in AGENCES.items():
        found = tx.scalar("SELECT id FROM structures WHERE code = ?", code)
        ids[code] = int(found) if found else structures.create(tx, {"code": code, "nom": name, "adresse": address})
    return ids


def _ensure_profiles(tx: Tx) -> None:
    for label, overrides in PROFILES.items():
        if tx.scalar("SELECT id FROM profiles WHERE label = ?", label) is None:
            profiles.create(tx, label, True, "all", overrides)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", plain(text)).strip("-")


def _free_email(tx: Tx, first: str, last: str, domain: str) -> str:
    local, number = f"{_slug(first)}.{_slug(last)}", 1
    while True:
        email = f"{local}{number if number > 1 else ''}@{domain}"
        if tx.scalar("SELECT id FROM users WHERE email_key = ?", email) is None:
            return email
        number += 1


def _add_person(tx: Tx, draw: random.Random, domain: str, code: str, agence_id: int, manager: int | None) -> Person:
    woman = draw.random() < 0.5
    first, last = draw.choice(WOMEN if woman else MEN), draw.choice(SURNAMES)
    profile = "Manager" if manager is None else draw.choice(STAFF)
    email = _free_email(tx, first, last, domain)
    phone = "06 " + " ".join(f"{draw.randrange(100):02d}" for _ in range(4))
    title = "Mme" if woman else "M."
    record = {
        "login": assign_login(tx, [first], last, email),
        "title": title,
        "first_name": first,
        "last_name": last,
        "email": email,
        "telephones": [phone],
        "structure": code,
        "profile": profile,
        "advisor": profile != "Back-office",
    }
    user_id = users.create(tx, record)
    outbox.discard(tx, user_id)  # their accounts were activated long ago: no e-mail is due
    if manager is not None:
        set_manager(tx, user_id, manager)
    joined = (datetime.now(UTC) - timedelta(days=draw.randrange(30, 3000))).replace(microsecond=0)
    stamp = joined.isoformat().replace("+00:00", "Z")
    tx.run("UPDATE users SET created = ?, updated = ? WHERE id = ?", stamp, stamp, user_id)
    return Person(user_id, title, [first], last, email, [phone], code, profile, manager)
