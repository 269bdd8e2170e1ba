"""Manual steps: one per screen-only field the file sets, in the screens' words; the field map behind them."""

from __future__ import annotations

from pathlib import Path

from o2s_config.catalog import load_catalog
from o2s_config.field_map import FIELD_MAP, USER_FIELDS
from o2s_config.kinds import REGISTER, USER
from o2s_config.manual_steps import manual_steps, published_part, screen_only
from o2s_config.model import Organisation
from o2s_config.validate import validate_file

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "organisation.yaml"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "real-tenant.md"


def example() -> Organisation:
    return validate_file(EXAMPLE).organisation


def test_the_register_takes_its_published_fields_from_the_field_map() -> None:
    for kind in REGISTER:
        named = {name for name, entry in FIELD_MAP[kind.name].items() if entry.automated}
        assert kind.published_fields == named, kind.name
    assert USER.published_fields == {"title", "first_name", "last_name", "email", "structure", "profile", "active"}


def test_the_docs_table_shows_every_field_of_the_map_with_its_label_and_whether_it_is_automated() -> None:
    rows = DOCS.read_text(encoding="utf-8").splitlines()
    assert "title" in USER_FIELDS
    for kind, fields in FIELD_MAP.items():
        for name, entry in fields.items():
            row = next((line for line in rows if line.startswith(f"| {kind} | `{name}` |")), None)
            assert row is not None, (kind, name)
            assert entry.label in row and ("automated" if entry.automated else "manual step") in row


def test_the_juniors_agenda_step_names_the_screen_the_label_and_the_choice() -> None:
    steps = {s.id: s for s in manual_steps(example(), {"Administrateur": True}, load_catalog())}
    step = steps["profile:Conseiller junior:rights.agenda.view_calendars"]
    assert step.screen == "Administration > Gestion des droits > « Conseiller junior » > onglet Agenda"
    assert step.line() == "Voir les agendas… : choisir « Voir uniquement mon agenda »"


def test_the_moneypitch_grant_step_gives_the_screens_wording_of_the_choice() -> None:
    steps = {s.id: s for s in manual_steps(example(), {}, load_catalog())}
    step = steps["user:jdurand:moneypitch_grant"]
    assert (step.value, step.line()) == ("limited", "Droit d’attribution des accès MoneyPitch : choisir « Limités à… »")


def test_a_services_step_names_the_guides_page_of_its_setting() -> None:
    screens = {s.id: s.screen for s in manual_steps(example(), {}, load_catalog()) if s.kind == "service"}
    assert screens["service:contact_categories:contact_categories"] == (
        "Services > Modules > Contacts > Catégories de contacts"
    )
    assert screens["service:agenda:agenda.options.first_hour"] == "Services > Modules > Agenda > Options"
    # the agenda's event types are set on a page of their own
    assert screens["service:agenda:agenda.event_types.Bilan patrimonial.color"] == (
        "Services > Personnalisation > Paramétrage > Agenda > Type…"
    )
    assert screens["service:alerts:alerts.new_clients.enabled"] == "Services > Modules > Accueil et pilotage > Alertes"
    assert screens["service:word_templates:word_templates.Lettre de mission.file"] == (
        "Services > Personnalisation > Modèles Word"
    )
    # the guide names no page for the « Statut » list: the module, then the file's section
    assert screens["service:advisor_statuses:advisor_statuses.Conseiller niveau 1.commission_rate"] == (
        "Services > Modules > advisor_statuses"
    )
    rough = {step_id.split(":")[1] for step_id, screen in screens.items() if screen.endswith(step_id.split(":")[1])}
    assert rough == {"advisor_statuses"}  # every other section the example sets is on a page the guide names


def test_changing_one_right_changes_exactly_one_step_and_the_box_the_screen_unticks_is_implied() -> None:
    catalog = load_catalog()
    first = manual_steps(example(), {}, catalog)
    before = {s.id: s.fingerprint for s in first}
    implied = {s.id for s in first if s.implied}
    assert "profile:Conseiller junior:rights.agenda.modify_calendars" in implied  # unticked by « uniquement »
    assert "profile:Manager:rights.contact.modify_contacts" in implied  # given by « Appliquer tous les droits »
    # the junior's « uniquement mon agenda » is where « Appliquer tous les droits » leaves it (assumed)
    assert "profile:Conseiller junior:rights.agenda.view_calendars" in implied
    assert "profile:Manager:rights.agenda.view_calendars" not in implied
    organisation = example()
    assert organisation.profiles is not None
    manager = organisation.profiles["Manager"]
    rights = {**manager.rights, "agenda": {**manager.rights["agenda"], "view_calendars": "group"}}
    profiles = {**organisation.profiles, "Manager": manager.model_copy(update={"rights": rights})}
    after = {
        s.id: s.fingerprint for s in manual_steps(organisation.model_copy(update={"profiles": profiles}), {}, catalog)
    }
    changed = {i for i in before.keys() | after.keys() if before.get(i) != after.get(i)}
    assert changed == {"profile:Manager:rights.agenda.view_calendars"}


def test_a_profile_the_tenant_lacks_makes_the_users_profile_a_step_and_one_it_has_an_api_field() -> None:
    organisation = example()
    assert organisation.users is not None
    adubois = organisation.users["adubois"]
    assert "profile" in screen_only(adubois, {"Administrateur": True})
    assert "profile" not in screen_only(adubois, {"Manager": True})
    crobert = organisation.users["crobert"]
    assert {"title", "title_other"} <= set(screen_only(crobert, {}))  # « Autre » needs the screen's free title
    reduced = published_part(organisation, {"Manager": True})
    assert reduced.profiles is None and reduced.establishment is None and reduced.services is None
    assert reduced.users is not None and reduced.users["adubois"].advisor_id is None
    assert reduced.users["adubois"].profile == "Manager"


def test_a_secret_is_never_in_a_step_and_its_fingerprint_is_not_a_plain_hash() -> None:
    organisation = example()
    steps = manual_steps(organisation, {}, load_catalog(), secrets=["Dubois Patrimoine"])
    hidden = [s for s in steps if s.sensitive]
    assert hidden and all("Dubois Patrimoine" not in s.action for s in hidden)
    assert all(s.fingerprint.startswith("pbkdf2-sha256:") for s in hidden)
