"""A rights map as the O2S screen shows it: tab by tab, ticks and choices, French labels.

A right ticked on the screen but inside a module the profile cannot open is shown ticked and
marked as taking no effect, so the file's author sees both what is stored and what counts.
"""

from __future__ import annotations

from o2s_config.catalog import Catalog, RightsMap
from o2s_config.resolve import without_effect


def rights_lines(catalog: Catalog, rights: RightsMap, indent: str = "") -> list[str]:
    """One line per right of the catalogue, grouped under its tab's label (``[assumed]`` where the guide is silent)."""
    inert = {right.key: right for right in without_effect(rights, catalog)}
    lines: list[str] = []
    for tab in catalog.tabs.values():
        lines.append(f"{indent}{tab.label}")
        for right in tab.rights.values():
            value = rights.get(tab.id, {}).get(right.id, right.none_value)
            if right.kind == "flag":
                line = f"{indent}  {'[x]' if value else '[ ]'} {right.marked_label}  ({right.key})"
            else:
                line = f"{indent}  {right.marked_label} = {right.marked_value_label(value)}  ({right.key})"
            if right.key in inert:
                needed = catalog.by_key(right.requires)
                line += f"  ticked, no effect: needs « {needed.marked_label if needed else right.requires} »"
            lines.append(line)
    return lines
