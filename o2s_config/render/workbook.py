"""The access review as an Excel workbook, in French, for auditors and O2S administrators.

Sheets: « Synthèse » (what was reviewed, administrators, broken policies, one line per profile),
« Profils » (rights × profiles, tab by tab with the screen's labels), « Utilisateurs » (every
field of every user), « Visibilité » (per active user, whose agendas and clients he sees) and,
when the firm is small enough for a sheet, « Qui voit qui » (one row per viewer and user seen,
to filter on either). Frozen headers, filters and fitted widths on each data sheet.

Written in openpyxl's write-only mode: rows stream to the file, which keeps 10,000 users fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from o2s_config.access import AGENDA, CLIENTS, CUSTOM_PROFILE, AccessMap, Reach, UserAccess
from o2s_config.catalog import ADMIN_RIGHT, Catalog, RightsMap
from o2s_config.model import User
from o2s_config.model.users import MONEYPITCH_GRANT_LABELS
from o2s_config.render.access import full_name, name_of, scope_label
from o2s_config.resolve import effective_rights, without_effect

TICK = "✓"
TICK_WITHOUT_EFFECT = "✓ (sans effet)"
YES, NO = "Oui", "Non"
CELL_LIMIT = 32_767  # Excel's most characters in one cell
MAX_WIDTH = 60
PAIRS_SHEET_LIMIT = 50_000  # rows of « Qui voit qui »; above, the per-user lists and the JSON say it all

# The O2S user screen's labels, byte for byte (the guide's typography); a field this table does not
# name is shown under its own name.
USER_FIELDS = {
    "title": "Titre",
    "title_other": "Titre (Autre)",
    "advisor_id": "Identifiant conseiller",
    "last_name": "Nom",
    "first_name": "Prénom",
    "sender_name": "Nom (email)",
    "email": "Email professionnel",
    "structure": "Structure",
    "exclude_from_harvest_emails": "Exclure cet utilisateur des destinataires des emails envoyés par Harvest",
    "active": "Utilisateur actif",
    "advisor": "Conseiller",
    "commission_status": "Statut",
    "profile": "Profil de droit d’utilisation",
    "custom_profile": "Profil personnalisé",
    "moneypitch_grant": "Droit d’attribution des accès MoneyPitch",
    "moneypitch_limit": "Accès MoneyPitch (limite)",
    "esignature": "Accès à la signature électronique",
    "options": "Options facturées",
    "renamed_from": "Ancien identifiant",
}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_workbook(
    access: AccessMap, catalog: Catalog, source: dict[str, str], violations: list[str] | None, path: Path
) -> None:
    """Write the whole review to ``path`` (.xlsx)."""
    book = Workbook(write_only=True)
    _sheet(book, "Synthèse", *summary_rows(access, catalog, source, violations))
    _sheet(book, "Profils", *profile_rows(access, catalog))
    _sheet(book, "Utilisateurs", *user_rows(access))
    _sheet(book, "Visibilité", *visibility_rows(access, catalog))
    pairs = pair_count(access)
    if pairs <= PAIRS_SHEET_LIMIT:
        _sheet(book, "Qui voit qui", *pair_rows(access))
    book.save(path)


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: list[list[Any]]) -> None:
    """One data sheet: a bold frozen header, a filter over every column, widths fitted to the content."""
    # the stubs miss the attributes write-only sheets borrow from ordinary ones (widths, filter)
    sheet: Any = book.create_sheet(title)
    for index, width in enumerate(_widths(header, rows), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    sheet.append([_header_cell(sheet, text) for text in header])
    for row in rows:
        sheet.append(row)


def _header_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.alignment = Alignment(vertical="top")
    return cell


def _widths(header: Sequence[str], rows: list[list[Any]]) -> list[float]:
    """Each column as wide as its longest value (header and filter button included), within bounds."""
    widths = [len(text) + 4 for text in header]
    for index, column in enumerate(zip_longest(*rows)):
        longest = max((len(v) if type(v) is str else len(str(v)) for v in column if v is not None), default=0)
        widths[index] = max(widths[index], longest)
    return [min(max(width, 8), MAX_WIDTH) + 1 for width in widths]


# --- sheets -----------------------------------------------------------------------------------


def summary_rows(
    access: AccessMap, catalog: Catalog, source: dict[str, str], violations: list[str] | None
) -> tuple[list[str], list[list[Any]]]:
    """What was reviewed and the headline figures, then one line per profile."""
    kind = "fichier (état voulu)" if source["kind"] == "file" else "tenant (état actuel)"
    admin = catalog.by_key(ADMIN_RIGHT)
    rows: list[list[Any]] = [
        ["Source", f"{source['name']} : {kind}"],
        ["Utilisateurs actifs", len(access.users)],
        ["Utilisateurs (actifs et inactifs)", len(access.everyone)],
        [
            f"Administrateurs (« {admin.marked_label if admin else 'Administration'} »)",
            _joined(access.administrators()),
        ],
        ["Violations de politiques", "aucune politique donnée" if violations is None else len(violations)],
    ]
    rows += [["Violation", text] for text in violations or []]
    rows += [["Note", note] for note in access.notes]
    rows.append(["Lecture", "cellule vide : non renseigné dans la source ; ✓ (sans effet) : coché mais sans effet"])
    rows.append([])
    rows.append(
        ["Profil", "Utilisateurs actifs", "Voir les agendas…", "Accès aux clients", "Droits sensibles en effet"]
    )
    for label in access.profiles:
        users = [a for a in access.users.values() if a.profile == label]
        rows.append(
            [
                label,
                len(users),
                scope_label(catalog, AGENDA, _scope_of(access.profiles[label], AGENDA)),
                scope_label(catalog, CLIENTS, _scope_of(access.profiles[label], CLIENTS)),
                _sensitive(catalog, access.profiles[label]),
            ]
        )
    return ["Élément", "Valeur", "", "", ""], rows


def _joined(users: Iterable[UserAccess]) -> str:
    return ", ".join(user.login for user in users)


def _scope_of(rights: RightsMap, dotted: str) -> str | None:
    tab, _, right_id = dotted.partition(".")
    value = rights.get(tab, {}).get(right_id)
    return value if isinstance(value, str) else None


def _sensitive(catalog: Catalog, rights: RightsMap) -> str:
    """The sensitive rights that take effect in a profile, by label."""
    effective = effective_rights(rights, catalog)
    return ", ".join(r.marked_label for r in catalog.all_rights() if r.sensitive and r.grants(effective))


def profile_rows(access: AccessMap, catalog: Catalog) -> tuple[list[str], list[list[Any]]]:
    """One row per right, tab by tab as the screen groups them; one column per profile."""
    columns: list[tuple[str, RightsMap]] = list(access.profiles.items())
    columns += [
        (f"{CUSTOM_PROFILE} ({user.login})", user.granted)
        for user in access.users.values()
        if user.profile == CUSTOM_PROFILE and user.granted is not None
    ]
    inert = [{r.key for r in without_effect(rights, catalog)} for _, rights in columns]
    rows: list[list[Any]] = []
    for tab in catalog.tabs.values():
        for right in tab.rights.values():
            row: list[Any] = [tab.label, right.marked_label, right.key]
            for (_, rights), dead in zip(columns, inert, strict=True):
                value = rights.get(tab.id, {}).get(right.id, right.none_value)
                if right.kind == "scope":
                    row.append(right.marked_value_label(value))
                elif value:
                    row.append(TICK_WITHOUT_EFFECT if right.key in dead else TICK)
                else:
                    row.append(None)
            rows.append(row)
    return ["Onglet", "Droit", "Clé", *(label for label, _ in columns)], rows


def user_rows(access: AccessMap) -> tuple[list[str], list[list[Any]]]:
    """Every user, active or not, with every field of the model and his manager."""
    fields = list(User.model_fields)
    header = ["Identifiant de connexion", *(USER_FIELDS.get(name, name) for name in fields), "Responsable"]
    manager = access.tree.manager
    rows: list[list[Any]] = []
    for login, user in access.everyone.items():
        values = user.__dict__  # the model's fields as stored: no copy per user
        row: list[Any] = [login]
        for name in fields:
            value = values.get(name)
            plain = value is None or (type(value) is str and name != "moneypitch_grant")
            row.append(value if plain else _user_value(name, value))
        row.append(manager.get(login))
        rows.append(row)
    return header, rows


def _count(reach: Reach | None) -> int | None:
    return len(reach) if reach is not None else None


def _user_value(name: str, value: Any) -> Any:
    """A field as a cell: Oui/Non, French choices, one-off profiles and options as short text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return YES if value else NO
    if name == "moneypitch_grant":
        return MONEYPITCH_GRANT_LABELS.get(value, value)
    if name == "custom_profile":
        return f"{CUSTOM_PROFILE} (à partir de {value.from_})"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if hasattr(value, "model_dump"):
        parts = value.model_dump(exclude_none=True)
        return ", ".join(f"{key}: {_user_value(key, item)}" for key, item in parts.items())
    return value if isinstance(value, int | float) else str(value)


