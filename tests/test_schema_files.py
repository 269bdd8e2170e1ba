"""The committed JSON Schema is current and accepts the examples, checked by an independent validator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from o2s_config.schema import schema_text

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "organisation.schema.json"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA.read_text(encoding="utf-8") == schema_text(), (
        "schemas/organisation.schema.json is stale: run `o2s-config schema -o schemas/organisation.schema.json`"
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_examples_start_with_the_schema_line(example: Path) -> None:
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/organisation.schema.json"


def test_check_jsonschema_accepts_every_example() -> None:
    # The base example validates alone; an `extends:` overlay is partial by design, and the
    # schema must still accept it, so every example goes through the same independent check.
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA), *map(str, EXAMPLES)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_jsonschema_rejects_a_wrong_right(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nprofiles:\n  P: {from: all, rights: {agenda: {view_calendars: everyone}}}\n")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA), str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "everyone" in result.stdout + result.stderr


def test_schema_spells_out_rights_with_french_labels() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    rights = schema["$defs"]["Profile"]["properties"]["rights"]
    view = rights["properties"]["agenda"]["properties"]["view_calendars"]
    assert view["enum"] == ["own", "attached", "group"]
    assert "Voir les agendas" in view["description"]
