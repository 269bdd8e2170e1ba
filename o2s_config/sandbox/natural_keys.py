"""Natural keys stay distinct as a person reads them: no ``ADMIN`` next to ``admin``, no hidden characters.

The organisation file refuses such keys, so a tenant holding them could not be exported to a
file ``validate`` accepts: the sandbox refuses them at write time. Each keyed table keeps the
folded form of its key in a ``folded`` column (``store.add_folded_keys``).
"""

from __future__ import annotations

from o2s_config.keys import hidden_character, natural_key
from o2s_config.sandbox.problems import ProblemError
from o2s_config.sandbox.store import KEYED, Tx

_NAMES = {"users": "login", "structures": "structure code", "profiles": "profile label"}


def claim(tx: Tx, table: str, row_id: int, key: str, field: str, previous: str | None = None) -> None:
    """Record ``key`` as the key of ``row_id``; 422 when it hides a character or another key reads the same.

    A key kept as it was (``previous``) is not judged again: a record held from before can still be
    changed, deactivated or renamed to a better key.
    """
    assert table in KEYED
    if key == previous:
        return
    hidden = hidden_character(key)
    if hidden is not None:
        raise ProblemError(
            "validation", f"a {_NAMES[table]} cannot hold a control or invisible character ({hidden})", field
        )
    form = natural_key(key)
    holder = tx.scalar(f"SELECT id FROM {table} WHERE folded = ? AND id != ?", form, row_id)
    if holder is not None:
        # which record holds the other key is not said: an error must not reveal another user
        raise ProblemError(
            "validation",
            f"{_NAMES[table]} '{key}' reads the same as an existing one (they differ only by case or Unicode "
            "form); keys must read differently",
            field,
        )
    tx.run(f"UPDATE {table} SET folded = ? WHERE id = ?", form, row_id)