def visibility_rows(access: AccessMap, catalog: Catalog) -> tuple[list[str], list[list[Any]]]:
    """Per active user: each scope in the screen's words, how many users it opens, and which."""
    header = [
        "Identifiant",
        "Nom",
        "Profil",
        "Voir les agendas…",
        "Agendas visibles (nb)",
        "Agendas visibles",
        "Accès aux clients",
        "Clients visibles (nb)",
        "Clients visibles",
    ]
    rows: list[list[Any]] = []
    for user in access.users.values():
        rows.append(
            [
                user.login,
                full_name(user.user),
                user.profile,
                scope_label(catalog, AGENDA, user.agenda_scope),
                _count(user.agendas),
                _listed(user.agendas),
                scope_label(catalog, CLIENTS, user.client_scope),
                _count(user.clients),
                _listed(user.clients),
            ]
        )
    return header, rows


def _listed(reach: Reach | None) -> str | None:
    """The logins of a set, cut (and saying so) at Excel's limit of characters per cell."""
    if reach is None:
        return None
    text = ", ".join(reach)
    if len(text) <= CELL_LIMIT:
        return text
    cut = text[: CELL_LIMIT - 40].rsplit(", ", 1)[0]
    shown = cut.count(", ") + 1
    return f"{cut} … (+{len(reach) - shown} : liste complète en JSON)"


