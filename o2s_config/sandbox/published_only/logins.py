"""The login the tenant gives a user created through the published API, which carries none.

O2S requires a login ("Identifiant de connexion"), but Harvest publishes no login field: the
tenant makes one up, as French firms usually write them (first initial and last name,
``jdurand``), and the published API never shows it. The full sandbox on the same file does.
"""

from __future__ import annotations

import re
import unicodedata

from o2s_config.sandbox.store import Tx

MAX_LENGTH = 30
FALLBACK = "utilisateur"


def plain(text: str) -> str:
    """``text`` lower-cased, accents removed (``Lefèvre`` -> ``lefevre``, ``N'Diaye`` -> ``n'diaye``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def fold(text: str) -> str:
    """``text`` as plain letters and digits only (``Le Goff`` -> ``legoff``)."""
    return re.sub(r"[^a-z0-9]", "", plain(text))


def base_login(first_names: list[str], last_name: str, email: str) -> str:
    """The login wanted for a person: first initial and last name, else the e-mail's local part."""
    wanted = fold(first_names[0])[:1] + fold(last_name) if first_names else ""
    if len(wanted) < 2:
        wanted = fold(email.partition("@")[0])
    return (wanted or FALLBACK)[:MAX_LENGTH]


def assign_login(tx: Tx, first_names: list[str], last_name: str, email: str) -> str:
    """A login no user holds: the base login, else the base followed by 2, 3, ..."""
    base = base_login(first_names, last_name, email)
    # LIKE is case-insensitive: a login differing only in case counts as taken, as in the file's checks
    taken = {str(row[0]).lower() for row in tx.all("SELECT login FROM users WHERE login LIKE ?", f"{base}%")}
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}{number}", number + 1
    return candidate
