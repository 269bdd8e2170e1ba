"""The field map: for each kind, which file fields Harvest's published API carries, and each field's screen label.

A field the published API carries is written by the engine on a real tenant; every other field
lives only in the O2S screens, and a difference in it becomes a manual step of the runbook.
Labels are the O2S screens' own, in French, as the set-up guide names them; a label the guide
does not give is marked ``assumed`` (docs/real-tenant.md, "The field map"). The published field
names are Harvest's (``schemas/o2s-api-published.openapi.json``).

This module is data: ``kinds.py`` takes each kind's published fields from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldEntry:
    """One file field of a kind: its screen label, and the published field carrying it (None: screen only)."""

    label: str
    published: str | None = None
    assumed: bool = False  # the guide does not name this label: our best reading of the screen
    note: str = ""  # when the API carries it only in part

    @property
    def automated(self) -> bool:
        return self.published is not None


_E = FieldEntry

USER_FIELDS: Mapping[str, FieldEntry] = {
    "title": _E("Titre", "donneesPersonnelles.civilite", note="« Autre » needs its free title: manual"),
    "title_other": _E("Titre (zone à droite de « Autre »)"),
    "advisor_id": _E("Identifiant conseiller"),
    "last_name": _E("Nom", "donneesPersonnelles.nom"),
    "first_name": _E("Prénom", "donneesPersonnelles.prenoms"),
    "sender_name": _E("Nom (email)"),
    "email": _E("Email professionnel", "donneesPersonnelles.moyensContact.emails"),
    "structure": _E("Structure", "agenceIds"),
    "exclude_from_harvest_emails": _E("Exclure cet utilisateur des destinataires des emails envoyés par Harvest"),
    "active": _E("Utilisateur actif", "statut"),
    "advisor": _E("Conseiller"),
    "commission_status": _E("Statut"),
    "profile": _E(
        "Profil de droit d’utilisation", "profilId", note="once the profile exists in the tenant (made by hand)"
    ),
    "custom_profile": _E("Profil de droit d’utilisation : Personnalisé (Personnaliser les droits d’utilisation)"),
    "moneypitch_grant": _E("Droit d’attribution des accès MoneyPitch"),
    "moneypitch_limit": _E("Droit d’attribution des accès MoneyPitch : Accès (limités à…)"),
    "esignature": _E("Accès à la signature électronique"),
    "options": _E("Abonnement : options facturées de l’utilisateur", assumed=True),
}

STRUCTURE_FIELDS: Mapping[str, FieldEntry] = {
    "name": _E("Structure (nom)", "nom", assumed=True),
    "address": _E("Adresse", "adresse", assumed=True),
}

PROFILE_FIELDS: Mapping[str, FieldEntry] = {
    "label": _E("Libellé", note="read through GET /profils; created by hand (Ajouter)"),
    "valid": _E("Profil valide", note="read through GET /profils; changed by hand"),
    "rights": _E("the rights of each tab (the catalogue's labels)"),
}

HIERARCHY_FIELDS: Mapping[str, FieldEntry] = {
    "manager": _E("Hiérarchie : rattacher l’utilisateur à son responsable", "responsableId"),
}

ESTABLISHMENT_FIELDS: Mapping[str, FieldEntry] = {
    "general.name": _E("Raison sociale"),
    "general.email": _E("Email", assumed=True),
    "general.phone": _E("Téléphone", assumed=True),
    "general.fax": _E("Fax", assumed=True),
    "general.website": _E("Site internet", assumed=True),
    "general.address": _E("Adresse", assumed=True),
    "legal.legal_form": _E("Forme juridique", assumed=True),
    "legal.siren": _E("SIREN", assumed=True),
    "legal.rcs": _E("RCS", assumed=True),
    "legal.share_capital": _E("Capital social", assumed=True),
    "legal.vat_number": _E("N° de TVA intracommunautaire", assumed=True),
    "legal.legal_representative": _E("Représentant légal", assumed=True),
    "intermediation.orias": _E("N° ORIAS", assumed=True),
    "intermediation.activities": _E("Activités", assumed=True),
    "intermediation.cif_association": _E("Association CIF", assumed=True),
    "intermediation.rc_pro": _E("Responsabilité civile professionnelle", assumed=True),
    "intermediation.financial_guarantee": _E("Garantie financière", assumed=True),
    "intermediation.mediator": _E("Médiateur", assumed=True),
}

# the establishment's tabs, as the screen names them
ESTABLISHMENT_TABS: Mapping[str, str] = {
    "general": "Informations générales",
    "legal": "Informations juridiques",
    "intermediation": "Informations d’intermédiation",
}

EXTRANET_CODE_FIELDS: Mapping[str, FieldEntry] = {
    "code": _E("Code apporteur"),
    "advisor": _E("Conseiller", assumed=True),
    "authorisation_letter": _E("Lettre d’autorisation", assumed=True),
}

CUSTODIAN_CONTACT_FIELDS: Mapping[str, FieldEntry] = {
    "contact_name": _E("Personnaliser les coordonnées : contact", assumed=True),
    "phone": _E("Personnaliser les coordonnées : téléphone", assumed=True),
    "email": _E("Personnaliser les coordonnées : email", assumed=True),
    "address": _E("Personnaliser les coordonnées : adresse", assumed=True),
}

# kind name -> its fields (a field a kind's table does not name is screen-only, labelled by its path)
FIELD_MAP: Mapping[str, Mapping[str, FieldEntry]] = {
    "establishment": ESTABLISHMENT_FIELDS,
    "structure": STRUCTURE_FIELDS,
    "profile": PROFILE_FIELDS,
    "user": USER_FIELDS,
    "hierarchy": HIERARCHY_FIELDS,
    "extranet_code": EXTRANET_CODE_FIELDS,
    "custodian_contact": CUSTODIAN_CONTACT_FIELDS,
    "service": {},
}


def published_fields(kind: str) -> frozenset[str]:
    """The file fields of ``kind`` the published API carries."""
    return frozenset(name for name, entry in FIELD_MAP.get(kind, {}).items() if entry.automated)


def entry(kind: str, path: str) -> FieldEntry | None:
    """The map's entry for a field path of ``kind``: the path itself, else its nearest named parent."""
    fields = FIELD_MAP.get(kind, {})
    while path:
        if path in fields:
            return fields[path]
        path = path.rpartition(".")[0]
    return None
