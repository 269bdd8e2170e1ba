"""The example firm declares what it means to grant and to pay for, passes --strict, and each declaration counts.

Every item the example declares in ``policies.sensitive_rights`` and ``policies.billed_options`` is
taken out in turn: ``validate --strict`` must then fail with exactly one warning, the one that item
silenced, naming it and nothing else.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from o2s_config.catalog import load_catalog
from o2s_config.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "organisation.yaml"
CATALOG = load_catalog()


def variables(text: str) -> dict[str, str]:
    """A value for every ``${env:NAME}`` the file uses (a secret's value does not matter to validate)."""
    return {name: "set-for-the-test" for name in re.findall(r"\$\{env:(\w+)\}", text)}


def strict(path: Path) -> Result:
    env = variables(EXAMPLE.read_text(encoding="utf-8"))
    return CliRunner().invoke(main, ["validate", "--strict", str(path)], env=env, catch_exceptions=False)


def declared() -> list[tuple[str, str, str]]:
    """(rule, profile or '', item) for every item the example declares."""
    policies = YAML(typ="safe").load(EXAMPLE.read_text(encoding="utf-8"))["policies"]
    found = [("billed_options", "", option) for option in policies.get("billed_options", [])]
    for profile, rights in policies.get("sensitive_rights", {}).items():
        found += [("sensitive_rights", profile, right) for right in rights]
    return found


def test_the_example_passes_strict_with_its_variables_set() -> None:
    result = strict(EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and "0 warning(s)" in result.stdout


def test_the_example_declares_sensitive_rights() -> None:
    assert any(rule == "sensitive_rights" for rule, _, _ in declared())


@pytest.mark.parametrize(("rule", "profile", "item"), declared(), ids=lambda value: str(value))
def test_removing_one_declared_intent_brings_back_exactly_its_warning(
    rule: str, profile: str, item: str, tmp_path: Path
) -> None:
    folder = shutil.copytree(EXAMPLE.parent, tmp_path / "examples")  # its logos and templates travel with it
    changed = folder / EXAMPLE.name
    yaml = YAML()  # round trip: comments and layout kept
    document = yaml.load(changed.read_text(encoding="utf-8"))
    listed = document["policies"][rule][profile] if profile else document["policies"][rule]
    listed.remove(item)
    with changed.open("w", encoding="utf-8") as out:
        yaml.dump(document, out)
    result = strict(changed)
    assert result.exit_code == 1
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == 1, result.stderr
    if rule == "sensitive_rights":
        right = CATALOG.by_key(item)
        assert right is not None
        assert warnings[0].endswith(f"'{profile}' grants sensitive rights: « {right.label} »")
    else:
        assert f"({item})" in warnings[0] or f"'{item}'" in warnings[0]
