"""Where ``${env:VAR}`` may be written: only in the fields the model marks secret (passwords).

A value from the environment is a secret: it is masked in every output and the tenant
keeps it write-only. Written into any other field (``last_name: ${env:O2S_TOKEN}``), it
would be sent to the tenant as plain data and come back in clear through ``export``;
so it is an error there, reported before the model sees the value.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, SecretStr

from o2s_config.diagnostics import Diagnostic
from o2s_config.locations import DocPath, annotation_at, dotted
from o2s_config.positioned import Loc, PosDict, PosList, SecretText


def misplaced_env_references(data: PosDict, model: type[BaseModel]) -> list[Diagnostic]:
    """An error at each value taken from the environment where ``model`` does not declare a secret."""
    found = []
    for path, loc in _env_values(data, ()):
        if not is_secret_field(annotation_at(model, path)):
            message = f"{dotted(path)}: ${{env:...}} may only give a secret (a password); write this value in the file"
            found.append(Diagnostic(loc.file, loc.line, loc.column, message))
    return found


def is_secret_field(annotation: Any) -> bool:
    """True for ``SecretStr`` and unions holding it (``SecretStr | None``)."""
    if annotation is SecretStr:
        return True
    return any(is_secret_field(arg) for arg in typing.get_args(annotation))


def _env_values(node: Any, path: DocPath) -> Iterator[tuple[DocPath, Loc]]:
    if isinstance(node, PosDict):
        for key, value in node.items():
            if isinstance(value, SecretText):
                yield (*path, key), node.value_loc(key)
            elif isinstance(value, PosDict | PosList):
                yield from _env_values(value, (*path, key))
    elif isinstance(node, PosList):
        for index, value in enumerate(node):
            if isinstance(value, SecretText):
                yield (*path, index), node.item_loc(index)
            elif isinstance(value, PosDict | PosList):
                yield from _env_values(value, (*path, index))
