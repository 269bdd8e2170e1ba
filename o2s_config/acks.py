"""Acknowledged manual steps: those an administrator confirmed as done, in a file beside the organisation file.

The O2S screens cannot be read back, so ``o2s-config ack`` records, per target, each confirmed
step's id, the fingerprint of the value it set, who and when, in ``<file>.ack.yaml`` next to
``<file>.yaml``. A plan hides a step whose fingerprint is recorded for its target; when the file
asks for another value, the fingerprint differs and the step is back. The file carries a checksum
of its entries: a file edited by hand is reported and its acknowledgements ignored (every step
shows again), and an unreadable one is an error naming it. No step is ever silently dropped.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from o2s_config.errors import O2SConfigError
from o2s_config.manual_steps import ManualStep

VERSION = 1
HEADER = (
    "# Manual steps confirmed as done in the O2S screens, per target: written by `o2s-config ack`.\n"
    "# Commit it next to the organisation file. Do not edit it by hand: its checksum would no longer\n"
    "# match, and every step would show again until `o2s-config ack` confirms them anew.\n"
)


class AckFileError(O2SConfigError):
    """The acknowledgement file cannot be read: the plan cannot tell which steps are done."""


@dataclass(frozen=True)
class Ack:
    """One confirmed step: the fingerprint of the value it set, who confirmed it, and when (UTC)."""

    fingerprint: str
    by: str
    at: str
    value: str = ""  # what was done, for a human reading the file (masked for a secret)


@dataclass
class Acknowledgements:
    """The file's content: target -> step id -> Ack, and what a reader must be told about it."""

    path: Path
    targets: dict[str, dict[str, Ack]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    exists: bool = False

    def split(
        self, target: str, steps: Sequence[ManualStep]
    ) -> tuple[list[ManualStep], list[ManualStep], list[ManualStep]]:
        """(still to do, acknowledged, implied and never recorded) for ``target``.

        A step is acknowledged while its fingerprint is recorded. An implied step (the screen sets
        it by itself) is to do only once a different value of it was recorded: the file changed it.
        """
        recorded = self.targets.get(target, {})
        pending, done, implied = [], [], []
        for step in steps:
            ack = recorded.get(step.id)
            if ack is not None and ack.fingerprint == step.fingerprint:
                done.append(step)
            elif step.implied and ack is None:
                implied.append(step)
            else:
                pending.append(step)
        return pending, done, implied

    def record(self, target: str, steps: Iterable[ManualStep], by: str, at: str) -> None:
        """Acknowledge ``steps`` for ``target`` (replacing what was recorded for the same ids)."""
        recorded = self.targets.setdefault(target, {})
        for step in steps:
            recorded[step.id] = Ack(step.fingerprint, by, at, step.action)


def ack_path(organisation_file: Path) -> Path:
    """``organisation.yaml`` -> ``organisation.ack.yaml`` (same folder)."""
    return organisation_file.with_name(organisation_file.name.rsplit(".", 1)[0] + ".ack.yaml")


def checksum(targets: dict[str, dict[str, Ack]]) -> str:
    """A hash of every entry: ``ack`` writes it, a hand edit breaks it."""
    plain = {t: {i: a.__dict__ for i, a in sorted(steps.items())} for t, steps in sorted(targets.items())}
    return "sha256:" + hashlib.sha256(json.dumps(plain, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load(path: Path) -> Acknowledgements:
    """The acknowledgements in ``path``: none when it does not exist; an error when it cannot be read."""
    if not path.exists():
        return Acknowledgements(path)
    try:
        document = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
        targets = _targets(document)
    except (OSError, UnicodeDecodeError, YAMLError, ValueError, TypeError, KeyError) as error:
        raise AckFileError(
            f"{path}: not an acknowledgement file written by 'o2s-config ack' ({error}); "
            "restore it from git, or move it aside to see every manual step again"
        ) from None
    found = Acknowledgements(path, targets, exists=True)
    if document.get("checksum") != checksum(targets):
        found.targets = {}
        found.warnings.append(
            f"{path} was edited by hand (its checksum no longer matches): its acknowledgements are ignored and "
            "every manual step is shown; confirm them again with 'o2s-config ack'"
        )
    return found


def _targets(document: Any) -> dict[str, dict[str, Ack]]:
    if not isinstance(document, dict) or document.get("version") != VERSION:
        raise ValueError(f"expected 'version: {VERSION}' at the top")
    targets = document.get("targets") or {}
    if not isinstance(targets, dict):
        raise ValueError("'targets' is not a mapping")
    found: dict[str, dict[str, Ack]] = {}
    for target, steps in targets.items():
        if not isinstance(steps, dict):
            raise ValueError(f"targets.{target} is not a mapping")
        found[str(target)] = {
            str(step_id): Ack(str(ack["fingerprint"]), str(ack["by"]), str(ack["at"]), str(ack.get("value", "")))
            for step_id, ack in steps.items()
        }
    return found


def save(acks: Acknowledgements) -> None:
    """Write the file whole (a temporary file renamed over it: never half written)."""
    targets = {t: {i: a.__dict__ for i, a in sorted(s.items())} for t, s in sorted(acks.targets.items())}
    document = {"version": VERSION, "checksum": checksum(acks.targets), "targets": targets}
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    temporary = acks.path.with_name(acks.path.name + ".tmp")
    temporary.write_text(HEADER + buffer.getvalue(), encoding="utf-8")
    temporary.replace(acks.path)
