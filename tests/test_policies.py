"""Policies: each rule has a failing file (tests/data/bad/policies-*) and a passing one (tests/data/good/).

The failing files and their exact located messages are checked by test_bad_files.py; here, the
passing files, the pairing of the two corpora, and the rules on an organisation read from a tenant.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from o2s_config.catalog import load_catalog
from o2s_config.checks.policies import violations
from o2s_config.cli import main
from o2s_config.model import Organisation, Policies
from o2s_config.resolve import resolve_profiles
from o2s_config.validate import validate_file

DATA = Path(__file__).parent / "data"
GOOD = sorted((DATA / "good").glob("policies-*.yaml"))
BAD = sorted((DATA / "bad").glob("policies-*.yaml"))
RULES = set(Policies.model_fields)
# Declarations of intent rather than rules: leaving one out brings back a warning, not an error.
INTENTS = [p for p in GOOD if p.name.startswith("policies-intended-")]


def rules_named(path: Path) -> set[str]:
    return set(re.findall(r"policy '(\w+)'", path.read_text(encoding="utf-8"))) & RULES


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_a_file_keeping_its_policies_is_valid_without_warnings(path: Path) -> None:
    result = validate_file(path)
    assert result.organisation.policies is not None
    assert result.warnings == []


def test_every_rule_has_a_failing_and_a_passing_file() -> None:
    failing = set().union(*(rules_named(p) for p in BAD))
    passing = set().union(*(rules_named(p) for p in GOOD))
    assert failing == RULES and passing == RULES


@pytest.mark.parametrize("path", [p for p in GOOD if p not in INTENTS], ids=lambda p: p.stem)
def test_the_passing_file_breaks_when_the_rule_is_tightened(path: Path, tmp_path: Path) -> None:
    """Each passing file sits at the edge of its rule: one notch tighter and validate refuses it."""
    text = path.read_text(encoding="utf-8")
    tighter = {
        "policies-administrators.yaml": ("{min: 2, max: 2}", "{min: 3}"),
        "policies-client-reach.yaml": ("{max: 2}", "{max: 1}"),
        "policies-forbidden-rights.yaml": (
            "contact.modify_contacts]",
            "contact.modify_contacts, contact.client_access]",
        ),
        "policies-advisors-have-manager.yaml": ("adubois: [jdurand, {mmartin: []}]", "jdurand: [mmartin]"),
    }[path.name]
    assert tighter[0] in text
    changed = tmp_path / path.name
    changed.write_text(text.replace(*tighter), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(changed)], catch_exceptions=False)
    assert result.exit_code == 1
    assert f"{changed}:" in result.stderr and "policy '" in result.stderr


@pytest.mark.parametrize("path", INTENTS, ids=lambda p: p.stem)
def test_the_passing_file_warns_when_an_intent_is_left_out(path: Path, tmp_path: Path) -> None:
    """Each declaration silences exactly its warning: one item fewer, and --strict refuses that one."""
    text = path.read_text(encoding="utf-8")
    fewer, warning = {
        "policies-intended-sensitive-rights.yaml": (
            ("[configuration.services_access, configuration.editions_for_others]", "[configuration.services_access]"),
            "grants sensitive rights: « Gestion du paramétrage des éditions pour les autres utilisateurs »",
        ),
        "policies-intended-billed-options.yaml": (
            ("[esignature, options.patritheque]", "[esignature]"),
            "options.patritheque",
        ),
    }[path.name]
    assert fewer[0] in text
    changed = tmp_path / path.name
    changed.write_text(text.replace(*fewer), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", "--strict", str(changed)], catch_exceptions=False)
    assert result.exit_code == 1
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert warnings and all(warning in line for line in warnings)


def test_a_right_ticked_without_its_module_breaks_no_policy() -> None:
    # the junior profile ticks « Gestion des profils » but not the Administration module
    found = validate_file(DATA / "good" / "policies-forbidden-rights.yaml").rights["Conseiller junior"]
    assert found["administration"]["manage_profiles"] is True


def test_rules_apply_to_an_organisation_read_from_a_tenant() -> None:
    catalog = load_catalog()
    tenant = Organisation.model_validate(
        {
            "version": 1,
            "profiles": {"Conseiller": {"from": "none", "rights": {"administration": {"import_contacts": True}}}},
            "users": {
                "a": {"last_name": "A", "email": "a@exemple.fr", "structure": "s", "profile": "Administrateur"},
                "b": {"last_name": "B", "email": "b@exemple.fr", "structure": "s", "profile": "Conseiller"},
            },
            "hierarchy": {},
            "policies": {
                "administrators": {"min": 2},
                "forbidden_rights": {"Conseiller": ["administration.import_contacts"]},
                "advisors_have_manager": True,
            },
        }
    )
    found = violations(tenant, resolve_profiles(tenant.profiles or {}, catalog), catalog)
    assert sorted(v.rule for v in found) == [
        "administrators",
        "advisors_have_manager",
        "advisors_have_manager",
        "forbidden_rights",
    ]
    assert {v.path for v in found if v.rule == "advisors_have_manager"} == {("users", "a"), ("users", "b")}


def test_rights_command_shows_a_tick_without_effect() -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "organisation.yaml"
    result = CliRunner().invoke(
        main, ["rights", "--profile", "Conseiller junior", "--file", str(example)], catch_exceptions=False
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    editions = next(line for line in lines if "(configuration.services_editions_tab)" in line)
    assert (
        editions.startswith("  [x] Editions [assumed]")
        and "ticked, no effect: needs « Accès au module «\u00a0Services\u00a0» »" in editions
    )
    modules = next(line for line in lines if "(configuration.services_access)" in line)
    assert modules.startswith("  [ ]") and "no effect" not in modules
    alerts = next(line for line in lines if "(configuration.alerts_management)" in line)
    assert alerts.startswith("  [x]") and "no effect" not in alerts