def pair_count(access: AccessMap) -> int:
    """Rows « Qui voit qui » would have: each viewer and each other user he sees."""
    total = 0
    for user in access.users.values():
        agendas = user.agendas.logins() if user.agendas is not None else frozenset()
        clients = user.clients.logins() if user.clients is not None else frozenset()
        total += len(agendas | clients) - (1 if user.login in agendas or user.login in clients else 0)
        if total > PAIRS_SHEET_LIMIT:
            break
    return total


def pair_rows(access: AccessMap) -> tuple[list[str], list[list[Any]]]:
    """One row per viewer and other user seen, with a tick for his agenda and one for his clients."""
    header = ["Utilisateur", "Nom", "Voit", "Nom (vu)", "Agenda", "Clients"]
    rows: list[list[Any]] = []
    position = access.tree.position
    for user in access.users.values():
        agendas = user.agendas.logins() if user.agendas is not None else frozenset()
        clients = user.clients.logins() if user.clients is not None else frozenset()
        name = full_name(user.user)
        for seen in sorted((agendas | clients) - {user.login}, key=position.__getitem__):
            rows.append(
                [
                    user.login,
                    name,
                    seen,
                    name_of(access, seen),
                    TICK if seen in agendas else None,
                    TICK if seen in clients else None,
                ]
            )
    return header, rows
