"""The example's profiles against O2S's set-up guide: its recipes, its table's blank cells, nothing else.

Each profile is rebuilt here from the guide's facts (``tests/data/guide/guide-facts.yaml``):
« Appliquer tous les droits », then the recipe's unticks and selections, found in the catalogue by
their labels, then the screen's own effect the guide states. Where the guide leaves a choice open,
the choice is an *inference*, named below and next to the right in ``examples/organisation.yaml``.
The example's effective rights must be exactly recipe + inferences, and they must leave as many
blank cells in each row of the guide's table as the table has.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from o2s_config.catalog import Catalog, Right, RightsMap, load_catalog
from o2s_config.model import ADMIN_PROFILE
from o2s_config.resolve import apply_overrides
from o2s_config.validate import validate_file

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "organisation.yaml"
FACTS: dict[str, Any] = YAML(typ="safe", pure=True).load(
    (REPO / "tests" / "data" / "guide" / "guide-facts.yaml").read_text(encoding="utf-8")
)
CATALOG: Catalog = load_catalog()


@dataclass(frozen=True)
class Inference:
    """A choice the guide leaves open, made in the example (tagged ``inference [tag]`` there)."""

    tag: str
    profiles: tuple[str, ...]
    rights: dict[str, Any]
    why: str


INFERENCES = (
    Inference(
        "same-clients-as-conseiller",
        ("Conseiller junior", "Back-office"),
        {"contact.client_access": "group"},
        "both have 'the same rights as the Conseiller, but...' and their recipes select no client scope; "
        "the table's contacts row has no blank, and the junior's recipe alone would leave him no contact right",
    ),
    Inference(
        "back-office-second-blank",
        ("Back-office",),
        {
            "configuration.services_access": False,
            "configuration.compliance": False,
            "configuration.commercial_operations": False,
            "configuration.commissions": False,
        },
        "the second blank of these four rows: not the Administrateur, Manager or Conseiller (a Conseiller "
        "blank would also be a Back-office blank, three in all)",
    ),
)

# Our reading of the table's rows: the catalogue rights each row stands for. A profile "has" a row
# when one of its rights takes effect (a sub-right of a module the profile lacks does not).
ROWS: dict[str, tuple[str, ...]] = {
    "Accès à l’espace Administration": ("administration.module_access",),
    "Accès à l’espace Abonnements": ("administration.subscription_access",),
    "Accès au module Services": ("configuration.services_access",),
    "Configuration de l’application": tuple(r.key for r in CATALOG.tabs["configuration"].rights.values()),
    "Accès aux différents types de contacts et droits de modification": tuple(
        r.key for r in CATALOG.tabs["contact"].rights.values()
    ),
    "Import des contacts et des comptes": ("administration.import_contacts", "administration.import_accounts"),
    "Voir et modifier les agendas des collaborateurs": ("agenda.view_calendars", "agenda.modify_calendars"),
    "Gestion des portefeuilles et comptes": ("portfolio.manage_portfolios",),
    "Gestion de la conformité": ("configuration.compliance",),
    "Opérations commerciales": ("configuration.commercial_operations",),
    "Commissions": ("configuration.commissions",),
}


def by_label(label: str) -> Right:
    """The catalogue right a recipe names (the guide writes « abonnement » with and without a capital)."""
    found = [r for r in CATALOG.all_rights() if r.label.casefold() == label.casefold()]
    assert len(found) == 1, f"the catalogue has no single right labelled {label!r}"
    return found[0]


def choice(right: Right, label: str) -> str:
    found = [value for value, text in right.choices.items() if text == label]
    assert len(found) == 1, f"{right.key} has no choice labelled {label!r}"
    return found[0]


def set_right(rights: RightsMap, key: str, value: Any) -> None:
    tab, _, right_id = key.partition(".")
    rights[tab][right_id] = value


def recipe(profile: str) -> RightsMap:
    """The guide's recipe for ``profile``: everything applied, then its unticks and selections."""
    steps = FACTS["recipes"][profile]
    rights = CATALOG.full("all")  # « Appliquer tous les droits »
    for label in steps.get("untick", []):
        right = by_label(label)
        set_right(rights, right.key, right.none_value)
    for line, label in steps.get("select", {}).items():
        right = by_label(line)
        set_right(rights, right.key, choice(right, label))
    for tab_label in steps.get("untick_tabs", []):
        tab = next(t for t in CATALOG.tabs.values() if t.label == tab_label)
        for right in tab.rights.values():
            rights[tab.id][right.id] = right.none_value
    # the screen's own effect the guide states: « Voir uniquement mon agenda » unticks the linked box
    return apply_overrides(rights, {}, CATALOG)


def expected(profile: str, leaving_out: str | None = None) -> RightsMap:
    rights = recipe(profile)
    for inference in INFERENCES:
        if profile in inference.profiles and inference.tag != leaving_out:
            for key, value in inference.rights.items():
                set_right(rights, key, value)
    return apply_overrides(rights, {}, CATALOG)


@pytest.fixture(scope="module")
def example() -> dict[str, RightsMap]:
    return validate_file(EXAMPLE).rights


@pytest.mark.parametrize("profile", list(FACTS["recipes"]))
def test_each_profile_is_its_recipe_plus_the_named_inferences(example: dict[str, RightsMap], profile: str) -> None:
    assert example[profile] == expected(profile)


