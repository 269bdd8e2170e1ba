"""The JSON Schema of the organisation file, for editors (completion) and CI (independent check).

Generated from the model, with the rights spelled out from the catalogue so that an
editor offers every tab, right and choice with its French label.
"""

from __future__ import annotations

import json
from typing import Any

from o2s_config.catalog import Catalog, load_catalog
from o2s_config.model import Organisation

SCHEMA_ID = "https://o2s-config.dev/schemas/organisation.schema.json"


def rights_schema(catalog: Catalog) -> dict[str, Any]:
    """``{tab: {right: value}}`` with each right typed and described by its French label (``[assumed]`` marked)."""
    tabs: dict[str, Any] = {}
    for tab in catalog.tabs.values():
        rights: dict[str, Any] = {}
        for right in tab.rights.values():
            if right.kind == "flag":
                rights[right.id] = {"type": "boolean", "description": right.marked_label}
            else:
                choices = "; ".join(f"{value}: {right.marked_value_label(value)}" for value in right.choices)
                rights[right.id] = {"enum": list(right.choices), "description": f"{right.marked_label} ({choices})"}
        tabs[tab.id] = {
            "type": "object",
            "description": tab.label,
            "properties": rights,
            "additionalProperties": False,
        }
    return {"type": "object", "properties": tabs, "additionalProperties": False}


def organisation_schema(catalog: Catalog | None = None) -> dict[str, Any]:
    """The complete schema, ``extends`` included (the loader consumes it before the model sees the file)."""
    schema = Organisation.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "O2S organisation"
    schema["properties"]["extends"] = {
        "type": "string",
        "description": "path of a base organisation file this one overrides (deep merge, lists replaced)",
    }
    rights = rights_schema(catalog or load_catalog())
    for definition in schema.get("$defs", {}).values():
        if "rights" in definition.get("properties", {}):
            definition["properties"]["rights"] = {**rights, "description": "rights that differ from 'from'"}
    return schema


def schema_text() -> str:
    """The schema as committed in ``schemas/organisation.schema.json``."""
    return json.dumps(organisation_schema(), indent=2, ensure_ascii=False) + "\n"
