"""The access workbook, read back by readers that share no code with its writer.

python-calamine (Rust's calamine) reads the cells; openpyxl in read mode checks the sheet
furniture (frozen header, filter, widths); LibreOffice, when installed, converts every sheet,
which it refuses to do silently for a file it would have to repair.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from o2s_config.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "organisation.yaml"
SHEETS = ["Synthèse", "Profils", "Utilisateurs", "Visibilité", "Qui voit qui"]
CONSEILLERS = {"jdurand", "mmartin", "pbernard", "crobert", "nrichard", "idupont", "tlefebvre"}
JUNIORS_ACTIVE = {"lpetit", "egarnier", "hfaure"}
ELEVEN_ADVISORS = CONSEILLERS | JUNIORS_ACTIVE | {"arousseau"}


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("workbook") / "revue.xlsx"
    result = CliRunner().invoke(
        main, ["access", str(EXAMPLE), "--format", "xlsx", "-o", str(path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return path


def sheet(path: Path, name: str) -> list[dict[str, Any]]:
    """The rows of a sheet as dicts keyed by its header, read by calamine."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()
    header = [str(cell) for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_the_workbook_has_its_five_sheets(workbook: Path) -> None:
    assert CalamineWorkbook.from_path(str(workbook)).sheet_names == SHEETS


def test_profiles_sheet_shows_labels_by_tab_and_ticks(workbook: Path) -> None:
    rows = {row["Clé"]: row for row in sheet(workbook, "Profils")}
    admin = rows["administration.module_access"]
    assert admin["Onglet"] == "Administration" and admin["Droit"] == "Accès au module «\u00a0Administration\u00a0»"
    assert admin["Administrateur"] == "✓"
    assert [admin[p] for p in ("Manager", "Conseiller", "Conseiller junior", "Back-office")] == ["", "", "", ""]
    subscription = rows["administration.subscription_access"]
    assert subscription["Manager"] == "✓" and subscription["Conseiller"] == ""
    # a Services tab ticked by « Appliquer tous les droits » but the module unticked: ticked, no effect
    editions = rows["configuration.services_editions_tab"]
    assert editions["Onglet"] == "Configuration de l’application" and editions["Droit"] == "Editions [assumed]"
    assert editions["Conseiller junior"] == "✓ (sans effet)" and editions["Conseiller"] == "✓"
    assert rows["agenda.view_calendars"]["Manager"] == "Voir mon agenda et ceux des utilisateurs qui me sont rattachés"
    assert rows["agenda.view_calendars"]["Conseiller junior"] == "Voir uniquement mon agenda"
    assert rows["contact.client_access"]["Conseiller"] == "Mes clients et ceux du groupe"
    assert rows["portfolio.manage_portfolios"]["Back-office"] == ""


def test_profiles_sheet_groups_rights_in_the_screen_order_of_tabs(workbook: Path) -> None:
    tabs = [row["Onglet"] for row in sheet(workbook, "Profils")]
    in_order = list(dict.fromkeys(tabs))
    assert in_order == [
        "Administration",
        "Agenda",
        "Configuration de l’application",
        "Contact",
        "Requêtes",
        "Portefeuille",
    ]
    assert tabs == sorted(tabs, key=in_order.index)  # each tab's rights together, never interleaved


def test_users_sheet_has_every_field(workbook: Path) -> None:
    rows = {row["Identifiant de connexion"]: row for row in sheet(workbook, "Utilisateurs")}
    assert len(rows) == 15  # active or not
    lpetit = rows["lpetit"]
    assert lpetit["Prénom"] == "Lucas" and lpetit["Nom"] == "Petit"
    assert lpetit["Email professionnel"] == "lucas.petit@dubois-patrimoine.fr"
    assert lpetit["Structure"] == "paris" and lpetit["Identifiant conseiller"] == "RH-0020"
    assert lpetit["Profil de droit d’utilisation"] == "Conseiller junior" and lpetit["Responsable"] == "adubois"
    assert lpetit["Accès à la signature électronique"] == "Non"
    assert rows["arousseau"]["Utilisateur actif"] == "Non"
    assert rows["jdurand"]["Droit d’attribution des accès MoneyPitch"] == "Limités à…"
    assert rows["jdurand"]["Accès MoneyPitch (limite)"] == 20
    assert rows["crobert"]["Titre"] == "Autre" and rows["crobert"]["Titre (Autre)"] == "Me"
    assert rows["ychevalier"]["Exclure cet utilisateur des destinataires des emails envoyés par Harvest"] == "Oui"


def test_user_column_labels_are_the_screens_where_the_guide_names_them() -> None:
    from ruamel.yaml import YAML

    from o2s_config.render.workbook import USER_FIELDS

    facts = Path(__file__).parent / "data" / "guide" / "guide-facts.yaml"
    named = set(YAML(typ="safe", pure=True).load(facts.read_text(encoding="utf-8"))["user_fields"])
    for label in USER_FIELDS.values():
        assert "'" not in label, label  # the screen writes ’
    # every field of the screen the table shows carries the guide's label (the login is the row's key)
    assert named - set(USER_FIELDS.values()) == {"Identifiant de connexion"}


def test_visibility_sheet_gives_scopes_counts_and_lists(workbook: Path) -> None:
    rows = {row["Identifiant"]: row for row in sheet(workbook, "Visibilité")}
    adubois = rows["adubois"]
    assert adubois["Voir les agendas…"] == "Voir mon agenda et ceux des utilisateurs qui me sont rattachés"
    assert adubois["Agendas visibles (nb)"] == 12
    assert set(adubois["Clients visibles"].split(", ")) == ELEVEN_ADVISORS | {"adubois"}
    lpetit = rows["lpetit"]
    assert lpetit["Agendas visibles"] == "lpetit" and lpetit["Agendas visibles (nb)"] == 1
    assert "arousseau" not in rows  # on leave: sees nothing


def test_who_sees_whom_sheet_filters_to_the_manager_and_the_group(workbook: Path) -> None:
    rows = [row for row in sheet(workbook, "Qui voit qui") if row["Voit"] == "jdurand"]
    agenda = {row["Utilisateur"] for row in rows if row["Agenda"] == "✓"}
    clients = {row["Utilisateur"] for row in rows if row["Clients"] == "✓"}
    assert agenda == {"adubois"} | (CONSEILLERS - {"jdurand"})
    assert clients == {"adubois"} | (CONSEILLERS - {"jdurand"}) | JUNIORS_ACTIVE


def test_summary_names_source_administrators_and_profiles(workbook: Path) -> None:
    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_name("Synthèse").to_python()
    values = {row[0]: row[1] for row in rows if row and row[0]}
    assert values["Utilisateurs actifs"] == 14
    assert values["Administrateurs (« Accès au module «\u00a0Administration\u00a0» »)"] == "vgirard"
    assert values["Violations de politiques"] == 0
    junior = next(row for row in rows if row[0] == "Conseiller junior")
    assert junior[1:4] == [3, "Voir uniquement mon agenda", "Mes clients et ceux du groupe"]


def test_every_sheet_has_a_frozen_header_a_filter_and_fitted_widths(workbook: Path) -> None:
    book = load_workbook(workbook, read_only=False)
    for name in SHEETS:
        ws = book[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws["A1"].font.b, name
    profiles = book["Profils"]
    widths = {col: profiles.column_dimensions[col].width for col in "ABC"}
    longest_label = max(len(str(c.value)) for c in profiles["B"] if c.value)
    assert widths["B"] >= min(longest_label, 60)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_every_sheet(workbook: Path, tmp_path: Path) -> None:
    profile = tmp_path / "lo-profile"
    command = [
        "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        "--outdir",
        str(tmp_path),
        str(workbook),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    produced = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert produced == sorted(f"revue-{name}.csv" for name in SHEETS)
    profiles = (tmp_path / "revue-Profils.csv").read_text(encoding="utf-8")
    assert "Accès au module «\u00a0Administration\u00a0»" in profiles
