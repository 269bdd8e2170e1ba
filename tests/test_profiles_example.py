"""The seed's five profiles resolve to the rights its worked example describes, right by right."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from o2s_config.catalog import RightsMap, load_catalog
from o2s_config.validate import validate_file

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "organisation.yaml"
CATALOG = load_catalog()
ALL_KEYS = [r.key for r in CATALOG.all_rights()]


@pytest.fixture(scope="module")
def rights() -> dict[str, RightsMap]:
    return validate_file(EXAMPLE).rights


def value(rights: RightsMap, key: str) -> object:
    tab, _, right_id = key.partition(".")
    return rights[tab][right_id]


def full(key: str) -> object:
    """The value "Appliquer tous les droits" gives."""
    right = CATALOG.by_key(key)
    assert right is not None
    return right.all_value


def assert_all_but(rights: RightsMap, exceptions: dict[str, object]) -> None:
    """Every right at its 'all' value except the listed ones, which must hold the given values."""
    for key in ALL_KEYS:
        expected = exceptions.get(key, full(key))
        assert value(rights, key) == expected, key


def test_administrateur_has_everything(rights: dict[str, RightsMap]) -> None:
    assert_all_but(rights["Administrateur"], {})


def test_manager_has_everything_but_administration(rights: dict[str, RightsMap]) -> None:
    assert_all_but(
        rights["Manager"],
        {
            "administration.module_access": False,
            "agenda.view_calendars": "attached",
            "contact.client_access": "attached",
        },
    )


CONSEILLER = {
    "administration.module_access": False,
    "administration.subscription_access": False,
    "agenda.view_calendars": "group",
    "contact.client_access": "group",
}


def test_conseiller_lacks_administration_and_subscription(rights: dict[str, RightsMap]) -> None:
    assert_all_but(rights["Conseiller"], CONSEILLER)


def test_conseiller_junior_is_conseiller_minus_the_guides_list(rights: dict[str, RightsMap]) -> None:
    queries = {f"queries.{r}": False for r in CATALOG.tabs["queries"].rights}
    assert_all_but(
        rights["Conseiller junior"],
        {
            **CONSEILLER,
            "administration.import_contacts": False,
            "administration.import_accounts": False,
            "configuration.services_access": False,
            "configuration.compliance": False,
            "configuration.commercial_operations": False,
            "configuration.commissions": False,
            "contact.modify_contacts": False,
            "agenda.view_calendars": "own",
            # the screen unticks the linked box when only one's own agenda is visible
            "agenda.modify_calendars": False,
            **queries,
        },
    )


def test_back_office_sees_only_own_agenda_and_no_portfolios(rights: dict[str, RightsMap]) -> None:
    assert_all_but(
        rights["Back-office"],
        {
            **CONSEILLER,
            "agenda.view_calendars": "own",
            "agenda.modify_calendars": False,
            "portfolio.manage_portfolios": False,
            "portfolio.account_alerts": False,
            "portfolio.zero_balance_alerts": "none",
        },
    )


def test_alexis_dubois_manages_eleven_advisors() -> None:
    org = validate_file(EXAMPLE).organisation
    assert org.hierarchy is not None and org.users is not None
    team = org.hierarchy["adubois"]
    assert len(team) == 11
    assert {org.users[str(login)].profile for login in team} == {"Conseiller", "Conseiller junior"}
    assert org.users["adubois"].profile == "Manager"


def test_second_office_extends_the_firm_with_a_second_level(tmp_path: Path) -> None:
    second = EXAMPLE.parent / "second-office.yaml"
    result = validate_file(second, env={"O2S_IMAP_PASSWORD": "imap-secret-value"})
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
    warned = validate_file(third, env={"O2S_IMAP_PASSWORD": "imap-secret-value"}).warnings
    assert [(Path(w.file).name, w.message.split(":")[0]) for w in warned] == [
        ("organisation.yaml", "'Manager' grants sensitive rights")
    ]
