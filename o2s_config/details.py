"""What changes inside one resource, place by place: the field detail of a plan.

A resource that is created or deleted is shown leaf by leaf (lists whole). A resource in
both the file and the tenant whose canonical forms differ is compared with deepdiff, so a
list shows the items added or removed (``intermediation.activities: + IOBSP``) instead of
the whole list twice. The diff calls this only for resources that differ: a no-op
resource never reaches deepdiff. Lists keep their order (O2S's lists are ordered), so no
``ignore_order`` (quadratic on big lists), and never ``max_diffs`` (it returns an empty
diff when reached). deepdiff is imported on first use: a no-op plan never loads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from o2s_config.changes import Operation


class Difference(NamedTuple):
    """One place that differs: its path (dotted, ``[i]`` for a list position) and how."""

    path: str
    before: Any
    after: Any
    op: Operation = "set"


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Dotted path -> leaf value; lists are leaves."""
    if isinstance(value, Mapping) and value:
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(flatten(inner, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, Mapping):
        return {prefix: {}} if prefix else {}
    return {prefix: value}


def leaves(before: Any, after: Any) -> list[Difference]:
    """Every leaf that differs, whole lists included, sorted by path (creates and deletes)."""
    old, new = flatten(before or {}), flatten(after or {})
    paths = sorted(set(old) | set(new))
    return [Difference(p, old.get(p), new.get(p)) for p in paths if old.get(p) != new.get(p)]


def differences(before: Any, after: Any) -> list[Difference]:
    """The differences of two plain forms, lists item by item (updates)."""
    # imported here: deepdiff takes about 0.3 s to import, which a plan with no update never needs
    from deepdiff import DeepDiff

    found: list[tuple[tuple[str, ...], Difference]] = []
    tree = DeepDiff(before or {}, after or {}, view="tree", ignore_numeric_type_changes=True)
    for report, levels in tree.items():
        for level in levels:
            steps = level.path(output_format="list")
            for difference in _described(report, steps, level.t1, level.t2):
                found.append((_sort_key(steps), difference))
    found.sort(key=lambda pair: pair[0])
    return [d for _, d in found if d.op != "set" or d.before != d.after]


def _described(report: str, steps: list[Any], old: Any, new: Any) -> list[Difference]:
    if report == "iterable_item_added":
        return [Difference(_dotted(steps[:-1]), None, new, "add")]
    if report == "iterable_item_removed":
        return [Difference(_dotted(steps[:-1]), old, None, "remove")]
    if report == "dictionary_item_added":
        return [Difference(path, None, value) for path, value in flatten(new, _dotted(steps)).items()]
    if report == "dictionary_item_removed":
        return [Difference(path, value, None) for path, value in flatten(old, _dotted(steps)).items()]
    return [Difference(_dotted(steps), old, new)]  # values_changed, type_changes


def _dotted(steps: list[Any]) -> str:
    text = ""
    for step in steps:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _sort_key(steps: list[Any]) -> tuple[str, ...]:
    return tuple(f"{step:012d}" if isinstance(step, int) else str(step) for step in steps)
