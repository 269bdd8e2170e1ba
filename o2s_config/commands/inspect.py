"""``o2s-config rights``: the catalogue, or one profile's rights (ticked, and whether they take effect)."""

from __future__ import annotations

from pathlib import Path

import click

from o2s_config.catalog import ASSUMED, Catalog, load_catalog
from o2s_config.commands import DEFAULT_FILE
from o2s_config.errors import O2SConfigError
from o2s_config.render.rights import rights_lines
from o2s_config.validate import validate_file


def catalogue_lines(catalog: Catalog) -> list[str]:
    """One line per right (key, French label, kind, markers), then one per choice of a scope."""
    lines: list[str] = []
    for tab in catalog.tabs.values():
        lines.append(f"{tab.id}  ({tab.label})")
        for right in tab.rights.values():
            kind = "flag" if right.kind == "flag" else "scope: " + " | ".join(right.choices)
            marks = " [sensitive]" if right.sensitive else ""
            lines.append(f"  {right.key:<40} {right.marked_label}  ({kind}){marks}")
            for value in right.choices if right.kind == "scope" else ():
                applied = " (Appliquer tous les droits" + (ASSUMED if right.all_assumption else "") + ")"
                note = applied if value == right.all_value else ""
                lines.append(f"  {'':<40}   {value}: {right.marked_value_label(value)}{note}")
    return lines


@click.command()
@click.option("--profile", "profile", help="Show this profile's effective rights instead of the catalogue.")
@click.option(
    "--file",
    "file",
    default=DEFAULT_FILE,
    show_default=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Organisation file holding the profile.",
)
def rights(profile: str | None, file: Path) -> None:
    """List every right O2S knows, or the effective rights of one profile."""
    catalog = load_catalog()
    if profile is None:
        click.echo("\n".join(catalogue_lines(catalog)))
        return
    result = validate_file(file)
    if profile not in result.rights:
        known = ", ".join(sorted(result.rights))
        raise O2SConfigError(f"no profile '{profile}' in {file} (profiles: {known})")
    click.echo("\n".join(rights_lines(catalog, result.rights[profile])))
