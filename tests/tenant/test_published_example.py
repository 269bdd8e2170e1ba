"""The seed's example against a fresh published-only tenant, embedded and served on 127.0.0.1.

API creates and manual steps in the first plan; apply does the API part; the runbook lists the
rest; ack records it; the next plan has nothing left; one right changed brings back one step.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.tenant.conftest import PublishedTenant

JUNIOR_AGENDA = "profile:Conseiller junior:rights.agenda.view_calendars"
MANAGER_AGENDA = "profile:Manager:rights.agenda.view_calendars"


def test_example_plan_apply_runbook_ack_converges(published: PublishedTenant, example: Path) -> None:
    first = published.plan_json(example)
    created = [c["id"] for c in first["changes"] if c["action"] == "create"]
    assert len([i for i in created if i.startswith("user:")]) == 15
    assert {"structure:paris", "structure:lyon", "hierarchy:jdurand"} <= set(created)
    steps = {s["id"]: s for s in first["manual_steps"]}
    assert first["summary"]["manual"] == len(steps) > 0
    assert steps[MANAGER_AGENDA]["screen"] == "Administration > Gestion des droits > « Manager » > onglet Agenda"
    assert (
        steps[MANAGER_AGENDA]["action"] == "choisir « Voir mon agenda et ceux des utilisateurs qui me sont rattachés »"
    )
    assert JUNIOR_AGENDA not in steps  # « Appliquer tous les droits » leaves it at « uniquement » (assumed)
    assert "user:adubois:advisor_id" in steps and "establishment:establishment:general.name" in steps
    assert published.cli("plan", str(example), "--detailed-exitcode").exit_code == 2

    applied = published.cli("apply", str(example), "--auto-approve")
    assert applied.exit_code == 0, applied.output + applied.stderr
    users = {u["ext"]["login"]: u for u in published.full_users()}
    linked = {
        ref["identifiant"] for u in users.values() for ref in u["refExternes"] if ref["referentiel"] == "o2s-config"
    }
    assert len(users) == 16 and len(linked) == 15  # the tenant's own admin, and the example's 15, each linked
    adubois = users[next(login for login, u in users.items() if u["ext"]["email"].startswith("alexis.dubois"))]
    attached = [u for u in users.values() if u["ext"]["manager"] == adubois["ext"]["login"]]
    assert len(attached) == 11
    assert adubois["ext"]["advisor_id"] is None  # a screen-only field: a manual step, never written

    after = published.plan_json(example)
    assert after["changes"] == [] and {s["id"] for s in after["manual_steps"]} == set(steps)

    runbook = published.cli("runbook", str(example))
    assert runbook.exit_code == 0, runbook.stderr
    assert len(re.findall(r"^  \[ \] ", runbook.stdout, flags=re.MULTILINE)) == len(steps)
    assert (
        "Voir les agendas… : choisir « Voir mon agenda et ceux des utilisateurs qui me sont rattachés »"
        in runbook.stdout
    )
    markdown = published.cli("runbook", str(example), "--format", "markdown").stdout
    assert markdown.count("- [ ] ") == len(steps)
    page = example.parent / "runbook.html"
    assert published.cli("runbook", str(example), "--format", "html", "-o", str(page)).exit_code == 0
    assert page.read_text(encoding="utf-8").count('type="checkbox"') == len(steps)
    assert any("organisation.ack.yaml does not exist" in w for w in after["warnings"])

    acked = published.cli("ack", str(example), "--yes")
    assert acked.exit_code == 0, acked.stderr
    assert (example.parent / "organisation.ack.yaml").exists()
    done = published.cli("plan", str(example), "--detailed-exitcode")
    assert done.exit_code == 0, done.stdout
    assert f"{len(steps)} manual step(s) acknowledged" in done.stdout
    shown = published.cli("plan", str(example), "--show-acknowledged")
    assert JUNIOR_AGENDA in shown.stdout

    # the managers see their group's agendas: what « Appliquer tous les droits » gives, yet a step to do
    text = example.read_text(encoding="utf-8")
    example.write_text(text.replace("agenda: {view_calendars: attached}", "agenda: {view_calendars: group}"), "utf-8")
    changed = published.plan_json(example)
    assert changed["changes"] == []
    group = "choisir « Voir mon agenda et ceux des utilisateurs de mon groupe »"
    assert [(s["id"], s["action"]) for s in changed["manual_steps"]] == [(MANAGER_AGENDA, group)]
    assert published.cli("plan", str(example), "--detailed-exitcode").exit_code == 2


def test_ack_of_named_steps_only_and_an_unknown_id_is_refused(published: PublishedTenant, example: Path) -> None:
    refused = published.cli("ack", str(example), "--yes", "profile:Manager:rights.agenda.view_calendar")
    assert refused.exit_code == 1 and f"did you mean '{MANAGER_AGENDA}'" in refused.stderr
    assert published.cli("ack", str(example), MANAGER_AGENDA, "--yes").exit_code == 0
    plan = published.plan_json(example)
    assert MANAGER_AGENDA not in {s["id"] for s in plan["manual_steps"]}
    assert [s["id"] for s in plan["acknowledged_steps"]] == [MANAGER_AGENDA]
    no_terminal = published.cli("ack", str(example))
    assert no_terminal.exit_code == 1 and "--yes" in no_terminal.stderr


def test_a_hand_edited_ack_file_shows_every_step_again_with_a_warning(
    published: PublishedTenant, example: Path
) -> None:
    assert published.cli("ack", str(example), "--yes").exit_code == 0
    ack_file = example.parent / "organisation.ack.yaml"
    ack_file.write_text(ack_file.read_text(encoding="utf-8").replace("by: test", "by: someone"), encoding="utf-8")
    plan = published.plan_json(example)
    assert plan["manual_steps"] and any("edited by hand" in w for w in plan["warnings"])
    ack_file.write_text("version: 1\ntargets: [", encoding="utf-8")
    broken = published.cli("plan", str(example))
    assert broken.exit_code == 1 and str(ack_file) in broken.stderr and "Traceback" not in broken.stderr


def test_an_access_review_of_a_published_tenant_is_refused_not_empty(published: PublishedTenant) -> None:
    refused = published.cli("access")
    assert refused.exit_code == 1 and "profile rights cannot be read" in refused.stderr
