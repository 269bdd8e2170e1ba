"""Turn pydantic validation errors into ``FILE:LINE:COL: message`` diagnostics.

Keyed on pydantic's error *type*, never on its message text: an unknown key points at
the key (with a "did you mean"), a missing key at the mapping that lacks it, anything
else at the value.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from o2s_config.diagnostics import Diagnostic
from o2s_config.positioned import Loc, PosDict, PosList, locate
from o2s_config.suggest import closest, did_you_mean

DocPath = tuple[str | int, ...]


def document_path(data: Any, loc: tuple[str | int, ...], error_type: str) -> DocPath:
    """Drop the parts of a pydantic ``loc`` that are not in the document (union member tags)."""
    path: list[str | int] = []
    node = data
    for position, step in enumerate(loc):
        last = position == len(loc) - 1
        if (isinstance(node, dict) and isinstance(step, str) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        ):
            path.append(step)
            node = node[step]  # type: ignore[index]
        elif last and error_type == "missing" and isinstance(step, str):
            path.append(step)
    return tuple(path)


def dotted(path: DocPath) -> str:
    """``users.adubois.email`` / ``hierarchy.adubois[2]``."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text or "(top level)"


def annotation_at(model: type[BaseModel], path: DocPath) -> Any:
    """The type the model declares at ``path`` (None where the model has no such place)."""
    annotation: Any = model
    for step in path:
        annotation = _step(annotation, step)
        if annotation is None:
            return None
    return annotation


def allowed_keys(model: type[BaseModel], path: DocPath) -> list[str]:
    """The keys the model accepts at the mapping reached by ``path`` (for suggestions)."""
    annotation = annotation_at(model, path)
    if annotation is None:
        return []
    cls = _model_in(annotation)
    if cls is None:
        return []
    return [f.alias or name for name, f in cls.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _step(annotation: Any, step: str | int) -> Any:
    """The annotation one level down from ``annotation`` along ``step``."""
    cls = _model_in(annotation) if isinstance(step, str) else None
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                return _step(arg, step)
    if origin is dict:
        return typing.get_args(annotation)[1]
    if origin is list:
        return typing.get_args(annotation)[0] if isinstance(step, int) else None
    if cls is not None and isinstance(step, str):
        for name, info in cls.model_fields.items():
            if step in (name, info.alias):
                return info.annotation
    return None


def _message(error: Any, path: DocPath, model: type[BaseModel]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        hint = closest(key, allowed_keys(model, path[:-1]))
        where = f" in {dotted(path[:-1])}" if len(path) > 1 else ""
        return f"unknown key '{key}'{where}" + did_you_mean(hint)
    if kind == "missing":
        where = f" in {dotted(path[:-1])}" if len(path) > 1 else ""
        return f"missing required key '{path[-1] if path else '?'}'{where}"
    text = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return f"{dotted(path)}: {text[:1].lower()}{text[1:]}"


def _node(data: Any, path: DocPath) -> Any:
    node = data
    for step in path:
        node = node[step]
    return node


def diagnostics_from_validation(exc: ValidationError, data: Any, model: type[BaseModel]) -> list[Diagnostic]:
    """One diagnostic per distinct place, the alternatives of a union joined with 'or'."""
    grouped: dict[tuple[Loc, str], list[str]] = {}
    for error in exc.errors(include_url=False, include_input=False):
        path = document_path(data, tuple(error["loc"]), error["type"])
        # a rule on a whole entry (a model validator) points at the entry's key, not at its first field
        on_key = error["type"] == "extra_forbidden" or (
            error["type"] == "value_error" and bool(path) and isinstance(_node(data, path), PosDict)
        )
        loc = locate(
            data,
            path if error["type"] != "missing" else path[:-1],
            key=on_key or error["type"] == "missing",
        )
        if loc is None:
            loc = data.loc() if isinstance(data, PosDict | PosList) else Loc("?", 1, 1)
        message = _message(error, path, model)
        head = message.split(": ", 1)[0] if ": " in message else message
        grouped.setdefault((loc, head), []).append(message)
    diagnostics = []
    for (loc, _), messages in grouped.items():
        unique = list(dict.fromkeys(messages))
        text = (
            unique[0]
            if len(unique) == 1
            else unique[0] + " or " + " or ".join(m.split(": ", 1)[-1] for m in unique[1:])
        )
        diagnostics.append(Diagnostic(loc.file, loc.line, loc.column, text, path=()))
    return diagnostics