def test_the_administrateur_has_absolutely_every_right(example: dict[str, RightsMap]) -> None:
    assert example[ADMIN_PROFILE] == CATALOG.administrator()


def test_the_example_has_the_guides_five_profiles(example: dict[str, RightsMap]) -> None:
    assert set(example) == set(FACTS["table"]["profiles"])


@pytest.mark.parametrize("inference", INFERENCES, ids=lambda i: i.tag)
def test_each_inference_is_needed_and_written_next_to_its_rights(
    example: dict[str, RightsMap], inference: Inference
) -> None:
    for profile in inference.profiles:
        without = expected(profile, leaving_out=inference.tag)
        changed = {r.key for r in CATALOG.all_rights() if without[r.tab][r.id] != example[profile][r.tab][r.id]}
        assert changed == set(inference.rights), (profile, inference.tag)
    assert EXAMPLE.read_text(encoding="utf-8").count(f"inference [{inference.tag}]") == len(inference.profiles)


def has_row(rights: RightsMap, row: str) -> bool:
    return any(right.grants(rights) for right in (CATALOG.by_key(key) for key in ROWS[row]) if right is not None)


def blanks(profiles: dict[str, RightsMap]) -> dict[str, int]:
    return {row: sum(not has_row(rights, row) for rights in profiles.values()) for row in ROWS}


def test_the_example_leaves_as_many_blank_cells_in_each_row_as_the_guides_table(
    example: dict[str, RightsMap],
) -> None:
    assert set(ROWS) == set(FACTS["table"]["blank_cells"])
    assert blanks(example) == FACTS["table"]["blank_cells"]
    # every row is the Administrateur's
    assert all(has_row(example[ADMIN_PROFILE], row) for row in ROWS)


def test_the_recipes_alone_differ_from_the_table_only_in_rows_the_inferences_touch() -> None:
    alone = {profile: recipe(profile) for profile in FACTS["recipes"]}
    alone[ADMIN_PROFILE] = CATALOG.administrator()
    table: dict[str, int] = FACTS["table"]["blank_cells"]
    differing = {row: count - table[row] for row, count in blanks(alone).items() if count != table[row]}
    # the four rows the junior's recipe alone leaves one blank short of; and the contacts row, where
    # the junior's recipe alone would grant nothing at all (his clients, prospects, alerts all "own")
    assert differing == {
        "Accès au module Services": -1,
        "Gestion de la conformité": -1,
        "Opérations commerciales": -1,
        "Commissions": -1,
        "Accès aux différents types de contacts et droits de modification": 1,
    }
    inferred = {key for inference in INFERENCES for key in inference.rights}
    assert all(set(ROWS[row]) & inferred for row in differing)


def test_the_profiles_said_to_be_the_conseiller_but_differ_from_him_only_where_the_guide_says(
    example: dict[str, RightsMap],
) -> None:
    for profile in FACTS["same_as_conseiller_but"]:
        steps = FACTS["recipes"][profile]
        named = {by_label(label).key for label in steps.get("untick", [])}
        named |= {by_label(line).key for line in steps.get("select", {})}
        for tab_label in steps.get("untick_tabs", []):
            named |= {r.key for r in CATALOG.all_rights() if CATALOG.tabs[r.tab].label == tab_label}
        named |= {"agenda.modify_calendars"}  # unticked by the screen with « Voir uniquement mon agenda »
        for inference in INFERENCES:
            if profile in inference.profiles and inference.tag != "same-clients-as-conseiller":
                named |= set(inference.rights)
        differing = {
            r.key for r in CATALOG.all_rights() if example[profile][r.tab][r.id] != example["Conseiller"][r.tab][r.id]
        }
        assert differing <= named, (profile, differing - named)


def test_alexis_dubois_manages_eleven_advisors() -> None:
    org = validate_file(EXAMPLE).organisation
    assert org.hierarchy is not None and org.users is not None
    team = org.hierarchy["adubois"]
    assert len(team) == 11
    assert {org.users[str(login)].profile for login in team} == {"Conseiller", "Conseiller junior"}
    assert org.users["adubois"].profile == "Manager"


def test_second_office_extends_the_firm_with_a_second_level(tmp_path: Path) -> None:
    second = EXAMPLE.parent / "second-office.yaml"
    result = validate_file(second, env={"O2S_IMAP_PASSWORD_SROUX": "imap-secret-value"})
    org = result.organisation
    assert org.structures is not None and set(org.structures) == {"paris", "lyon", "marseille"}
    assert org.users is not None and len(org.users) == 18
    assert org.hierarchy is not None
    assert {"sroux": ["bfontaine", "mlaurent"]} in org.hierarchy["adubois"]
    assert "imap-secret-value" in result.loaded.secrets
    # a warning about a base profile points into the base file: the firm declares its profiles'
    # sensitive rights, so a file extending it drops the Manager's declaration to get one
    folder = shutil.copytree(EXAMPLE.parent, tmp_path / "examples")
    third = folder / "third.yaml"
    third.write_text("version: 1\nextends: second-office.yaml\npolicies: {sensitive_rights: {Manager: []}}\n")
    warned = validate_file(third, env={"O2S_IMAP_PASSWORD_SROUX": "imap-secret-value"}).warnings
    assert [(Path(w.file).name, w.message.split(":")[0]) for w in warned] == [
        ("organisation.yaml", "'Manager' grants sensitive rights")
    ]
