"""The share threshold counts only collections of at least safety.min_collection_size members."""

from __future__ import annotations

import re
from pathlib import Path

from o2s_config.catalog import load_catalog
from o2s_config.plan import build_plan
from tests.engine.conftest import Tenant
from tests.engine.factories import org
from tests.engine.scenarios import firm, write

CATALOG = load_catalog()


def without_junior_profile_and_lyon(text: str) -> str:
    """The example with « Conseiller junior » deleted (its users moved to Conseiller) and Lyon pruned."""
    text = text.replace("profile: Conseiller junior", "profile: Conseiller")
    text = re.sub(r"(?m)^  Conseiller junior:\n(    .*\n)+", "", text)  # the profile
    text = re.sub(r"(?m)^    Conseiller junior:\n(      .*\n)+", "", text)  # its policy
    text = text.replace("structure: lyon", "structure: paris")
    text = re.sub(r"(?m)^  lyon:\n(    .*\n)+", "", text)
    text = text.replace("structures:\n", "structures:\n  siege: {name: Siège}\n", 1)  # the tenant's own, kept
    return text.replace("prune:\n  structures: false", "prune:\n  structures: true")


def test_a_small_firm_deletes_a_profile_and_prunes_a_structure_without_force(tenant: Tenant, example: Path) -> None:
    applied = tenant.cli("apply", str(example), "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    example.write_text(without_junior_profile_and_lyon(example.read_text(encoding="utf-8")), encoding="utf-8")
    result = tenant.cli("apply", str(example), "--auto-approve")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "- profile Conseiller junior" in result.stdout and "- structure lyon" in result.stdout
    assert "Removes (deletes or deactivates): profile Conseiller junior, structure lyon" in result.stdout
    assert "1 of 3 structures will be deleted or deactivated: lyon" in result.stdout
    labels = {p["label"] for p in tenant.request("GET", "/ext/v1/profiles").json()}
    assert "Conseiller junior" not in labels and "Conseiller" in labels
    codes = {s["code"] for s in tenant.request("GET", "/agences").json()}
    assert codes == {"siege", "paris"}
    assert tenant.cli("plan", str(example), "--detailed-exitcode").exit_code == 0


def structures(count: int) -> dict[str, dict[str, str]]:
    return {f"s{n:02d}": {"name": f"Agence {n}"} for n in range(1, count + 1)}


def test_pruning_11_of_50_structures_is_refused_without_force(tenant: Tenant, tmp_path: Path) -> None:
    fifty = {"siege": {"name": "Siège"}, "paris": {"name": "Agence Paris"}, **structures(48)}
    applied = tenant.cli("apply", str(write(tmp_path, "fifty", firm({}, structures=fifty))), "--auto-approve")
    assert applied.exit_code == 0, applied.stdout + applied.stderr
    kept = dict(list(fifty.items())[:39])
    fewer = write(tmp_path, "fewer", firm({}, structures=kept, prune={"structures": True}))
    refused = tenant.cli("plan", str(fewer))
    assert refused.exit_code == 1
    assert "11 of 50 structures would be deleted or deactivated, more than the allowed 20 %" in refused.stderr.replace(
        "20%", "20 %"
    )
    assert tenant.cli("plan", str(fewer), "--force").exit_code == 0


def test_the_threshold_applies_from_the_minimum_size_whatever_it_is() -> None:
    held = org(structures=structures(50))
    ten = build_plan(org(structures=structures(40), prune={"structures": True}), held, CATALOG, "t")
    assert ten.threshold_violations == []  # 10 of 50 is 20 %, not more
    eleven = build_plan(org(structures=structures(39), prune={"structures": True}), held, CATALOG, "t")
    assert len(eleven.threshold_violations) == 1
    small = org(structures=structures(1), prune={"structures": True}, safety={"min_collection_size": 3})
    assert build_plan(small, org(structures=structures(3)), CATALOG, "t").threshold_violations != []
    assert build_plan(small, org(structures=structures(2)), CATALOG, "t").threshold_violations == []
