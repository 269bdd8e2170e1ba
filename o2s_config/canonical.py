"""Canonical forms for comparison: plain JSON-like values, projected onto what the file manages.

A field the file leaves out (``None``) is not managed, so the tenant's value of it is not
compared. Free-form maps inside a managed section (products, templates...) are compared
whole: a key missing from the file's map is a key to remove.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, SecretStr

# Fields that describe how a resource came to be, not its state.
_NOT_STATE = frozenset({"renamed_from"})


# Exact types that are plain already; checked first, as most values of a tenant are these.
_SCALARS = frozenset({str, int, bool, float, type(None)})

# model class -> its state fields as (attribute, key in plain data): read once per class, as
# pydantic's ``model_fields`` is a computed property (30,000 reads in a plan of 10,000 users)
_STATE_FIELDS: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {}


def _state_fields(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    found = _STATE_FIELDS.get(model)
    if found is None:
        found = tuple((name, info.alias or name) for name, info in model.model_fields.items() if name not in _NOT_STATE)
        _STATE_FIELDS[model] = found
    return found


def plain(value: Any) -> Any:
    """``value`` as plain data: models become dicts without their unset (None) fields, secrets revealed, dates ISO."""
    if type(value) in _SCALARS:
        return value
    if isinstance(value, BaseModel):
        found = {}
        for name, key in _state_fields(type(value)):
            field = getattr(value, name)
            if field is not None:
                found[key] = field if type(field) in _SCALARS else plain(field)
        return found
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, date):  # as JSON carries it (a commercial operation's start and end)
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def entries(value: Any) -> dict[str, Any] | None:
    """The first level of ``plain(value)`` for a model or a map, its values not yet made plain; else None."""
    if isinstance(value, BaseModel):
        found = {}
        for name, key in _state_fields(type(value)):
            field = getattr(value, name)
            if field is not None:
                found[key] = field
        return found
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    return None


def managed_pair(want: Any, have: Any) -> tuple[Any, Any]:
    """(desired, current) as plain data, the current side reduced to what the desired side manages."""
    if have is None:
        return plain(want), None
    if isinstance(want, BaseModel):
        wanted: dict[str, Any] = {}
        held: dict[str, Any] = {}
        for name, _ in _state_fields(type(want)):
            value = getattr(want, name)
            if value is None:
                continue
            if type(value) in _SCALARS:  # what the recursion gives a scalar, without it
                wanted[name], current = value, plain(getattr(have, name, None))
            else:
                wanted[name], current = managed_pair(value, getattr(have, name, None))
            if current is not None:
                held[name] = current
        return wanted, held
    if isinstance(want, Mapping) and isinstance(have, Mapping):
        wanted_map: dict[str, Any] = {}
        held_map: dict[str, Any] = {str(k): plain(v) for k, v in have.items()}
        for key, value in want.items():
            wanted_map[str(key)], current = managed_pair(value, have.get(key))
            if current is None:
                held_map.pop(str(key), None)
            else:
                held_map[str(key)] = current
        return wanted_map, held_map
    return plain(want), plain(have)


def unchanged(want: Any, have: Any) -> bool:
    """Whether the two sides of ``managed_pair(want, have)`` are equal, found without building them.

    A no-op plan compares 10,000 users, all unchanged: stopping at the first difference and
    building no plain form takes the comparison from 0.07 to 0.04 s. Models are walked here;
    anything else is compared through ``managed_pair`` itself.
    """
    if have is None:
        return plain(want) is None
    if not isinstance(want, BaseModel):
        wanted, held = managed_pair(want, have)
        return bool(wanted == held)
    for name, _ in _state_fields(type(want)):
        value = getattr(want, name)
        if value is None:
            continue  # not managed
        current = getattr(have, name, None)
        if type(value) in _SCALARS:
            if value != (current if type(current) in _SCALARS else plain(current)):
                return False
        elif not unchanged(value, current):
            return False
    return True


def overlay(want: Any, have: Any) -> Any:
    """The tenant's plain document ``have`` with what ``want`` manages laid over it.

    Model fields the file leaves out keep the tenant's value; free-form maps and lists the
    file gives replace the tenant's whole (they are managed as a whole).
    """
    if isinstance(want, BaseModel) and isinstance(have, Mapping):
        merged = dict(have)
        for name, _ in _state_fields(type(want)):
            value = getattr(want, name)
            if value is not None:
                merged[name] = overlay(value, have.get(name))
        return merged
    return plain(want)
