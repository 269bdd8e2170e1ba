"""Plan checks and the three renderers: warnings, safety, escaping, colour, the JSON contract."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import orjson
import pytest

from o2s_config.canonical import plain
from o2s_config.catalog import load_catalog
from o2s_config.changes import Change, FieldChange
from o2s_config.plan import Plan, build_plan, fingerprint
from o2s_config.render.json import render_json
from o2s_config.render.markdown import FOLD_AFTER, escape, render_markdown
from o2s_config.render.text import render_text
from tests.engine.factories import CONSEILLER, org, user, users

CATALOG = load_catalog()
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "plan.schema.json").read_text())
ADMIN_USER = {"admin": user(login="admin", profile="Administrateur")}
BASE = {"structures": {"paris": {"name": "Paris"}}, "profiles": {"Conseiller": CONSEILLER}}


def a_plan(desired: dict, current: dict, identity: str | None = "admin", secrets: tuple[str, ...] = ()) -> Plan:
    return build_plan(org(**desired), org(**current), CATALOG, "sandbox:t.db", identity=identity, secrets=secrets)


def test_warnings_name_emails_sensitive_rights_and_billed_options() -> None:
    profiles = {"Conseiller": CONSEILLER, "Chef": {"from": "all"}}
    desired = {**BASE, "profiles": profiles, "users": {**ADMIN_USER, "a": user(login="a", esignature=True)}}
    plan = a_plan(desired, {**BASE, "users": ADMIN_USER})
    assert "user a: an activation e-mail will be sent to a@exemple.fr" in plan.warnings
    # one warning per billed option, in validate's words (it was one per user switched on before)
    assert (
        "billed option « utiliser la signature électronique » (esignature) covers 2 active user(s) of this file "
        "once applied: admin, a (on by default: write 'esignature: false' where it is not wanted)"
    ) in plan.warnings
    assert any(
        w.startswith("profile Chef: sensitive rights granted: « Accès au module « Administration » »")
        for w in plan.warnings
    )


def test_a_plan_warns_only_about_the_sensitive_rights_and_billed_options_the_file_does_not_declare() -> None:
    chef = {"from": "all", "rights": {"administration": {"module_access": False}}}
    profiles = {"Conseiller": CONSEILLER, "Chef": chef}
    desired = {**BASE, "profiles": profiles, "users": {**ADMIN_USER, "a": user(login="a", esignature=True)}}
    current = {**BASE, "users": {**ADMIN_USER, "a": user(login="a", esignature=False)}}
    declared = {"sensitive_rights": {"Chef": ["configuration.services_access", "configuration.editions_for_others"]}}
    plan = a_plan({**desired, "policies": {**declared, "billed_options": ["esignature"]}}, current)
    # the Chef keeps one sensitive right the file does not declare: only that one is named
    assert [w for w in plan.warnings if "sensitive" in w or "billed" in w] == [
        "profile Chef: sensitive rights granted: « Accès à l’espace Abonnement »"
    ]
    plan = a_plan({**desired, "policies": declared}, current)  # e-signature no longer declared: warned again
    assert [w for w in plan.warnings if "billed" in w] == [
        "billed option « utiliser la signature électronique » (esignature) covers 2 active user(s) of this file "
        "once applied: admin, a (on by default: write 'esignature: false' where it is not wanted)"
    ]


def test_threshold_counts_deactivations_against_active_users() -> None:
    team = users(*"abcdefghi")  # with admin: 10 active users, the default minimum the threshold applies from
    current = {**BASE, "users": {**ADMIN_USER, **team, "old": user(login="old", active=False)}}
    keep = {login: team[login] for login in "abcdefg"}
    plan = a_plan({**BASE, "users": {**ADMIN_USER, **keep}, "prune": {"users": True}}, current)
    assert plan.threshold_violations == []  # 2 of 10 active users is 20 %, not more
    plan = a_plan({**BASE, "users": {**ADMIN_USER, **users("a", "b")}, "prune": {"users": True}}, current)
    assert plan.threshold_violations and plan.refusals(force=True) == []


def test_the_last_active_admin_cannot_be_removed_whoever_applies() -> None:
    current = {**BASE, "users": {**ADMIN_USER, **users("a")}}
    desired = {**BASE, "users": {"admin": user(login="admin", profile="Administrateur", active=False), **users("a")}}
    plan = a_plan(desired, current, identity=None)
    assert plan.lockout_violations == [
        "this plan leaves no active user with the Administration module (lockout protection)"
    ]
    assert plan.refusals(force=True) == plan.lockout_violations


def test_fingerprint_follows_the_tenant_state() -> None:
    desired = {**BASE, "users": ADMIN_USER}
    same = a_plan(desired, {**BASE, "users": ADMIN_USER}).fingerprint
    assert same == a_plan(desired, {**BASE, "users": ADMIN_USER}).fingerprint
    assert same != a_plan(desired, {**BASE, "users": {**ADMIN_USER, **users("z")}}).fingerprint


def test_fingerprint_is_hashed_when_first_asked_and_kept_through_the_plans_copies() -> None:
    current = org(**{**BASE, "users": {**ADMIN_USER, **users("a")}})
    plan = build_plan(org(**{**BASE, "users": ADMIN_USER}), current, CATALOG, "sandbox:t.db")
    assert "fingerprint" not in vars(plan)  # a plan shown as text never pays for the hash
    assert render_text(plan, CATALOG) and "fingerprint" not in vars(plan)
    shown = replace(plan, warnings=[*plan.warnings, "a note"], source={"file": "organisation.yaml"})
    assert json.loads(render_json(shown))["fingerprint"] == plan.fingerprint == fingerprint(current)


def test_fingerprint_is_the_hash_of_the_whole_state_though_fed_in_pieces() -> None:
    current = org(**{**BASE, "users": {**ADMIN_USER, **users("é", "b")}, "hierarchy": {"b": ["é"]}})
    whole = orjson.dumps(plain(current), option=orjson.OPT_SORT_KEYS)
    assert json.loads(whole)["users"]["é"]["email"]  # the document holds the users, unescaped
    assert fingerprint(current) == "sha256:" + hashlib.sha256(whole).hexdigest()


def plan_with(*changes: Change) -> Plan:
    return Plan(target="sandbox:t.db", changes=list(changes))


def test_secrets_are_masked_in_every_format() -> None:
    secret = FieldChange("email_server.smtp.password", "old-pw", "new-pw", sensitive=True)
    plan = plan_with(Change("update", "service", "email_server", (secret,), payload={"x": "new-pw"}))
    for text in (render_text(plan, CATALOG), render_markdown(plan, CATALOG), render_json(plan)):
        assert "(sensitive)" in text and "new-pw" not in text and "old-pw" not in text


def test_json_output_follows_the_schema() -> None:
    desired = {**BASE, "users": {**ADMIN_USER, **users("a", "b")}, "hierarchy": {"a": ["b"]}}
    document = json.loads(render_json(a_plan(desired, {})))
    jsonschema.validate(document, SCHEMA)
    assert document["summary"]["create"] == len(document["changes"])


def test_text_shows_french_labels_next_to_ids() -> None:
    group = {"administration": {"module_access": False}, "agenda": {"view_calendars": "group"}}
    current = {"profiles": {"Conseiller": {"from": "all", "rights": group}}}
    rights = {"administration": {"module_access": False}, "agenda": {"view_calendars": "own"}}
    text = render_text(a_plan({"profiles": {"Conseiller": {"from": "all", "rights": rights}}}, current), CATALOG)
    expected = (
        'rights.agenda.view_calendars « Voir les agendas… »: "group" '
        '(Voir mon agenda et ceux des utilisateurs de mon groupe) -> "own" (Voir uniquement mon agenda)'
    )
    assert expected in text


def test_labels_the_guide_does_not_name_are_marked_assumed_in_every_format() -> None:
    current = {"profiles": {"Conseiller": {"from": "none"}}}
    rights = {"contact": {"prospect_access": "group", "client_access": "own"}, "portfolio": {"manage_portfolios": True}}
    plan = a_plan({"profiles": {"Conseiller": {"from": "none", "rights": rights}}}, current)
    text, markdown = render_text(plan, CATALOG), render_markdown(plan, CATALOG)
    for shown in (text, markdown.replace("\\", "")):
        # a right the guide does not name, and a choice it does not name
        assert "rights.contact.prospect_access « Accès aux prospects » [assumed]" in shown
        assert "(Mes prospects et ceux du groupe [assumed])" in shown
        # a right the guide names carries no mark
        assert "rights.portfolio.manage_portfolios « Gestion des portefeuilles et comptes » [assumed]" not in shown
        assert "rights.portfolio.manage_portfolios « Gestion des portefeuilles et comptes »" in shown
    fields = {f["path"]: f for f in json.loads(render_json(plan))["changes"][0]["fields"]}
    assert fields["rights.contact.prospect_access"]["assumed"] is True
    assert "assumed" not in fields["rights.portfolio.manage_portfolios"]


def test_colour_only_when_asked() -> None:
    plan = a_plan({**BASE}, {})
    assert "\x1b[" in render_text(plan, CATALOG, color=True)
    assert "\x1b[" not in render_text(plan, CATALOG, color=False)


@pytest.mark.parametrize("raw", ["a|b", "`code`", "<script>", "x\ny", "*bold*"])
def test_markdown_escapes_values(raw: str) -> None:
    escaped = escape(raw)
    assert "|" not in escaped.replace("\\|", "") and "<script>" not in escaped and "\n" not in escaped
    assert "`" not in escaped.replace("\\`", "") and "*" not in escaped.replace("\\*", "")


def test_markdown_table_survives_a_pipe_in_a_name() -> None:
    plan = plan_with(Change("create", "structure", "a|b", (FieldChange("name", None, "Agence | Nord"),)))
    rows = [line for line in render_markdown(plan, CATALOG).splitlines() if "Agence" in line]
    assert len(rows) == 1 and rows[0].count(" | ") == 4  # five cells, none split by the value's pipe


def test_long_markdown_plans_are_folded() -> None:
    many = [Change("create", "structure", f"s{i}", (FieldChange("name", None, "S"),)) for i in range(FOLD_AFTER + 1)]
    assert "<details>" in render_markdown(plan_with(*many), CATALOG)
    assert "<details>" not in render_markdown(plan_with(*many[:FOLD_AFTER]), CATALOG)


def test_changes_the_target_cannot_write_are_manual_steps() -> None:
    desired = {**BASE, "users": {**ADMIN_USER, **users("a")}}
    plan = build_plan(org(**desired), org(), CATALOG, "t", identity="admin", writable={"structure", "user"})
    manual = {c.resource for c in plan.changes if c.manual}
    assert manual == {"profile"} and plan.summary["manual"] == 1
    assert "manual: Administration > Gestion des droits" in render_text(plan, CATALOG)


def test_deleting_what_unmoved_users_still_hold_is_announced() -> None:
    both = {"paris": {"name": "Paris"}, "lyon": {"name": "Lyon"}}
    current = {
        "structures": both,
        "profiles": BASE["profiles"],
        "users": {**ADMIN_USER, **users("a", "b", structure="lyon")},
    }
    desired = {**BASE, "users": {**ADMIN_USER, **users("a")}, "prune": {"structures": True}}
    plan = a_plan(desired, current)
    assert (
        "structure lyon is still given to b (users this file does not move): the tenant will refuse to delete it"
        in plan.warnings
    )


def test_a_manual_services_step_names_its_own_page_and_structures_go_to_the_support() -> None:
    desired = {
        "structures": {"nantes": {"name": "Nantes"}},
        "services": {"word_templates": {"Lettre": {"file": "lettre.docx"}}, "contact_categories": ["Client"]},
    }
    plan = build_plan(org(**desired), org(), CATALOG, "sandbox:t.db", writable=())
    text, markdown = render_text(plan, CATALOG), render_markdown(plan, CATALOG)
    paths = {c["key"]: c["manual_path"] for c in json.loads(render_json(plan))["changes"]}
    assert paths["word_templates"] == "Services > Personnalisation > Modèles Word"
    assert paths["contact_categories"] == "Services > Modules > Contacts > Catégories de contacts"
    assert paths["nantes"].startswith("the O2S support")
    assert "[manual: Services > Personnalisation > Modèles Word]" in text
    assert "manual: Services &gt; Personnalisation &gt; Modèles Word" in markdown


def test_an_activation_email_is_announced_only_for_a_login_given() -> None:
    current = {**BASE, "users": {**ADMIN_USER, "old": user(login="old", has_login=False, active=False)}}
    desired = {
        **BASE,
        "sign_in": "sso",
        "users": {**ADMIN_USER, "old": user(login="old", active=False), "sso": user(login="sso", has_login=False)},
    }
    plan = a_plan(desired, current)
    assert [w for w in plan.warnings if "activation" in w] == []  # "old" keeps no login: nothing changes
    desired["users"]["old"] = user(login="old", has_login=True, active=False)
    plan = a_plan(desired, current)
    assert [w for w in plan.warnings if "activation" in w] == [
        "user old: an activation e-mail will be sent to old@exemple.fr"
    ]
