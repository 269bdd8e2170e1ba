"""Reading a tenant's JSON answers field by field: a wrong shape is a typed error naming where.

This is the boundary between the tenant's data and the model: a missing field, a value of
the wrong type or a body that is not JSON becomes ``MalformedAnswerError`` (endpoint and
field), never a ``KeyError`` or ``TypeError`` traceback.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from pydantic import ValidationError

from o2s_config.errors import MalformedAnswerError

T = TypeVar("T")
_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "an object", list: "a list"}


async def answer(endpoint: str, reading: Awaitable[T]) -> T:
    """The awaited answer of ``endpoint``; a body that is not JSON (or not a page) is a typed error."""
    try:
        return await reading
    except (ValueError, TypeError) as error:  # json.JSONDecodeError, a non-numeric page count, a non-list page
        raise MalformedAnswerError(endpoint, "(body)", f"not the JSON the API publishes ({error})") from None


def listed(body: Any, endpoint: str) -> list[Any]:
    """A list answer (a page of a list, for one)."""
    if not isinstance(body, list):
        raise MalformedAnswerError(endpoint, "(body)", f"expected a list, got {_type(body)}")
    return body


def objects(body: Any, endpoint: str) -> list[dict[str, Any]]:
    """A list answer whose items are all objects."""
    items = listed(body, endpoint)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise MalformedAnswerError(endpoint, f"[{index}]", f"expected an object, got {_type(item)}")
    return items


def document(body: Any, endpoint: str) -> dict[str, Any]:
    """An object answer (None, a 404 read as absent, stays absent: an empty object)."""
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise MalformedAnswerError(endpoint, "(body)", f"expected an object, got {_type(body)}")
    return body


def required(item: dict[str, Any], name: str, kind: type[T], endpoint: str, where: str) -> T:
    """``item[name]``, which must be there and of type ``kind``."""
    if name not in item or item[name] is None:
        raise MalformedAnswerError(endpoint, _at(where, name), "missing")
    return _typed(item[name], kind, endpoint, where, name)


def optional(item: dict[str, Any], name: str, kind: type[T], endpoint: str, where: str) -> T | None:
    """``item[name]`` when present and not null, of type ``kind``."""
    value = item.get(name)
    return None if value is None else _typed(value, kind, endpoint, where, name)


def _at(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _typed(value: Any, kind: type[T], endpoint: str, where: str, name: str) -> T:
    # bool is an int in Python, never in JSON
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = _NAMES.get(kind, kind.__name__)
        raise MalformedAnswerError(endpoint, _at(where, name), f"expected {expected}, got {_type(value)}")
    return value


def _type(value: Any) -> str:
    return "null" if value is None else _NAMES.get(type(value), type(value).__name__)


def unfit(error: ValidationError, endpoints: dict[str, str]) -> MalformedAnswerError:
    """The first place of a model error on what a tenant sent, named by its endpoint and field."""
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(step) for step in first["loc"])
    section = str(first["loc"][0]) if first["loc"] else ""
    return MalformedAnswerError(endpoints.get(section, "the tenant"), where, first["msg"])
