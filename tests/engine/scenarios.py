"""Organisation files for the end-to-end scenarios, built as data and written as YAML (JSON is YAML)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CONSEILLER: dict[str, Any] = {"from": "all", "rights": {"administration": {"module_access": False}}}
ADMIN = {"last_name": "Administrateur", "email": "admin@sandbox.invalid", "structure": "siege"}


def person(login: str, structure: str = "paris", profile: str = "Conseiller", **fields: Any) -> dict[str, Any]:
    return {
        "last_name": login.title(),
        "email": f"{login}@exemple.fr",
        "structure": structure,
        "profile": profile,
        **fields,
    }


def firm(users: dict[str, Any], **sections: Any) -> dict[str, Any]:
    """A small firm: the sandbox's own structure and admin, Paris, the Conseiller profile, and ``users``."""
    document: dict[str, Any] = {
        "version": 1,
        "structures": {"siege": {"name": "Siège"}, "paris": {"name": "Agence Paris"}},
        "profiles": {"Conseiller": CONSEILLER},
        "users": {"admin": {**ADMIN, "profile": "Administrateur"}, **users},
    }
    document.update(sections)
    return document


def write(folder: Path, name: str, document: dict[str, Any]) -> Path:
    path = folder / f"{name}.yaml"
    text = json.dumps(document, ensure_ascii=False, indent=1, default=str)  # dates as ISO text
    path.write_text(text, encoding="utf-8")
    return path
